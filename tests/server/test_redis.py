"""Several servers sharing one Redis (a real `redis-server`): one cache, one set of limits, and an outage
that costs no request."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest

from kokoro_speech.api.access.counters import WindowCounter
from kokoro_speech.api.access.redis_counter import RedisWindowCounter
from kokoro_speech.config import RedisConfig, SpeechConfig
from kokoro_speech.engine import assets, tuning
from kokoro_speech.engine.backends import loading
from kokoro_speech.infra.shared_state import redis_client
from tests.support import GRAPHS, UNTUNED_SCHEDULE, Server, base_env, start_server, wait_for
from tests.support.audio import duration
from tests.support.metrics import samples, value
from tests.support.redis_server import RedisServer

SHARED_RPM = 5
RETRY_S = 1.0
"""How soon the servers under test try Redis again after it failed."""
TIMEOUT_S = 1.0
"""How long they wait on a Redis that does not answer."""
RESULTS = "kokoro-speech:results:*"
MODEL, VOICES = "kokoro-v1.0.int8.onnx", "voices-v1.0.bin"
LIMITS = "kokoro-speech:limits:*"
SHARED_TEXT = (
    "Two servers keep one cache between them. Each measured its own machine when it first started, and the "
    "two measurements chose different chunk sizes; the text is long enough for those sizes to decide its bytes."
)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


def server_on(home: Path, folder: Path, redis_server: RedisServer, **settings: str) -> Server:
    """A one-worker server with its own cache directory, sharing ``redis_server``."""
    folder.mkdir(exist_ok=True)
    env = base_env(
        home,
        folder,
        redis_url=redis_server.url,
        redis_retry_seconds=str(RETRY_S),
        redis_timeout_seconds=str(TIMEOUT_S),
        **(UNTUNED_SCHEDULE | settings),
    )
    return start_server(env, folder / "server.log", workers=1)


MEASURED_HERE = {"lanes": "1", "intra_op_spinning": "true", "preempt_later_chunks": "true"}
"""The choices that change only speed, set; those that change the audio (chunk sizes, pacing) are left to
each server's own measurement."""


def measured(folder: Path, home: Path, first_chunk_s: float, later_chunk_s: float) -> dict[str, str]:
    """Settings for a server whose first-start measurement of this machine gave these figures: its own
    ``tuning.json``, written by the measurement with these figures instead of running its trials. Two real measurements
    on one machine differ as much (RTF 0.184 to 0.238 in four starts)."""
    graphs = folder / "graphs"
    graphs.mkdir(parents=True)
    if GRAPHS:  # the graphs the run has made already, so that this server does not make its own
        for made in GRAPHS[0].glob("*.onnx"):
            (graphs / made.name).symlink_to(made)
    settings = MEASURED_HERE | {
        "graphs_dir": str(graphs),
        "chunk_tokens": "0",
        "first_chunk_tokens": "0",
        "stream_rtf": "0",
    }
    config = SpeechConfig.from_env(base_env(home, folder, **settings))
    files = assets.resolve(config.model)

    def figures(candidate: loading.Candidate, *_: object) -> tuning.Trial:
        return tuning.Trial(
            candidate.provider,
            candidate.variant,
            first_chunk_s=first_chunk_s,
            later_chunk_s=later_chunk_s,
            rtf=later_chunk_s / 10,
            audio_per_token_s=0.08,
        )

    # The measurement's own bookkeeping writes the file; only the trial itself is given.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tuning, "measure", figures)
        tuning.load_or_tune(config.engine, files, loading.candidates(config.engine, files))
    return settings


def speech(text: str) -> dict[str, str]:
    return {"model": "tts-1", "voice": "af_heart", "input": text}


