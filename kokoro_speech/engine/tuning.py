"""The measurement behind "auto": how fast each candidate runs the model on this machine, and how
to schedule it there.

The fastest way to run Kokoro depends on the machine (int8 kernels, bf16 units, a GPU), and so
do the choices around it: whether idle threads should spin, whether two runs at once do more
work than one, how large a first chunk can be while the first audio still comes quickly, and
how fast a stream's chunks may grow. So they are measured, not assumed. Each candidate (a
provider and a graph) is timed in a process of its own, so that its memory is its own and a
crash or a hang costs only that candidate: runs the size of a first and of a later chunk (and a
longer one where the cost per phoneme still falls), with and without spinning threads, two at
once against one at a time, and its peak resident memory. The ranking and the figures are
kept in ``tuning.json`` beside the made graphs, per machine (CPU, its instruction sets, cores,
runtime versions) and model file, so it runs once; `kokoro-speech tune` runs it again and
prints what it chose and why. Workers that start together take a file lock, so one measures
and the others read its result. Every setting that is given explicitly wins over its
measurement (:func:`schedule_for`); the choices themselves are declared in
:mod:`kokoro_speech.engine.schedule`.

What the measurement found, on two cores of an AMD EPYC (ONNX Runtime, the int8 file):

========================  ==============================  ==============================
choice                    Zen 4 (AVX-512, VNNI, BF16)     Zen 1 (AVX2, 2.0 GHz)
========================  ==============================  ==============================
lanes                     1: two at once did 0.985x       1: 0.965x
spinning                  on: 2.233 s against 2.314 s     off: 9.377 s against 9.115 s
first chunk               60 phonemes: 0.969 s            60: 4.190 s (the floor)
later chunks              120                             120: 78.1 ms a phoneme
preemption                on                              on: a later chunk takes 9.38 s
stream pace               0.30 (RTF 0.31)                 1.3: no pacing
========================  ==============================  ==============================

Why one lane: on two cores, two concurrent runs on one 2-thread session did 0.96x (60 phonemes),
1.15x (80) and 1.09x (120) the work of one at a time, two 1-thread runs 1.08x to 1.33x. A second
lane raised four clients' throughput from 0.904 to 1.084 of serial kokoro-onnx on Zen 4, but peak
memory from 626 to 745 MB and the fairness ratio from 1.10 to 1.78 (a newcomer's first chunk shares
the threads with a running chunk): hence :data:`LANE_GAIN`. With one lane the lane ran for the whole
of the bench's throughput case and threw away under 1% of its time, so a worker is as fast as the
model with all of its threads, whose cost per phoneme is flat from 60 to 500 phonemes on a CPU (18 to
22 ms on Zen 4, 70 to 78 ms on Zen 1). On a GPU-like measurement (a phoneme much cheaper at 240, two
runs at once clearly ahead, a later chunk well under 0.25 s) the same rules choose two lanes,
240-phoneme chunks and no preemption; no GPU was measured.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import platform
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import structlog

from kokoro_speech.engine.assets import ModelFiles
from kokoro_speech.engine.backends.base import Backend
from kokoro_speech.engine.backends.loading import OPENVINO_PREFIX, Candidate, open_backend, prepare
from kokoro_speech.engine.backends.onnxruntime import CPU
from kokoro_speech.engine.config import MODEL_MAX_TOKENS, BackendConfig, EngineConfig
from kokoro_speech.engine.joins import SAMPLE_RATE
from kokoro_speech.engine.quality import GATE_PHRASES, Quality, Say, compare, outputs
from kokoro_speech.engine.schedule import CHOICES, Schedule, given, variable
from kokoro_speech.infra.system import cpu_count, cpu_flags

if TYPE_CHECKING:
    from kokoro_speech.engine.phonemes import Phonemizer
    from kokoro_speech.engine.voices import ResolvedVoice

log = structlog.get_logger("kokoro_speech")

TUNING_FILE = "tuning.json"
TRIAL_VERSION = 3
"""What a kept measurement holds; a record made by another version is measured again."""
TRIAL_REPS = 3
"""Timed first-chunk-sized runs per candidate; of the longer kinds, one less. The fastest is kept: candidates
are timed one after another on a machine that may be shared, and noise only ever adds time."""
REFERENCE = Candidate(CPU, "int8")
"""What the quality gate compares every other candidate with: the official int8 graph, as kokoro-onnx runs it."""
FIRST_TRIAL_TOKENS = 60
LATER_TRIAL_TOKENS = 120
LONG_TRIAL_TOKENS = 240
"""The run sizes timed: a first chunk's, a later chunk's, and twice that where it may pay."""
SPIN_GAIN = 0.03
"""Idle threads spin only where that made runs at least this much faster: a spinning thread holds a core
that the event loop, the encoders and other workers need."""
LANE_GAIN = 0.20
"""A second lane only where two runs at once did at least this much more work than one at a time: less
does not pay for the second run's memory (about 150 MB at 120 phonemes on int8) nor for the newcomer
whose first chunk then shares the threads with a running chunk."""
LONG_CHUNK_GAIN = 0.15
"""Later chunks of 240 phonemes where a phoneme cost at least this much less at 240 than at 120 (a GPU's
time per phoneme falls with length; a CPU's is flat, and longer chunks only cost memory)."""
FIRST_CHUNK_FLOOR = 60
"""The smallest first chunk the measurement chooses: below it a stream starts with a few words and a cut,
and every extra chunk costs a model call."""
PREEMPT_MIN_SECONDS = 0.25
"""Later chunks are preempted only where one takes at least this long: a shorter wait is not noticed, and
stopping a run throws its work away."""
PACE_STEP = 0.05
"""The measured pace is rounded to this step, so that machines of about the same speed plan (and cache) the
same chunks."""
TRIAL_TIMEOUT_SECONDS = 600
"""A candidate that takes longer than this to load and run is given up on (a guard against a hang)."""
TRIAL_TEXT = (
    "The quick brown fox jumps over the lazy dog, and then it runs down to the river bank to drink. "
    "Nobody saw where it went after that, but the tracks led north."
)
INSTRUCTION_SETS = (
    "avx2",
    "fma",
    "f16c",
    "avx512f",
    "avx512_vnni",
    "avx512_bf16",
    "avx_vnni",
    "amx_bf16",
    "amx_int8",
    "neon",
    "asimd",
    "sve",
)
"""The CPU flags that decide which kernels and precisions are fast: reported, and part of the machine key."""


@dataclass(frozen=True)
class Trial:
    provider: str
    variant: str
    precision: str | None = None
    load_s: float | None = None
    first_chunk_s: float | None = None
    """Fastest time of a run the size of a first chunk."""
    rtf: float | None = None
    """Fastest seconds per second of audio on a later-chunk-sized run: lower is faster."""
    peak_rss_mb: float | None = None
    error: str | None = None
    later_chunk_s: float | None = None
    """Fastest time of a later-chunk-sized run."""
    long_chunk_s: float | None = None
    """Fastest time of a run twice that size, where the cost per phoneme still fell up to a later chunk."""
    audio_per_token_s: float | None = None
    """Seconds of audio per phoneme token at normal speed."""
    unspun_later_chunk_s: float | None = None
    """A later-chunk-sized run with idle threads not spinning (ONNX Runtime's CPU threads only)."""
    concurrent_gain: float | None = None
    """How much more work two runs at once did than one at a time (1.0: the same)."""
    concurrent_peak_rss_mb: float | None = None
    spectral_db: float | None = None
    """Quality gate: distance of its audio from the int8 graph's (None: it is the reference, or there is none)."""
    durations_agree: float | None = None
    """Quality gate: share of tokens given the int8 graph's frame count."""

    def passes(self, backend: BackendConfig) -> bool:
        """Whether its audio is within the quality gate's bounds (the reference always is)."""
        if self.spectral_db is None or self.durations_agree is None:
            return True
        return self.spectral_db <= backend.quality_max_db and self.durations_agree >= backend.quality_min_durations

    @property
    def candidate(self) -> Candidate:
        return Candidate(self.provider, self.variant)


Rule = Callable[[Trial, dict[str, Any], EngineConfig], tuple[Any, str]]
"""How one choice is made from a candidate's figures: its value and why, given the choices made before it."""


def _lanes(t: Trial, chosen: dict[str, Any], config: EngineConfig) -> tuple[int, str]:
    limit = config.backend.memory_limit_mb
    if t.concurrent_gain is None:
        return 1, "two runs at once not measured"
    over = bool(limit and t.concurrent_peak_rss_mb and t.concurrent_peak_rss_mb > limit)
    lanes = 2 if t.concurrent_gain >= 1 + LANE_GAIN and not over else 1
    within = f", within {limit} MB" if limit else ""
    return lanes, f"two runs at once did {t.concurrent_gain:.2f}x the work of one (two lanes from " + (
        f"{1 + LANE_GAIN:.2f}x{within})"
    )


def _spinning(t: Trial, chosen: dict[str, Any], config: EngineConfig) -> tuple[bool, str]:
    if chosen["lanes"] > 1:
        return False, "lanes share the threads: a spinning one takes what the other run needs"
    if t.unspun_later_chunk_s is None:
        return True, "not ONNX Runtime's CPU threads: their own default"
    faster = t.later_chunk_s is not None and t.later_chunk_s <= (1 - SPIN_GAIN) * t.unspun_later_chunk_s
    return faster, f"a later chunk took {t.later_chunk_s:.3f} s spinning, {t.unspun_later_chunk_s:.3f} s not"


def _chunk_tokens(t: Trial, chosen: dict[str, Any], config: EngineConfig) -> tuple[int, str]:
    return _later_tokens(t), _later_why(t)


def _first_chunk_tokens(t: Trial, chosen: dict[str, Any], config: EngineConfig) -> tuple[int, str]:
    seconds = config.synthesis.first_chunk_seconds
    tokens = _first_tokens(t, seconds, max(chosen["chunk_tokens"], FIRST_CHUNK_FLOOR))
    return tokens, (
        f"the most made within {seconds:g} s, at least {FIRST_CHUNK_FLOOR}: {FIRST_TRIAL_TOKENS} took "
        f"{t.first_chunk_s:.3f} s"
    )


def _preempt(t: Trial, chosen: dict[str, Any], config: EngineConfig) -> tuple[bool, str]:
    if t.provider.startswith(OPENVINO_PREFIX):
        # A stopped OpenVINO run still runs to its end (see OpenVinoBackend): preempting it would only throw
        # that work away and make it again, and the newcomer would wait just as long.
        return False, "a running OpenVINO chunk cannot be stopped, only thrown away at its end"
    seconds = _seconds(t, chosen["chunk_tokens"])
    return seconds >= PREEMPT_MIN_SECONDS, f"a later chunk takes {seconds:.2f} s (from {PREEMPT_MIN_SECONDS} s)"


def _stream_rtf(t: Trial, chosen: dict[str, Any], config: EngineConfig) -> tuple[float, str]:
    run = t.unspun_later_chunk_s if not chosen["spinning"] and t.unspun_later_chunk_s else t.later_chunk_s
    assert run is not None and t.audio_per_token_s
    pace = run / (LATER_TRIAL_TOKENS * t.audio_per_token_s)
    rounded = round(max(1, round(pace / PACE_STEP)) * PACE_STEP, 3)
    return rounded, f"a later chunk is made at {pace:.3f} s per second of audio"


RULES: dict[str, Rule] = {
    "lanes": _lanes,
    "spinning": _spinning,
    "chunk_tokens": _chunk_tokens,
    "first_chunk_tokens": _first_chunk_tokens,
    "preempt": _preempt,
    "stream_rtf": _stream_rtf,
}
if RULES.keys() != CHOICES.keys():
    raise RuntimeError(f"every choice of a schedule needs a rule: {sorted(RULES.keys() ^ CHOICES.keys())}")


def _untuned(name: str, chosen: dict[str, Any], config: EngineConfig) -> Any:
    """The declared unmeasured value; a first chunk is never longer than the later ones."""
    if name == "chunk_tokens":
        return max(CHOICES[name].untuned, given(config, "first_chunk_tokens") or 0)
    if name == "first_chunk_tokens":
        return min(CHOICES[name].untuned, chosen["chunk_tokens"])
    return CHOICES[name].untuned


def schedule_for(trial: Trial | None, config: EngineConfig) -> Schedule:
    """The choices for a worker running ``trial``'s candidate: each setting given explicitly as it is, the
    rest from the figures, in the declared order (each choice may rest on those before it); without figures,
    the unmeasured values."""
    why: dict[str, str] = {}
    chosen: dict[str, Any] = {}
    figures = trial is not None and trial.first_chunk_s is not None and trial.later_chunk_s is not None
    for name in CHOICES:
        value = given(config, name)
        if value is not None:
            why[name] = f"set by {variable(name)}"
        elif trial is None or not figures:
            value, why[name] = _untuned(name, chosen, config), "not measured: the default"
        else:
            value, why[name] = RULES[name](trial, chosen, config)
        chosen[name] = value
    chosen["chunk_tokens"] = max(chosen["chunk_tokens"], chosen["first_chunk_tokens"])
    return Schedule(**chosen, why=why)


def _cost_line(trial: Trial | None) -> tuple[float, float]:
    """Seconds per run as fixed cost plus cost per phoneme, from the first- and later-sized runs."""
    if trial is None or trial.first_chunk_s is None or trial.later_chunk_s is None:
        return 0.0, 0.0
    per_token = (trial.later_chunk_s - trial.first_chunk_s) / (LATER_TRIAL_TOKENS - FIRST_TRIAL_TOKENS)
    fixed = trial.first_chunk_s - FIRST_TRIAL_TOKENS * per_token
    if fixed < 0 or per_token <= 0:  # noise: a line through the later run and no fixed cost
        return 0.0, trial.later_chunk_s / LATER_TRIAL_TOKENS
    return fixed, per_token


def _seconds(trial: Trial | None, tokens: int) -> float:
    fixed, per_token = _cost_line(trial)
    return fixed + per_token * tokens


def _first_tokens(trial: Trial | None, seconds: float, most: int) -> int:
    fixed, per_token = _cost_line(trial)
    if not per_token:
        return FIRST_CHUNK_FLOOR
    fits = int((seconds - fixed) / per_token) // 10 * 10
    return max(FIRST_CHUNK_FLOOR, min(most, fits))


def _long_pays(trial: Trial | None) -> bool:
    if trial is None or trial.long_chunk_s is None or trial.later_chunk_s is None:
        return False
    return trial.long_chunk_s / LONG_TRIAL_TOKENS <= (1 - LONG_CHUNK_GAIN) * trial.later_chunk_s / LATER_TRIAL_TOKENS


def _later_tokens(trial: Trial) -> int:
    return LONG_TRIAL_TOKENS if _long_pays(trial) else LATER_TRIAL_TOKENS


def _later_why(trial: Trial) -> str:
    assert trial.later_chunk_s is not None
    per_later = 1000 * trial.later_chunk_s / LATER_TRIAL_TOKENS
    if trial.long_chunk_s is None:
        return f"a phoneme cost no less at {LATER_TRIAL_TOKENS} than at {FIRST_TRIAL_TOKENS} ({per_later:.1f} ms)"
    per_long = 1000 * trial.long_chunk_s / LONG_TRIAL_TOKENS
    return f"a phoneme cost {per_long:.1f} ms at {LONG_TRIAL_TOKENS}, {per_later:.1f} ms at {LATER_TRIAL_TOKENS}"


@dataclass
class Tuning:
    key: str
    machine: dict[str, Any]
    trials: list[Trial]
    order: list[Candidate] = field(default_factory=list)
    reason: str = ""

    def trial(self, candidate: Candidate) -> Trial | None:
        return next((t for t in self.trials if t.candidate == candidate and t.error is None), None)


def instruction_sets() -> list[str]:
    """The CPU's flags of :data:`INSTRUCTION_SETS` (Linux's /proc/cpuinfo; empty elsewhere)."""
    flags = cpu_flags()
    return [name for name in INSTRUCTION_SETS if name in flags]


def cpu_name() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def machine() -> dict[str, Any]:
    import onnxruntime

    try:
        # The installed version, read without importing OpenVINO into a process that may never use it.
        openvino_version: str | None = version("openvino")
    except PackageNotFoundError:
        openvino_version = None
    return {
        "cpu": cpu_name(),
        "cores": cpu_count(),
        "instruction_sets": instruction_sets(),
        "system": platform.system(),
        "onnxruntime": onnxruntime.__version__,
        "openvino": openvino_version,
    }


def record_key(config: EngineConfig, files: ModelFiles, machine_info: dict[str, Any]) -> str:
    """What a candidate's trial holds for: the machine, the model files and the settings that time it."""
    stats = sorted(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in (files.others or {}).values())
    parts = {
        "trial": TRIAL_VERSION,
        "machine": machine_info,
        "model": stats or [f"{files.model.name}:{files.model.stat().st_size}"],
        "threads": config.onnx.threads(),
        "openvino_precision": config.backend.openvino_precision,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def ranked(trials: list[Trial], backend: BackendConfig) -> tuple[list[Candidate], str]:
    """Fastest first among the candidates that ran within the memory cap and passed the quality gate; then
    those over the cap; then those the gate failed; failures last."""
    memory_limit_mb = backend.memory_limit_mb
    ran = [t for t in trials if t.rtf is not None]
    heard = [t for t in ran if t.passes(backend)]
    misheard = sorted((t for t in ran if t not in heard), key=lambda t: t.rtf or 0.0)
    within = sorted(
        (t for t in heard if not memory_limit_mb or (t.peak_rss_mb or 0) <= memory_limit_mb), key=lambda t: t.rtf or 0.0
    )
    over = sorted((t for t in heard if t not in within), key=lambda t: t.rtf or 0.0)
    failed = [t for t in trials if t.rtf is None]
    order = [t.candidate for t in within + over + misheard + failed]
    if not ran:
        return order, "no candidate ran; they are tried in the configured order"
    best = (within or over or misheard)[0]
    reason = f"{best.candidate.label} ({best.precision}) runs at RTF {best.rtf:.3f}{_heard(best)}"
    rest = [t for t in ran if t is not best]
    if rest:
        reason += "; " + ", ".join(f"{t.candidate.label} {t.rtf:.3f}{_heard(t)}" for t in rest)
    if over and memory_limit_mb:
        reason += f"; over the {memory_limit_mb} MB cap: " + ", ".join(
            f"{t.candidate.label} {t.peak_rss_mb:.0f} MB" for t in over
        )
    if misheard:
        reason += (
            f"; outside the quality gate ({backend.quality_max_db} dB, {backend.quality_min_durations:.0%} of"
            " durations): " + ", ".join(t.candidate.label for t in misheard)
        )
    if failed:
        reason += "; failed: " + ", ".join(t.candidate.label for t in failed)
    return order, reason


def _heard(trial: Trial) -> str:
    if trial.spectral_db is None or trial.durations_agree is None:
        return ""
    return f" ({trial.spectral_db:.2f} dB from int8, {trial.durations_agree:.0%} of durations the same)"


def load_or_tune(
    config: EngineConfig, files: ModelFiles, candidates: list[Candidate], *, force: bool = False
) -> Tuning:
    """The candidates ranked by their trials on this machine: kept ones, and new ones for the candidates not
    measured yet (or all of them, ``force``), each in a process of its own and kept for next time.

    ``tuning.json`` holds, per machine, model and timing settings, one trial per candidate, so a server
    started with another list of providers measures only what is new to it."""
    path = config.model.made_dir / TUNING_FILE
    machine_info = machine()
    key = record_key(config, files, machine_info)
    with _locked(path):
        records = _read(path)
        record = records.get(key) or {"machine": machine_info, "trials": {}}
        missing = [c for c in candidates if force or c.label not in record["trials"]]
        if missing:
            log.info("measuring how to run the model on this machine", candidates=[c.label for c in missing])
            for candidate in missing:
                record["trials"][candidate.label] = asdict(measure(candidate, config, files))
            records[key] = record
            _write(path, records)
    trials = [Trial(**record["trials"][c.label]) for c in candidates]
    order, reason = ranked(trials, config.backend)
    if missing:
        log.info("tuned", choice=order[0].label if order else None, reason=reason)
    return Tuning(key, machine_info, trials, order, reason)


def measure(candidate: Candidate, config: EngineConfig, files: ModelFiles) -> Trial:
    """One candidate's trial in a child process: graphs are made first in another child, so that the
    memory of making them is not counted as the memory of running them."""
    context = multiprocessing.get_context("spawn")
    for step in (_prepare, _trial):
        parent, child = context.Pipe(duplex=False)
        # Not a daemon: making OpenVINO's format starts a process of its own.
        process = context.Process(target=step, args=(candidate, config, files, child))
        process.start()
        child.close()
        result: dict[str, Any] | None = None
        if parent.poll(TRIAL_TIMEOUT_SECONDS):
            with contextlib.suppress(EOFError):
                result = parent.recv()
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()
        if result is None:
            return Trial(
                candidate.provider,
                candidate.variant,
                error=f"{step.__name__[1:]} gave no result (exit code {process.exitcode})",
            )
        if step is _trial:
            return Trial(**result)
        if result.get("error"):
            return Trial(candidate.provider, candidate.variant, error=result["error"])
    raise AssertionError("unreachable")


def _prepare(candidate: Candidate, config: EngineConfig, files: ModelFiles, connection: Any) -> None:
    try:
        prepare(candidate, config, files)
        connection.send({})
    except Exception as error:
        connection.send({"error": f"{type(error).__name__}: {error}".splitlines()[0]})


def _trial(candidate: Candidate, config: EngineConfig, files: ModelFiles, connection: Any) -> None:
    try:
        connection.send(asdict(_run_trial(candidate, config, files)))
    except Exception as error:
        connection.send(
            asdict(
                Trial(candidate.provider, candidate.variant, error=f"{type(error).__name__}: {error}".splitlines()[0])
            )
        )


def _run_trial(candidate: Candidate, config: EngineConfig, files: ModelFiles) -> Trial:
    from kokoro_speech.engine.languages import find
    from kokoro_speech.engine.phonemes import Phonemizer
    from kokoro_speech.engine.voices import VoiceCatalog

    started = time.perf_counter()
    backend = open_backend(candidate, config, files, spinning=True)
    load_s = time.perf_counter() - started
    voice = VoiceCatalog.load(files.voices).resolve("af_heart")
    phonemizer = Phonemizer()
    text_tokens = phonemizer.tokenize(phonemizer.phonemize([TRIAL_TEXT], find("en-us"))[0])
    style = voice.style_for

    def tokens(size: int) -> list[int]:
        return (text_tokens * (1 + size // max(1, len(text_tokens))))[: min(size, MODEL_MAX_TOKENS)]

    audio_s = 0.0

    def once(runner: Backend, size: int) -> float:
        nonlocal audio_s
        begun = time.perf_counter()
        output = runner.run(tokens(size), style(size), 1.0)
        if size == LATER_TRIAL_TOKENS:
            audio_s = len(output.audio) / SAMPLE_RATE
        return time.perf_counter() - begun

    # The first run of a session pays for its allocations: the fastest of the first-sized runs leaves it out.
    first = min(once(backend, FIRST_TRIAL_TOKENS) for _ in range(TRIAL_REPS))
    once(backend, LATER_TRIAL_TOKENS)
    peak = peak_rss_mb()
    # Unspun runs alternate with spun ones, so that a change in the machine's speed meets both alike.
    unspun_backend = open_backend(candidate, config, files, spinning=False) if candidate.provider == CPU else None
    spun_times: list[float] = []
    unspun_times: list[float] = []
    if unspun_backend is not None:
        once(unspun_backend, LATER_TRIAL_TOKENS)
    for _ in range(TRIAL_REPS - 1):
        spun_times.append(once(backend, LATER_TRIAL_TOKENS))
        if unspun_backend is not None:
            unspun_times.append(once(unspun_backend, LATER_TRIAL_TOKENS))
    later = min(spun_times)
    long = None
    if later / LATER_TRIAL_TOKENS < (1 - LONG_CHUNK_GAIN) * first / FIRST_TRIAL_TOKENS:
        once(backend, LONG_TRIAL_TOKENS)
        long = min(once(backend, LONG_TRIAL_TOKENS) for _ in range(TRIAL_REPS - 1))
    # Two runs at once, on the threads a worker has, against the same two one after the other; where the
    # threads could spin, they do not (see schedule_for).
    shared = unspun_backend or backend
    alone = min(unspun_times) if unspun_times else later

    def together() -> float:
        begun = time.perf_counter()
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda _: shared.run(tokens(LATER_TRIAL_TOKENS), style(LATER_TRIAL_TOKENS), 1.0), range(2)))
        return time.perf_counter() - begun

    gain = 2 * alone / together()
    concurrent_peak = peak_rss_mb()
    heard = _quality(backend, candidate, config, files, phonemizer, voice)
    return Trial(
        candidate.provider,
        candidate.variant,
        backend.info.precision,
        round(load_s, 3),
        round(first, 4),
        round(later / audio_s, 4),
        round(peak, 1),
        later_chunk_s=round(later, 4),
        long_chunk_s=None if long is None else round(long, 4),
        audio_per_token_s=round(audio_s / LATER_TRIAL_TOKENS, 5),
        unspun_later_chunk_s=round(min(unspun_times), 4) if unspun_times else None,
        concurrent_gain=round(gain, 3),
        concurrent_peak_rss_mb=round(concurrent_peak, 1),
        spectral_db=None if heard is None else heard.spectral_db,
        durations_agree=None if heard is None else heard.durations_agree,
    )


def _quality(
    backend: Backend,
    candidate: Candidate,
    config: EngineConfig,
    files: ModelFiles,
    phonemizer: Phonemizer,
    voice: ResolvedVoice,
) -> Quality | None:
    """The candidate's audio against the int8 graph's on the gate's phrases (after its memory was measured:
    the reference's session is not its own); None for the reference itself, or where int8 is not present."""
    if candidate == REFERENCE or REFERENCE.variant not in (files.others or {}):
        return None
    from kokoro_speech.engine.languages import find

    phrases = [phonemizer.tokenize(p) for p in phonemizer.phonemize(list(GATE_PHRASES), find("en-us"))]
    speeds = (1.0, config.synthesis.model_speed_max)

    def speaker(runner: Backend) -> Say:
        return lambda tokens, speed: runner.run(tokens, voice.style_for(len(tokens)), speed)

    reference = open_backend(REFERENCE, config, files, spinning=False)
    try:
        expected = outputs(speaker(reference), phrases, speeds)
    finally:
        reference.close()
    return compare(expected, outputs(speaker(backend), phrases, speeds))


def peak_rss_mb() -> float:
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux counts kilobytes, macOS bytes.
    return peak / (1 << 20) if platform.system() == "Darwin" else peak / 1024


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a") as handle:
        try:
            import fcntl
        except ImportError:  # no flock on Windows: workers starting together may each measure; the last is kept
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(path: Path, records: dict[str, Any]) -> None:
    temporary = path.with_suffix(f".{os.getpid()}.partial")
    temporary.write_text(json.dumps(records, indent=2))
    os.replace(temporary, path)
