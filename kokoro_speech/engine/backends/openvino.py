"""OpenVINO's own runtime (not ONNX Runtime's OpenVINO provider, which cannot compile this graph:
the decoder's STFT output has a dynamic rank).

OpenVINO reads the ONNX file directly, but keeping the ONNX import, the float32 weights and
the compiled model in one process costs about 2 GB. So the graph is converted once into
OpenVINO's own format (IR) in the cache directory, with fp16 weights, and the workers load
that: the import's memory is never paid by a serving process. Where the CPU computes in bf16
(AVX-512 BF16 or AMX), the float graph runs in bf16; that is where this backend pays.

Where the CPU computes in bf16, it is the fastest way found to run the model, and "auto" measures it
beside ONNX Runtime's int8 (on Zen 5, RTF 0.102 to 0.159 against 0.173 to 0.326 in the same tunes). Three
rewrites made it so: Snake's ``sin()^2`` as a polynomial, since OpenVINO's ``Sin`` is a scalar loop
(:mod:`kokoro_speech.engine.snake`); the harmonic source's phases kept in f32, since summed in bf16 they lost
whole turns (:mod:`kokoro_speech.engine.backends.openvino_phases`); and the STFT's DC phase made exact, since
OpenVINO's rounding flipped it (:mod:`kokoro_speech.engine.stft_phase`). Before them it ran 1.4x as fast as
int8 here, was 4.7 dB from int8's audio and was misheard at 2x speed on 7.1% of the speed test's words against
int8's 3.1% (Zen 4). After them it is 1.9 dB from int8's audio, as far as the float32 graph under ONNX Runtime,
and with the default quality gate "auto" does not choose it (see ``quality_max_db``).

A stopped run cannot be cancelled (below), so the measurement turns preemption off for it: a newcomer waits
for the running chunk either way, and throwing that chunk away would only make it twice. OpenVINO's own
shape cache of 5000 grew a process past 1.3 GB over 32 chunk lengths, hence
``KOKORO_SPEECH_OPENVINO_SHAPE_CACHE``. Two bugs of OpenVINO 2026.4 are worked around: fused subgraphs
("snippets") now and then failed shape inference in the text encoder's attention while streams
of different lengths preempted each other (they are off, as fast on Zen 4), and a run after a
cancelled one failed with the cancelled run's shapes.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kokoro_speech.engine.backends.base import (
    BackendInfo,
    BackendUnavailable,
    InferenceAborted,
    ModelOutput,
    RunControl,
    model_feed,
    token_input_of,
)
from kokoro_speech.engine.backends.openvino_phases import keep_phases_precise
from kokoro_speech.engine.config import BackendConfig
from kokoro_speech.engine.duration_output import DURATION_OUTPUT
from kokoro_speech.infra.system import cpu_flags

IR_SUFFIX = ".openvino.xml"
REWRITES = ".edge-phase"
"""Marks the IR as made with the STFT's DC and Nyquist phases exact (:mod:`kokoro_speech.engine.stft_phase`),
so that an IR made before that fix is made again."""
SNAKE_TAG = ".snake"
"""Marks the IR made with Snake's ``sin()^2`` as a polynomial (:mod:`kokoro_speech.engine.snake`)."""
BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})
"""CPU flags under which OpenVINO computes in bf16, where it is the fastest way found to run the model."""
CPU_PROPERTIES = {"SNIPPETS_MODE": "DISABLE"}
"""OpenVINO 2026.4's fused subgraphs ("snippets") failed shape inference now and then in the text encoder's
attention ("Failed to broadcast-merge input shapes") while streams of different lengths were preempting each
other; without them the same runs measured as fast here, and never failed."""


def available() -> bool:
    """Whether OpenVINO is installed, without importing it (an import costs a worker tens of MB)."""
    import importlib.util

    return importlib.util.find_spec("openvino") is not None


def computes_bf16() -> bool:
    """Whether the CPU has bf16 units (AVX-512 BF16 or AMX), read from its flags without importing OpenVINO."""
    return bool(cpu_flags() & BF16_FLAGS)


def capabilities(device: str) -> set[str]:
    """What the device can compute in ("BF16", "FP16", "INT8", ...), empty where OpenVINO is missing."""
    if not available():
        return set()
    import openvino as ov

    try:
        return {str(c).upper() for c in ov.Core().get_property(device, "OPTIMIZATION_CAPABILITIES")}
    except Exception:
        return set()


def precision_for(device: str, wanted: str) -> str:
    """The inference precision to ask for: ``wanted``, or for "auto" bf16 where the device has it, else f32."""
    if wanted != "auto":
        return wanted
    return "bf16" if "BF16" in capabilities(device) else "f32"


def ir_path(model: Path, directory: Path, *, snake_polynomial: bool = False) -> Path:
    stat = model.stat()
    tag = REWRITES + (SNAKE_TAG if snake_polynomial else "")
    return directory / f"{model.stem}.{stat.st_size}-{stat.st_mtime_ns}{tag}{IR_SUFFIX}"


def converted(model: Path, directory: Path, *, snake_polynomial: bool = False) -> Path:
    """The IR copy of ``model`` (fp16 weights, the STFT's edge phases exact, Snake rewritten where asked), made
    on first use by a child process so that the import's memory goes with it."""
    target = ir_path(model, directory, snake_polynomial=snake_polynomial)
    if target.exists() and target.with_suffix(".bin").exists():
        return target
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    process = context.Process(target=_convert, args=(str(model), str(target), snake_polynomial))
    process.start()
    process.join()
    if process.exitcode != 0 or not target.exists():
        raise BackendUnavailable(f"OpenVINO could not convert {model.name} (exit code {process.exitcode})")
    return target