def test_two_servers_share_one_cache_and_one_set_of_limits(
    home: Path, tmp_path: Path, redis_server: RedisServer
) -> None:
    # Each server measured its own machine at first start, and the two measurements differ.
    faster = measured(tmp_path / "a", home, first_chunk_s=0.25, later_chunk_s=0.4)
    first = server_on(home, tmp_path / "a", redis_server, rate_limit_requests_per_minute=str(SHARED_RPM), **faster)
    # The other machine downloaded the same release itself: its files are copies, with their own times.
    copy = tmp_path / "model-copy"
    copy.mkdir()
    for name in (MODEL, VOICES):
        shutil.copy(home / name, copy / name)
    slower = measured(tmp_path / "b", copy, first_chunk_s=0.8, later_chunk_s=1.4)
    second = server_on(copy, tmp_path / "b", redis_server, rate_limit_requests_per_minute=str(SHARED_RPM), **slower)
    try:
        made = first.post("/v1/audio/speech", json=speech(SHARED_TEXT))
        assert made.status_code == 200 and made.headers["x-cache"] == "MISS"
        assert made.headers["x-ratelimit-remaining-requests"] == str(SHARED_RPM - 1)
        wait_for(lambda: redis_server.keys(RESULTS), "the response stored in Redis")

        hit = second.post("/v1/audio/speech", json=speech(SHARED_TEXT))
        assert hit.status_code == 200 and hit.headers["x-cache"] == "HIT"
        assert hit.content == made.content and duration(hit.content, "mp3") > 1.0
        # Because the second adopted the first's choices that change the audio (and logged what it measured).
        assert "adopted the schedule of the servers sharing redis" in (tmp_path / "b" / "server.log").read_text()
        assert "adopted the schedule" not in (tmp_path / "a" / "server.log").read_text()
        # The other server counted the first request too: one minute, one count, whichever server answers.
        assert hit.headers["x-ratelimit-remaining-requests"] == str(SHARED_RPM - 2)
        for server, remaining in ((first, 2), (second, 1), (first, 0)):
            answer = server.post("/v1/audio/phonemize", json={"input": "Counted once."})
            assert answer.headers["x-ratelimit-remaining-requests"] == str(remaining)
        client = openai.OpenAI(base_url=second.url + "/v1", api_key="not-needed", max_retries=0)
        with pytest.raises(openai.RateLimitError) as refused:
            client.audio.speech.create(model="tts-1", voice="alloy", input="One too many.")
        assert refused.value.response.headers["retry-after"]
        assert refused.value.body["code"] == "rate_limit_exceeded"  # type: ignore[index]
        assert redis_server.keys(LIMITS) == ["kokoro-speech:limits:address:127.0.0.1:requests"], (
            "the limits are counted in Redis"
        )
        # Neither server keeps a result of its own while Redis answers.
        assert not _local_results(tmp_path / "a") and not _local_results(tmp_path / "b")
    finally:
        first.stop()
        second.stop()


