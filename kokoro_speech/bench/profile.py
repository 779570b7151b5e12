"""`kokoro-speech bench --profile`: where the model's time goes, operator by operator, on the path the server
would choose on this machine.

The tuner says how fast each way of running the model is; this says why, so that an operator can tell a slow
kernel (OpenVINO's ``ref_any`` scalar loops, an int8 convolution without VNNI) from a model that is simply
large. The backend is opened the way the server opens it (its graph, threads, session options or compile
properties) but with the runtime's own profiler on: ONNX Runtime's trace of every node, OpenVINO's
performance counters. A later chunk's worth of phonemes is run, since that is where a stream spends most of
its model time.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from kokoro_speech.engine.assets import ModelFiles
from kokoro_speech.engine.backends import loading
from kokoro_speech.engine.backends import openvino as openvino_backend
from kokoro_speech.engine.backends.base import BackendUnavailable, model_feed, token_input_of
from kokoro_speech.engine.backends.onnxruntime import CPU, provider_options, session_options
from kokoro_speech.engine.config import MODEL_MAX_TOKENS, EngineConfig
from kokoro_speech.engine.joins import SAMPLE_RATE
from kokoro_speech.engine.tuning import LATER_TRIAL_TOKENS, TRIAL_TEXT, Tuning, schedule_for

PROFILE_TOKENS = LATER_TRIAL_TOKENS
"""Phoneme tokens per profiled run: a later chunk's, the size the tuner times the model's pace with."""
WARM_UP_RUNS = 1
"""Runs before the profiled ones, left out of the figures: a session's first run pays for its allocations, and
OpenVINO's for compiling kernels for the new shape."""
PROFILED_RUNS = 2
"""Runs whose times are summed and shown per run: a second evens out a hiccup of a shared machine, and more
would only make the command slower on a slow one."""
TOP_ROWS = 20
"""Operators shown one by one, the slowest first; the rest are summed into one row."""
VOICE = "af_heart"
"""The voice the tuner's trial speaks with."""
TRIAL_LANGUAGE = "en-us"
"""The language of :data:`~kokoro_speech.engine.tuning.TRIAL_TEXT`."""
KERNEL_TIME_SUFFIX = "_kernel_time"
"""How ONNX Runtime names a node's compute event; some builds also trace "fence" events around it, which are
waits, not the operator's time."""

Key = tuple[str, str | None]
"""An operator type and, for OpenVINO, the kernel that ran it."""


class OpenVinoEntry(Protocol):
    """What is read of one of OpenVINO's ``ProfilingInfo`` entries."""

    @property
    def node_type(self) -> str: ...

    @property
    def exec_type(self) -> str: ...

    @property
    def real_time(self) -> timedelta: ...


@dataclass(frozen=True)
class OperatorTime:
    operator: str
    kernel: str | None
    """The kernel OpenVINO ran ("jit_avx512_bf16", "ref_any_f32": a scalar reference loop); None for ONNX
    Runtime, whose trace names only the operator."""
    ms: float
    """Milliseconds per run."""
    share: float
    """Of all operators' time."""


@dataclass(frozen=True)
class Profile:
    runner: str
    """The backend, provider, graph, precision and threads, as one line."""
    tokens: int
    audio_s: float
    """Seconds of audio one run made."""
    runs: int
    wall_s: float
    """Seconds one run took, the profiler on (a little slower than without it)."""
    rows: list[OperatorTime]


def onnxruntime_times(trace: list[dict[str, Any]], skip_runs: int = WARM_UP_RUNS) -> dict[Key, float]:
    """Milliseconds per operator type in an ONNX Runtime profile, over the runs after the first ``skip_runs``
    (the profiler records from the session's start, so the warm-up is in the trace too)."""
    starts = sorted(e["ts"] for e in trace if e.get("cat") == "Session" and e.get("name") == "model_run")
    since = starts[skip_runs] if skip_runs < len(starts) else float("inf")
    totals: dict[Key, float] = defaultdict(float)
    for event in trace:
        if event.get("cat") != "Node" or not str(event.get("name", "")).endswith(KERNEL_TIME_SUFFIX):
            continue
        if event["ts"] >= since:
            totals[(event["args"]["op_name"], None)] += event["dur"] / 1000  # the trace counts microseconds
    return dict(totals)


