"""What the engine asks of a runtime that runs the Kokoro graph, whichever it is.

A backend loads one graph for one device, runs it with tokens, a style and a speed, and
gives back audio and (where the graph has the output) per-token durations. A run can be
stopped from another thread through its :class:`RunControl` (a client left, or a first
chunk preempts a later one); the run then raises :class:`InferenceAborted`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray


class InferenceAborted(RuntimeError):
    """A run was stopped through its control (the client went away, or it was preempted)."""


class BackendUnavailable(RuntimeError):
    """A backend or provider cannot run here: not installed, no device, or the graph does not compile."""


@dataclass(frozen=True)
class ModelOutput:
    audio: NDArray[np.float32]
    durations: NDArray[np.int64] | None
    """Frames per input token, pads included (len(tokens) + 2); None for a graph without the output."""


@dataclass(frozen=True)
class BackendInfo:
    """What runs the model, as /ready, the log and the bench report it."""

    backend: str
    """"onnxruntime" or "openvino"."""
    provider: str
    """The provider or device in use: "CPUExecutionProvider", "CUDAExecutionProvider", "openvino:CPU"."""
    variant: str
    """The graph: "int8", "fp16", "fp32" (official files) or "float32" (made from the file present)."""
    precision: str
    """What the arithmetic runs in: "int8", "fp16", "fp32" or "bf16"."""


class RunControl(Protocol):
    def stop(self) -> None:
        """Stop the run this control was given to (from any thread); a run not started yet never starts."""


class Backend(Protocol):
    info: BackendInfo

    @property
    def has_durations(self) -> bool: ...

    def control(self) -> RunControl:
        """A fresh control for one run."""
        ...

    def run(
        self, tokens: list[int], style: NDArray[np.float32], speed: float, control: RunControl | None = None
    ) -> ModelOutput:
        """One inference; safe to call from several threads at once."""
        ...

    def close(self) -> None: ...


def model_feed(token_input: str, tokens: list[int], style: NDArray[np.float32], speed: float) -> dict[str, object]:
    """The graph's inputs: tokens between two pads, one style row, one speed."""
    return {
        token_input: np.array([[0, *tokens, 0]], dtype=np.int64),
        "style": np.asarray(style, dtype=np.float32).reshape(1, -1),
        "speed": np.array([speed], dtype=np.float32),
    }


def token_input_of(names: set[str]) -> str:
    # Older exports call the token input "tokens", newer ones "input_ids".
    return "input_ids" if "input_ids" in names else "tokens"
