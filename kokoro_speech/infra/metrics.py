"""What an operator scrapes: one set of Prometheus metrics per worker, summed by the scrape.

Under `kokoro-speech serve` every worker writes its values to files in one folder per server
run (prometheus_client's multiprocess mode, ``PROMETHEUS_MULTIPROC_DIR``, set by ``serve`` before
any worker starts), so whichever worker answers ``/metrics`` reports the whole server. In an
application of your own, without that folder, they are the process's default registry.

The engine knows nothing of Prometheus: its scheduler keeps plain counts and calls back whenever a
lane is taken or freed; the worker copies the counts here then, and at every request's start and end.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import Protocol

from prometheus_client import Counter, Gauge, Histogram, multiprocess

from kokoro_speech.infra.system import alive

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
"""prometheus_client's own variable (``serve`` sets it without importing this module)."""

# Time to first byte is seconds at most on a CPU (the first chunk is sized to about one); total time
# grows with the input, up to minutes for OpenAI's longest.
TTFB_BUCKETS = (0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0)
TOTAL_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 40.0, 80.0, 160.0, 320.0)

REQUESTS = Counter(
    "kokoro_speech_requests", "Requests answered, by route, status, format and language.",
    ["route", "method", "status", "format", "language"],
)  # fmt: skip
REFUSED = Counter("kokoro_speech_refused", "Requests refused for load (503) or rate limits (429).", ["status"])
TIME_TO_FIRST_BYTE = Histogram(
    "kokoro_speech_time_to_first_byte_seconds", "From the request to the first byte of its answer.", ["route"],
    buckets=TTFB_BUCKETS,
)  # fmt: skip
REQUEST_SECONDS = Histogram(
    "kokoro_speech_request_seconds", "From the request to the end of its answer.", ["route"], buckets=TOTAL_BUCKETS
)
CACHE = Counter("kokoro_speech_cache_requests", "Speech requests by how they were answered.", ["result"])
AUDIO_SECONDS = Counter("kokoro_speech_audio_seconds", "Seconds of audio sent.", ["format"])
INPUT_CHARS = Counter("kokoro_speech_input_characters", "Input characters of speech requests.")
INFERENCE_SECONDS = Counter("kokoro_speech_inference_seconds", "Lane time spent running the model.")
DISCARDED_SECONDS = Counter(
    "kokoro_speech_discarded_inference_seconds", "Lane time of runs thrown away (preempted, or the caller left)."
)
PREEMPTED = Counter("kokoro_speech_chunks_preempted", "Later chunks stopped so that a new request's first chunk ran.")
LANES_BUSY = Gauge("kokoro_speech_lanes_busy", "Lanes running the model now.", multiprocess_mode="livesum")
WAITING = Gauge("kokoro_speech_requests_waiting", "Chunks waiting for a lane now.", multiprocess_mode="livesum")
LOAD_SECONDS = Gauge(
    "kokoro_speech_model_load_seconds", "Seconds the slowest worker took to load the model.", multiprocess_mode="max"
)
MODEL_INFO = Gauge(
    "kokoro_speech_model_info", "The model in use: 1 for each backend, provider, variant and precision.",
    ["backend", "provider", "variant", "precision"], multiprocess_mode="max",
)  # fmt: skip
MODEL_LOADED = Gauge(
    "kokoro_speech_model_loaded", "Workers holding the model in memory now.", multiprocess_mode="livesum"
)
MODEL_UNLOADS = Counter("kokoro_speech_model_unloads", "Times a worker let its model go (idle, or /dev/unload).")
MODEL_RELOADS = Counter("kokoro_speech_model_reloads", "Times a request's first audio waited for the model to load.")
MODEL_RELOAD_SECONDS = Counter("kokoro_speech_model_reload_seconds", "Seconds requests waited for the model to load.")
REDIS_FALLBACKS = Counter(
    "kokoro_speech_redis_fallbacks",
    "Cache and rate-limit operations answered from this server's own files because Redis was unavailable.",
    ["use"],
)
JOBS_QUEUED = Gauge(
    "kokoro_speech_jobs_queued",
    "Units of long-form jobs (pieces, books) waiting in the queue.",
    multiprocess_mode="livemax",
)
JOB_PIECES_IN_FLIGHT = Gauge(
    "kokoro_speech_job_pieces_in_flight", "Pieces of long-form jobs being made now, by every worker.",
    multiprocess_mode="livemax",
)  # fmt: skip
JOB_PIECES_REDONE = Counter(
    "kokoro_speech_job_pieces_redone",
    "Pieces taken back from a worker that stopped renewing its lease, to be made again.",
)