def test_a_redis_outage_costs_no_request_and_redis_is_used_again_once_back(
    home: Path, tmp_path: Path, redis_server: RedisServer
) -> None:
    server = server_on(home, tmp_path / "server", redis_server, rate_limit_requests_per_minute="100")
    try:
        assert server.post("/v1/audio/speech", json=speech("Before the outage.")).status_code == 200
        wait_for(lambda: redis_server.keys(RESULTS), "the response stored in Redis")

        # A Redis that hangs (a partition) and then one that is gone: each answer still comes, made here.
        assert redis_server.process is not None
        os.kill(redis_server.process.pid, signal.SIGSTOP)
        hung = server.post("/v1/audio/speech", json=speech("Before the outage."))
        assert hung.status_code == 200 and hung.headers["x-cache"] == "MISS" and duration(hung.content, "mp3") > 0.5
        assert "x-ratelimit-remaining-requests" in hung.headers, "the limits hold, counted here"
        os.kill(redis_server.process.pid, signal.SIGKILL)
        redis_server.process.wait()
        during = speech("Said while Redis is away.")
        made = server.post("/v1/audio/speech", json=during)
        assert made.status_code == 200 and made.headers["x-cache"] == "MISS"
        wait_for(lambda: _local_results(tmp_path / "server"), "the response stored in the server's own file")
        again = server.post("/v1/audio/speech", json=during)
        assert again.headers["x-cache"] == "HIT" and again.content == made.content
        assert server.post("/v1/audio/phonemize", json={"input": "Still counted."}).status_code == 200
        log = server.log.read_text()
        warnings = [line for line in log.splitlines() if "redis unavailable" in line]
        assert len(warnings) == 2, warnings  # one per use (cache, limits), not one per request
        fallbacks = samples(server.get("/metrics").text)
        assert value(fallbacks, "kokoro_speech_redis_fallbacks_total", use="cache") >= 3
        assert value(fallbacks, "kokoro_speech_redis_fallbacks_total", use="limits") >= 3

        redis_server.start()  # empty: what it held is gone
        time.sleep(RETRY_S * 1.5)
        after = speech("Said once Redis is back.")
        assert server.post("/v1/audio/speech", json=after).status_code == 200
        wait_for(lambda: redis_server.keys(RESULTS), "a response stored in Redis again")
        assert redis_server.keys(LIMITS), "the limits counted in Redis again"
        assert server.post("/v1/audio/speech", json=after).headers["x-cache"] == "HIT"
        wait_for(lambda: "redis back" in server.log.read_text(), "the return of Redis in the log")
    finally:
        server.stop()


def _local_results(folder: Path) -> int:
    """Entries in a server's own result file."""
    path = folder / "results.sqlite3"
    if not path.exists():
        return 0
    with sqlite3.connect(path) as conn:
        try:
            return int(conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0])
        except sqlite3.OperationalError:
            return 0


WINDOW_S = 2.0
"""Short, so that Redis lets the counts expire within the test (the window itself moves on the test's clock)."""
STEPS: list[dict[str, tuple[int, int]]] = [
    {"c:requests": (1, 2), "c:tokens": (30, 50)},
    {"c:requests": (1, 2), "c:tokens": (30, 50)},  # over on tokens: refused, and the request is not counted
    {"c:requests": (1, 2), "c:tokens": (20, 50)},  # fits both exactly
    {"c:requests": (1, 2)},  # over on requests
    {"other:requests": (1, 1)},  # another caller's own count
    {"c:tokens": (60, 50)},  # larger than the limit itself
]


async def test_the_redis_counts_follow_the_same_rules_as_the_servers_own(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    client = redis_client(RedisConfig(url=redis_server.url))
    # One clock for both, stepped by the test: the two windows hold the same uses at the same moments.
    now = [1_000_000.0]
    shared = RedisWindowCounter(client, "kokoro-speech:limits", clock=lambda: now[0])
    local = WindowCounter(tmp_path / "limits.sqlite3", clock=lambda: now[0])
    try:
        for _ in range(2):  # the second time round, once the first round's uses have left the window
            for wants in STEPS:
                now[0] += WINDOW_S / 10
                (shared_ok, shared_counts), (local_ok, local_counts) = [
                    await counter.take(wants, WINDOW_S) for counter in (shared, local)
                ]
                assert shared_ok == local_ok, wants
                for key in wants:
                    s, lc = shared_counts[key], local_counts[key]
                    assert (s.limit, s.used, s.wanted) == (lc.limit, lc.used, lc.wanted), key
                    assert 0 < s.reset_s <= WINDOW_S and s.reset_s == pytest.approx(lc.reset_s, abs=0.002), key
                    assert s.retry_s == pytest.approx(lc.retry_s, abs=0.002), key
            now[0] += WINDOW_S * 1.2
        time.sleep(WINDOW_S * 1.2)
        # Counts in Redis expire with their window: nothing is left behind.
        assert not redis_server.keys(LIMITS)
    finally:
        local.close()
        await client.aclose()
