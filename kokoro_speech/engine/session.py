"""The ONNX Runtime session and one call of the model."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime as ort
from numpy.typing import NDArray

from kokoro_speech.config import OnnxConfig
from kokoro_speech.engine.duration_output import DURATION_OUTPUT

_OPTIMIZATION = {
    "disabled": ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
    "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
    "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
    "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
}


class InferenceAborted(RuntimeError):
    """A run was stopped through its run options (the client went away)."""


def session_options(config: OnnxConfig) -> ort.SessionOptions:
    options = ort.SessionOptions()
    options.intra_op_num_threads = config.threads()
    options.inter_op_num_threads = config.inter_op_threads
    options.graph_optimization_level = _OPTIMIZATION[config.graph_optimization]
    options.enable_cpu_mem_arena = config.enable_mem_arena
    options.enable_mem_pattern = config.enable_mem_pattern
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if config.intra_op_spinning else "0")
    options.log_severity_level = 3
    return options


@dataclass(frozen=True)
class ModelOutput:
    audio: NDArray[np.float32]
    durations: NDArray[np.int64] | None
    """Frames per input token, pads included (len(tokens) + 2); None for a model without the output."""


class KokoroModel:
    """One loaded Kokoro ONNX graph; ``run`` is safe to call from several threads."""

    def __init__(self, path: Path, config: OnnxConfig) -> None:
        self.path = path
        self.session = ort.InferenceSession(str(path), session_options(config), providers=["CPUExecutionProvider"])
        names = {i.name for i in self.session.get_inputs()}
        # Older exports call the token input "tokens", newer ones "input_ids".
        self._tokens_input = "input_ids" if "input_ids" in names else "tokens"
        outputs = [o.name for o in self.session.get_outputs()]
        self._outputs = [outputs[0]] + ([DURATION_OUTPUT] if DURATION_OUTPUT in outputs else [])

    @property
    def has_durations(self) -> bool:
        return len(self._outputs) > 1

    def run(
        self, tokens: list[int], style: NDArray[np.float32], speed: float, run_options: ort.RunOptions | None = None
    ) -> ModelOutput:
        feed = {
            self._tokens_input: np.array([[0, *tokens, 0]], dtype=np.int64),
            "style": np.asarray(style, dtype=np.float32).reshape(1, -1),
            "speed": np.array([speed], dtype=np.float32),
        }
        try:
            outputs = self.session.run(self._outputs, feed, run_options)
        except Exception as error:
            if run_options is not None and run_options.terminate:
                raise InferenceAborted("inference stopped") from error
            raise
        audio = np.asarray(outputs[0], dtype=np.float32).ravel()
        durations = np.asarray(outputs[1], dtype=np.int64).ravel() if len(outputs) > 1 else None
        return ModelOutput(audio, durations)