CACHE_FAILURES = Counter(
    "kokoro_speech_cache_failures",
    "Result cache operations (read, write, claim, reopen) that failed, so the request went on without the cache.",
    ["operation"],
)

_LIVE_FILE = re.compile(r"gauge_live\w+_(\d+)\.db")


def forget_dead_workers() -> None:
    """Drop the live gauges of workers that are gone (one killed, say), so they stop counting as busy."""
    folder = os.environ.get(MULTIPROCESS_ENV)
    if not folder:
        return
    for path in Path(folder).glob("gauge_live*.db"):
        match = _LIVE_FILE.fullmatch(path.name)
        if match and not alive(int(match.group(1))):
            multiprocess.mark_process_dead(int(match.group(1)))  # type: ignore[no-untyped-call]


def model_loaded(seconds: float, backend: str, provider: str, variant: str, precision: str | None) -> None:
    LOAD_SECONDS.set(seconds)
    MODEL_INFO.labels(backend, provider, variant, precision or "").set(1)
    MODEL_LOADED.set(1)


def model_unloaded() -> None:
    MODEL_UNLOADS.inc()
    MODEL_LOADED.set(0)


def model_reloaded(seconds: float) -> None:
    MODEL_RELOADS.inc()
    MODEL_RELOAD_SECONDS.inc(seconds)
    MODEL_LOADED.set(1)


def redis_fallback(use: str) -> None:
    REDIS_FALLBACKS.labels(use).inc()


def cache_failure(operation: str) -> None:
    CACHE_FAILURES.labels(operation).inc()


class LaneCounts(Protocol):
    """What a worker's scheduler counts (the engine's ``LaneScheduler``)."""

    @property
    def run_seconds(self) -> float: ...
    @property
    def discarded_seconds(self) -> float: ...
    @property
    def runs_preempted(self) -> int: ...
    @property
    def busy(self) -> int: ...
    @property
    def waiting(self) -> int: ...


class Answered(Protocol):
    """What a speech request's outcome says of it (the speech layer's ``SpeechOutcome``)."""

    response_format: str
    language: str
    cache_hit: bool
    coalesced: bool
    input_chars: int

    @property
    def audio_seconds(self) -> float: ...


class SchedulerMetrics:
    """Copies one worker's scheduler counts into the metrics: counters by what grew since the last copy."""

    def __init__(self, scheduler: LaneCounts) -> None:
        self.scheduler = scheduler
        self._seen = (0.0, 0.0, 0)

    def copy(self) -> None:
        s = self.scheduler
        run, discarded, preempted = s.run_seconds, s.discarded_seconds, s.runs_preempted
        seen_run, seen_discarded, seen_preempted = self._seen
        self._seen = (run, discarded, preempted)
        with contextlib.suppress(ValueError):  # counters refuse to shrink; the scheduler's never do
            INFERENCE_SECONDS.inc(max(0.0, run - seen_run))
            DISCARDED_SECONDS.inc(max(0.0, discarded - seen_discarded))
            PREEMPTED.inc(max(0, preempted - seen_preempted))
        LANES_BUSY.set(s.busy)
        WAITING.set(s.waiting)


def observe(
    route: str, method: str, status: int | None, ttfb_s: float | None, total_s: float, outcome: Answered | None
) -> None:
    """One answered request of the plugin's routes."""
    status_label = "499" if status is None else str(status)
    format_label = outcome.response_format if outcome else ""
    REQUESTS.labels(route, method, status_label, format_label, outcome.language if outcome else "").inc()
    if status in (429, 503):
        REFUSED.labels(status_label).inc()
    if ttfb_s is not None:
        TIME_TO_FIRST_BYTE.labels(route).observe(ttfb_s)
    REQUEST_SECONDS.labels(route).observe(total_s)
    if outcome is None or status != 200:
        return
    CACHE.labels("hit" if outcome.cache_hit else "coalesced" if outcome.coalesced else "miss").inc()
    AUDIO_SECONDS.labels(format_label).inc(outcome.audio_seconds)
    INPUT_CHARS.inc(outcome.input_chars)
