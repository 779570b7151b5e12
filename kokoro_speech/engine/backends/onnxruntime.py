"""ONNX Runtime: one session on one execution provider, and one call of the model.

The session options were measured on Zen 4 (``tests/bench/onnx_options.py``): all of a worker's
threads in one session (a 60- plus 120-phoneme pair of runs took 2.32 s with 2 threads, 3.81 s
with 1; two workers of one thread each did about the same work as one with nearly twice the
memory); graph optimization ``basic`` (it loads in 0.54 s against 0.96 s for ``all``, and ``all``
was 0.96 to 1.05 of its time); the memory arena on (without it a process peaked at 2965 MB) and
the memory pattern off (it cost 24 to 39 MB and more under varied shapes, every chunk having a
new length, for no speed); sequential execution (``ORT_PARALLEL`` was 1.78x slower). Where the
int8 graph's time goes (120 phonemes): ``ConvInteger`` 59.8%, ``Sin`` 11.1%, ``Mul`` and ``Add``
5.7% each, ``STFT`` 2.8%; weight-only int8 ``Conv`` was 4x slower than ``ConvInteger``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
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
from kokoro_speech.engine.config import BackendConfig, OnnxConfig
from kokoro_speech.engine.duration_output import DURATION_OUTPUT

_OPTIMIZATION = {
    "disabled": ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
    "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
    "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
    "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
}
CPU = "CPUExecutionProvider"


def session_options(config: OnnxConfig, spinning: bool) -> ort.SessionOptions:
    options = ort.SessionOptions()
    options.intra_op_num_threads = config.threads()
    options.inter_op_num_threads = config.inter_op_threads
    options.graph_optimization_level = _OPTIMIZATION[config.graph_optimization]
    options.enable_cpu_mem_arena = config.enable_mem_arena
    options.enable_mem_pattern = config.enable_mem_pattern
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spinning else "0")
    options.log_severity_level = 3
    return options


def provider_options(provider: str, config: BackendConfig) -> dict[str, Any]:
    """The settings of one execution provider, in the keys its ONNX Runtime build reads."""
    if provider in ("CUDAExecutionProvider", "ROCMExecutionProvider", "MIGraphXExecutionProvider"):
        return {"device_id": config.gpu_device_id, "arena_extend_strategy": config.gpu_arena_extend_strategy}
    if provider == "DmlExecutionProvider":
        return {"device_id": config.gpu_device_id}
    if provider == "CoreMLExecutionProvider":
        # Only these two of CoreML's options are set: others (static shapes, subgraphs) fail on this
        # model's dynamic sequence length or change nothing.
        return {"ModelFormat": config.coreml_model_format, "MLComputeUnits": config.coreml_compute_units}
    return {}


class _Stop:
    def __init__(self) -> None:
        self.options = ort.RunOptions()

    def stop(self) -> None:
        self.options.terminate = True


class OnnxRuntimeBackend:
    """One loaded Kokoro graph on one execution provider; ``run`` is safe to call from several threads.

    A provider other than the CPU gets the CPU behind it for the operators it does not take
    (ONNX Runtime's own partitioning); a provider that this build of ONNX Runtime does not have,
    or that drops out when the session is made, raises BackendUnavailable instead of running
    silently on the CPU under its name.
    """

    def __init__(
        self,
        path: Path,
        onnx: OnnxConfig,
        backend: BackendConfig,
        *,
        provider: str,
        variant: str,
        precision: str,
        spinning: bool = True,
    ) -> None:
        self.path = path
        if provider not in ort.get_available_providers():
            raise BackendUnavailable(f"{provider} is not in this build of ONNX Runtime")
        providers: list[tuple[str, dict[str, Any]]] = [(provider, provider_options(provider, backend))]
        if provider != CPU:
            providers.append((CPU, {}))
        try:
            self.session = ort.InferenceSession(str(path), session_options(onnx, spinning), providers=providers)
        except Exception as error:
            raise BackendUnavailable(f"{provider} could not load the graph: {error}") from error
        if provider not in self.session.get_providers():
            raise BackendUnavailable(f"{provider} dropped out when the session was made")
        self.info = BackendInfo("onnxruntime", provider, variant, precision)
        self._tokens_input = token_input_of({i.name for i in self.session.get_inputs()})
        outputs = [o.name for o in self.session.get_outputs()]
        self._outputs = [outputs[0]] + ([DURATION_OUTPUT] if DURATION_OUTPUT in outputs else [])

    @property
    def has_durations(self) -> bool:
        return len(self._outputs) > 1

    def control(self) -> RunControl:
        return _Stop()

    def run(
        self, tokens: list[int], style: NDArray[np.float32], speed: float, control: RunControl | None = None
    ) -> ModelOutput:
        options = control.options if isinstance(control, _Stop) else None
        try:
            outputs = self.session.run(self._outputs, model_feed(self._tokens_input, tokens, style, speed), options)
        except Exception as error:
            if options is not None and options.terminate:
                raise InferenceAborted("inference stopped") from error
            raise
        audio = np.asarray(outputs[0], dtype=np.float32).ravel()
        durations = np.asarray(outputs[1], dtype=np.int64).ravel() if len(outputs) > 1 else None
        return ModelOutput(audio, durations)

    def close(self) -> None:
        """Nothing to release early: the session goes with the last reference."""