def openvino_times(entries: Iterable[OpenVinoEntry]) -> dict[Key, float]:
    """Milliseconds per operator type and kernel in OpenVINO's profiling entries (of one run or several)."""
    totals: dict[Key, float] = defaultdict(float)
    for entry in entries:
        ms = entry.real_time / timedelta(milliseconds=1)
        # Nodes folded into others or not run at all are listed too, with no time.
        if ms > 0:
            totals[(entry.node_type, entry.exec_type)] += ms
    return dict(totals)


def operator_rows(totals: Mapping[Key, float], runs: int, top: int = TOP_ROWS) -> list[OperatorTime]:
    """The ``top`` slowest operators per run, then one row of the rest."""
    whole = sum(totals.values()) or 1.0
    ordered = sorted(totals.items(), key=lambda item: item[1], reverse=True)
    rows = [OperatorTime(op, kernel, ms / runs, ms / whole) for (op, kernel), ms in ordered[:top]]
    rest = ordered[top:]
    if rest:
        ms = sum(ms for _, ms in rest)
        rows.append(OperatorTime(f"other ({len(rest)} more)", None, ms / runs, ms / whole))
    return rows


def table(profile: Profile) -> str:
    """The runner and the run's figures, then one line per operator (and kernel, where the runtime names it)."""
    operators_s = sum(r.ms for r in profile.rows) / 1000
    head = [
        profile.runner,
        f"{profile.tokens} tokens, {profile.audio_s:.2f} s of audio: {profile.wall_s:.3f} s wall per run (mean of "
        f"{profile.runs} after {WARM_UP_RUNS} warm-up, profiler on); operators {operators_s:.3f} s",
        "",
    ]
    kernels = any(r.kernel is not None for r in profile.rows)
    width = max([len("operator"), *(len(r.operator) for r in profile.rows)]) + 2
    kernel_width = max([len("kernel"), *(len(r.kernel or "") for r in profile.rows)]) + 2 if kernels else 0
    columns = f"{'operator':<{width}}{'kernel' if kernels else '':<{kernel_width}}{'ms':>10}{'share':>8}"
    lines = [columns, "-" * len(columns)]
    for r in profile.rows:
        lines.append(f"{r.operator:<{width}}{r.kernel or '':<{kernel_width}}{r.ms:>10.2f}{r.share:>8.1%}")
    return "\n".join(head + lines)


def chosen(config: EngineConfig, files: ModelFiles, measured: Tuning | None) -> loading.Candidate | None:
    """What the server loads first: the measurement's first where "auto" leaves a choice, else the first
    candidate as configured (the order :func:`kokoro_speech.engine.engine.load_backend` tries them in)."""
    candidates = loading.candidates(config, files)
    choosing = loading.is_choice(config) and len(candidates) > 1
    if choosing and measured is not None and measured.order:
        return measured.order[0]
    return candidates[0] if candidates else None


def run(config: EngineConfig, files: ModelFiles, measured: Tuning | None) -> int:
    """Profile the server's choice of backend and print where its time goes; ``measured``: this machine's
    measurement, where the server would have one."""
    candidate = chosen(config, files, measured)
    if candidate is None:
        print("kokoro-speech: no provider and graph to run the model with (see KOKORO_SPEECH_PROVIDERS)")
        return 1
    tokens, style = _trial_input(files)
    try:
        if candidate.provider.startswith(loading.OPENVINO_PREFIX):
            profile = _openvino(candidate, config, files, tokens, style)
        else:
            spinning = schedule_for(measured.trial(candidate) if measured else None, config).spinning
            profile = _onnxruntime(candidate, config, files, tokens, style, spinning)
    except BackendUnavailable as error:
        print(f"kokoro-speech: {candidate.label} cannot run here: {error}")
        return 1
    print(table(profile))
    return 0