def _convert(model: str, target: str, snake_polynomial: bool) -> None:
    import openvino as ov

    destination = Path(target)
    destination.parent.mkdir(parents=True, exist_ok=True)
    folder = tempfile.mkdtemp(dir=destination.parent, prefix=".openvino-")
    partial = Path(folder) / destination.name
    try:
        import onnx

        from kokoro_speech.engine.snake import polynomial_snake
        from kokoro_speech.engine.stft_phase import exact_edge_phases

        graph = onnx.load(model)
        exact_edge_phases(graph)
        if snake_polynomial:
            polynomial_snake(graph)
        source = str(Path(folder) / "rewritten.onnx")
        onnx.save(graph, source)
        del graph
        ov.save_model(ov.Core().read_model(source), str(partial), compress_to_fp16=True)
        # The weights first: a reader that sees the .xml finds its .bin complete.
        os.replace(partial.with_suffix(".bin"), destination.with_suffix(".bin"))
        os.replace(partial, destination)
    finally:
        for leftover in Path(folder).iterdir():
            leftover.unlink()
        os.rmdir(folder)


class _Stop:
    """Marks a run stopped: a run not started yet never starts, a running one is discarded when it ends.

    OpenVINO's ``InferRequest.cancel()`` is not used: in 2026.4, with requests of different lengths
    on one compiled model, a run after a cancelled one failed shape inference with the cancelled
    run's shapes ("Matmul input shapes are incompatible: (1.12.60.60) (1.12.46.64)"). So a stopped
    run finishes (one chunk at most) and its audio is dropped.
    """

    def __init__(self) -> None:
        self.stopped = False

    def stop(self) -> None:
        self.stopped = True


def compile_graph(
    source: Path, backend: BackendConfig, *, device: str, threads: int, precision: str, profiling: bool = False
) -> Any:
    """``source`` (an IR or ONNX file) compiled as the backend runs it: its precision, threads and CPU properties,
    the harmonic source's phases kept in f32 below f32; ``profiling`` turns OpenVINO's performance counters on
    (they can only be asked for at compile time)."""
    import openvino as ov

    properties: dict[str, Any] = {"INFERENCE_PRECISION_HINT": precision, "PERFORMANCE_HINT": "LATENCY"}
    if device == "CPU":
        properties["INFERENCE_NUM_THREADS"] = threads
        properties["CPU_RUNTIME_CACHE_CAPACITY"] = backend.openvino_shape_cache
        properties.update(CPU_PROPERTIES)
    if profiling:
        properties["PERF_COUNT"] = True
    core = ov.Core()
    try:
        model = core.read_model(str(source))
        if precision != "f32":
            keep_phases_precise(model)
        return core.compile_model(model, device, properties)
    except Exception as error:
        raise BackendUnavailable(f"OpenVINO could not compile the graph for {device}: {error}") from error


class OpenVinoBackend:
    """The graph compiled by OpenVINO for one device; each concurrent run takes an infer request of
    its own from a small pool (creating one is cheap, and a pool keeps their buffers)."""

    def __init__(
        self, path: Path, backend: BackendConfig, *, device: str, threads: int, variant: str, directory: Path
    ) -> None:
        if not available():
            raise BackendUnavailable("OpenVINO is not installed")
        precision = precision_for(device, backend.openvino_precision)
        snake = backend.openvino_snake_polynomial
        try:
            source = converted(path, directory, snake_polynomial=snake) if backend.openvino_convert else path
        except BackendUnavailable:
            raise
        except Exception as error:
            raise BackendUnavailable(f"OpenVINO could not compile the graph for {device}: {error}") from error
        self.compiled = compile_graph(source, backend, device=device, threads=threads, precision=precision)
        self.path = path
        self.info = BackendInfo("openvino", f"openvino:{device}", variant, precision)
        names = {name for port in self.compiled.inputs for name in port.get_names()}
        self._tokens_input = token_input_of(names)
        self._audio = self.compiled.outputs[0]
        self._durations = next((o for o in self.compiled.outputs if DURATION_OUTPUT in o.get_names()), None)
        self._free: list[Any] = []
        self._lock = threading.Lock()

    @property
    def has_durations(self) -> bool:
        return self._durations is not None

    def control(self) -> RunControl:
        return _Stop()

    def run(
        self, tokens: list[int], style: NDArray[np.float32], speed: float, control: RunControl | None = None
    ) -> ModelOutput:
        stop = control if isinstance(control, _Stop) else None
        if stop is not None and stop.stopped:
            raise InferenceAborted("inference stopped")
        request = self._take()
        reusable = False
        try:
            request.infer(model_feed(self._tokens_input, tokens, style, speed))
            if stop is not None and stop.stopped:
                reusable = True
                raise InferenceAborted("inference stopped")
            audio = np.array(request.get_tensor(self._audio).data, dtype=np.float32).ravel()
            durations = None
            if self._durations is not None:
                durations = np.array(request.get_tensor(self._durations).data, dtype=np.int64).ravel()
            reusable = True
            return ModelOutput(audio, durations)
        finally:
            # A request whose run failed is dropped, not pooled: its next run starts clean.
            if reusable:
                self._give_back(request)

    def _take(self) -> Any:
        with self._lock:
            if self._free:
                return self._free.pop()
        return self.compiled.create_infer_request()

    def _give_back(self, request: Any) -> None:
        with self._lock:
            self._free.append(request)

    def close(self) -> None:
        with self._lock:
            self._free.clear()
