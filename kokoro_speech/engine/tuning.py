"""The measurement behind "auto": how fast each candidate runs the model on this machine.

The fastest way to run Kokoro depends on the machine (int8 kernels, bf16 units, a GPU), so
it is measured, not assumed. Each candidate (a provider and a graph) is timed in a process of
its own, so that its memory is its own and a crash or a hang costs only that candidate: a
first-chunk-sized run and a later-chunk-sized run, a few times each, and its peak resident
memory. The ranking is kept in ``tuning.json`` beside the made graphs, per machine (CPU, its
instruction sets, cores, runtime versions) and model file, so it runs once; `kokoro-speech
tune` runs it again and prints what it chose and why. Workers that start together take a file
lock, so one measures and the others read its result.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import platform
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import structlog

from kokoro_speech.config import SpeechConfig, cpu_count
from kokoro_speech.engine.assets import ModelFiles
from kokoro_speech.engine.backends.loading import Candidate, open_backend, prepare

log = structlog.get_logger("kokoro_speech")

TUNING_FILE = "tuning.json"
TRIAL_REPS = 5
"""Timed runs of each size per candidate (after one untimed run). The fastest is kept: candidates are
timed one after another on a machine that may be shared, and noise only ever adds time."""
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

    @property
    def candidate(self) -> Candidate:
        return Candidate(self.provider, self.variant)


@dataclass
class Tuning:
    key: str
    machine: dict[str, Any]
    trials: list[Trial]
    order: list[Candidate] = field(default_factory=list)
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "machine": self.machine,
            "trials": [asdict(t) for t in self.trials],
            "order": [asdict(c) for c in self.order],
            "reason": self.reason,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Tuning:
        return cls(
            data["key"],
            data["machine"],
            [Trial(**t) for t in data["trials"]],
            [Candidate(**c) for c in data["order"]],
            data["reason"],
        )


def instruction_sets() -> list[str]:
    """The CPU's flags of :data:`INSTRUCTION_SETS` (Linux's /proc/cpuinfo; empty elsewhere)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return []
    flags: set[str] = set()
    for line in text.splitlines():
        if line.startswith(("flags", "Features")):
            flags.update(line.split(":", 1)[1].split())
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


def record_key(
    config: SpeechConfig, files: ModelFiles, candidates: list[Candidate], machine_info: dict[str, Any]
) -> str:
    """What a ranking holds for: the machine, the model files, the candidates and the settings that time them."""
    stats = sorted(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in (files.others or {}).values())
    parts = {
        "machine": machine_info,
        "model": stats or [f"{files.model.name}:{files.model.stat().st_size}"],
        "candidates": [c.label for c in candidates],
        "threads": config.onnx.threads(),
        "word_timestamps": config.model.word_timestamps,
        "tokens": [config.synthesis.first_chunk_tokens, config.synthesis.chunk_tokens],
        "openvino_precision": config.backend.openvino_precision,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def ranked(trials: list[Trial], memory_limit_mb: int) -> tuple[list[Candidate], str]:
    """Fastest first among the candidates that ran within the memory cap; then those over it; failures last."""
    ran = [t for t in trials if t.rtf is not None]
    within = sorted(
        (t for t in ran if not memory_limit_mb or (t.peak_rss_mb or 0) <= memory_limit_mb), key=lambda t: t.rtf or 0.0
    )
    over = sorted((t for t in ran if t not in within), key=lambda t: t.rtf or 0.0)
    failed = [t for t in trials if t.rtf is None]
    order = [t.candidate for t in within + over + failed]
    if not ran:
        return order, "no candidate ran; they are tried in the configured order"
    best = (within or over)[0]
    reason = f"{best.candidate.label} ({best.precision}) runs at RTF {best.rtf:.3f}"
    rest = [t for t in ran if t is not best]
    if rest:
        reason += "; " + ", ".join(f"{t.candidate.label} {t.rtf:.3f}" for t in rest)
    if over and memory_limit_mb:
        reason += f"; over the {memory_limit_mb} MB cap: " + ", ".join(
            f"{t.candidate.label} {t.peak_rss_mb:.0f} MB" for t in over
        )
    if failed:
        reason += "; failed: " + ", ".join(t.candidate.label for t in failed)
    return order, reason


def tune(config: SpeechConfig, files: ModelFiles, candidates: list[Candidate]) -> Tuning:
    """Measure every candidate, each in a process of its own, and rank them."""
    machine_info = machine()
    trials = [measure(candidate, config, files) for candidate in candidates]
    order, reason = ranked(trials, config.backend.memory_limit_mb)
    return Tuning(record_key(config, files, candidates, machine_info), machine_info, trials, order, reason)


def load_or_tune(
    config: SpeechConfig, files: ModelFiles, candidates: list[Candidate], *, force: bool = False
) -> Tuning:
    """The kept ranking for this machine and model, or a new measurement (kept for next time)."""
    path = config.model.made_dir / TUNING_FILE
    key = record_key(config, files, candidates, machine())
    with _locked(path):
        if not force:
            kept = _read(path).get(key)
            if kept is not None:
                return Tuning.from_json(kept)
        log.info("measuring how to run the model on this machine", candidates=[c.label for c in candidates])
        tuning = tune(config, files, candidates)
        records = _read(path)
        records[tuning.key] = tuning.to_json()
        _write(path, records)
    log.info("tuned", choice=tuning.order[0].label if tuning.order else None, reason=tuning.reason)
    return tuning


def measure(candidate: Candidate, config: SpeechConfig, files: ModelFiles) -> Trial:
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


def _prepare(candidate: Candidate, config: SpeechConfig, files: ModelFiles, connection: Any) -> None:
    try:
        prepare(candidate, config, files)
        connection.send({})
    except Exception as error:
        connection.send({"error": f"{type(error).__name__}: {error}".splitlines()[0]})


def _trial(candidate: Candidate, config: SpeechConfig, files: ModelFiles, connection: Any) -> None:
    from kokoro_speech.engine.languages import find
    from kokoro_speech.engine.phonemes import Phonemizer
    from kokoro_speech.engine.voices import VoiceCatalog

    try:
        started = time.perf_counter()
        backend = open_backend(candidate, config, files)
        load_s = time.perf_counter() - started
        voice = VoiceCatalog.load(files.voices, 1).resolve("af_heart")
        phonemizer = Phonemizer()
        tokens = phonemizer.tokenize(phonemizer.phonemize([TRIAL_TEXT], find("en-us"))[0])
        sizes = config.synthesis.first_chunk_tokens, config.synthesis.chunk_tokens
        timings: list[list[float]] = []
        seconds_of_audio = 1.0
        for size in sizes:
            run_tokens = (tokens * (1 + size // max(1, len(tokens))))[:size]
            style = voice.style_for(len(run_tokens))
            backend.run(run_tokens, style, 1.0)
            times = []
            for _ in range(TRIAL_REPS):
                begun = time.perf_counter()
                output = backend.run(run_tokens, style, 1.0)
                times.append(time.perf_counter() - begun)
            timings.append(times)
            seconds_of_audio = len(output.audio) / 24000
        connection.send(
            asdict(
                Trial(
                    candidate.provider,
                    candidate.variant,
                    backend.info.precision,
                    round(load_s, 3),
                    round(min(timings[0]), 4),
                    round(min(timings[1]) / seconds_of_audio, 4),
                    round(peak_rss_mb(), 1),
                )
            )
        )
    except Exception as error:
        connection.send(
            asdict(
                Trial(candidate.provider, candidate.variant, error=f"{type(error).__name__}: {error}".splitlines()[0])
            )
        )


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