def _trial_input(files: ModelFiles) -> tuple[list[int], NDArray[np.float32]]:
    """The tuner's trial text as phoneme tokens, repeated up to :data:`PROFILE_TOKENS`, and its style row."""
    # Imported here: the phonemizer's languages are large imports, and the aggregation (and its tests) need
    # none of them.
    from kokoro_speech.engine.languages import find
    from kokoro_speech.engine.phonemes import Phonemizer
    from kokoro_speech.engine.voices import VoiceCatalog

    phonemizer = Phonemizer()
    text = phonemizer.tokenize(phonemizer.phonemize([TRIAL_TEXT], find(TRIAL_LANGUAGE))[0])
    size = min(PROFILE_TOKENS, MODEL_MAX_TOKENS)
    tokens = (text * (1 + size // max(1, len(text))))[:size]
    return tokens, VoiceCatalog.load(files.voices).resolve(VOICE).style_for(len(tokens))


def _timed(run_once: Callable[[], int], collect: Callable[[], None] | None = None) -> tuple[float, float]:
    """Mean wall seconds of the profiled runs of ``run_once`` (which gives the samples it made) after the
    warm-up, and the seconds of audio the last one made; ``collect`` is called after each profiled run, outside
    its time."""
    for _ in range(WARM_UP_RUNS):
        run_once()
    walls: list[float] = []
    samples = 0
    for _ in range(PROFILED_RUNS):
        started = time.perf_counter()
        samples = run_once()
        walls.append(time.perf_counter() - started)
        if collect is not None:
            collect()
    return sum(walls) / len(walls), samples / SAMPLE_RATE


def _onnxruntime(
    candidate: loading.Candidate,
    config: EngineConfig,
    files: ModelFiles,
    tokens: list[int],
    style: NDArray[np.float32],
    spinning: bool,
) -> Profile:
    """As :class:`~kokoro_speech.engine.backends.onnxruntime.OnnxRuntimeBackend` opens the graph (its session
    options and provider settings), the profiler on: it can only be turned on when a session is made."""
    import onnxruntime as ort

    if candidate.provider not in ort.get_available_providers():
        raise BackendUnavailable(f"{candidate.provider} is not in this build of ONNX Runtime")
    path = loading.prepare(candidate, config, files)
    providers: list[tuple[str, dict[str, Any]]] = [
        (candidate.provider, provider_options(candidate.provider, config.backend))
    ]
    if candidate.provider != CPU:
        providers.append((CPU, {}))
    with tempfile.TemporaryDirectory(prefix="kokoro-profile-") as folder:
        options = session_options(config.onnx, spinning)
        options.enable_profiling = True
        options.profile_file_prefix = str(Path(folder) / "onnxruntime")
        try:
            session = ort.InferenceSession(str(path), options, providers=providers)
        except Exception as error:
            raise BackendUnavailable(f"{candidate.provider} could not load the graph: {error}") from error
        feed = model_feed(token_input_of({i.name for i in session.get_inputs()}), tokens, style, 1.0)

        def once() -> int:
            # Every output, as the backend asks for them: the durations too where the graph has them.
            return int(np.asarray(session.run(None, feed)[0]).size)

        wall_s, audio_s = _timed(once)
        trace = json.loads(Path(session.end_profiling()).read_text())
    runner = (
        f"onnxruntime {candidate.provider}, {candidate.variant} graph, {loading.precision_of(candidate.variant)}, "
        f"{config.onnx.threads()} threads, {'spinning' if spinning else 'not spinning'}"
    )
    rows = operator_rows(onnxruntime_times(trace), PROFILED_RUNS)
    return Profile(runner, len(tokens), audio_s, PROFILED_RUNS, wall_s, rows)


def _openvino(
    candidate: loading.Candidate, config: EngineConfig, files: ModelFiles, tokens: list[int], style: NDArray[np.float32]
) -> Profile:
    """As :class:`~kokoro_speech.engine.backends.openvino.OpenVinoBackend` compiles the graph, with the
    performance counters on."""
    if not openvino_backend.available():
        raise BackendUnavailable("OpenVINO is not installed")
    device = candidate.provider.removeprefix(loading.OPENVINO_PREFIX)
    precision = openvino_backend.precision_for(device, config.backend.openvino_precision)
    # What the backend loads (its IR, made if need be), as the loader makes it.
    source = loading.prepare(candidate, config, files)
    compiled = openvino_backend.compile_graph(
        source, config.backend, device=device, threads=config.onnx.threads(), precision=precision, profiling=True
    )
    request = compiled.create_infer_request()
    feed = model_feed(token_input_of({n for port in compiled.inputs for n in port.get_names()}), tokens, style, 1.0)
    entries: list[OpenVinoEntry] = []

    def once() -> int:
        request.infer(feed)
        return int(request.get_tensor(compiled.outputs[0]).data.size)

    # The counters are of the request's last run only: each profiled run's are kept as it ends.
    wall_s, audio_s = _timed(once, lambda: entries.extend(request.get_profiling_info()))
    runner = f"openvino {candidate.provider}, {candidate.variant} graph, {precision}, {config.onnx.threads()} threads"
    rows = operator_rows(openvino_times(entries), PROFILED_RUNS)
    return Profile(runner, len(tokens), audio_s, PROFILED_RUNS, wall_s, rows)
