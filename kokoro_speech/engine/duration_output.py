"""A copy of the model that also outputs how many frames each phoneme token lasts.

The official exports compute per-token durations (the duration predictor's output after
Round, Clip and Cast) but do not output them. Adding that tensor as a graph output through
one Identity node gives word timings at no cost per run and leaves the audio unchanged. The
patched copy lives in the user cache, named after the source file's size and mtime, and is
written once (atomically, so workers starting together do not see half a file); the model
folder itself may be read-only and is never written.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import onnx

DURATION_OUTPUT = "duration"


class DurationsUnavailableError(RuntimeError):
    """The model has neither a duration output nor the tensor to make one from."""


def patched_path(model: Path, directory: Path, tensor: str) -> Path:
    stat = model.stat()
    tag = hashlib.sha256(tensor.encode()).hexdigest()[:8]
    return directory / f"{model.stem}.{stat.st_size}-{stat.st_mtime_ns}-{tag}.durations.onnx"


def with_duration_output(model: Path, directory: Path, tensor: str) -> Path:
    """The path of a model that outputs ``duration``, taken from ``tensor``: the model itself where
    it already has the output, or its patched copy."""
    target = patched_path(model, directory, tensor)
    if target.exists():
        return target
    import onnx  # only needed the first time: kept out of the workers' memory otherwise

    graph_model = onnx.load(str(model))
    graph = graph_model.graph
    if any(output.name == DURATION_OUTPUT for output in graph.output):
        return model
    if not any(tensor in node.output for node in graph.node):
        raise DurationsUnavailableError(f"{model.name} has no tensor {tensor} to take durations from")
    graph.node.append(onnx.helper.make_node("Identity", [tensor], [DURATION_OUTPUT]))
    graph.output.append(onnx.helper.make_tensor_value_info(DURATION_OUTPUT, onnx.TensorProto.INT64, None))
    save_atomically(graph_model, target)
    return target


def save_atomically(graph_model: onnx.ModelProto, target: Path) -> None:
    """Write a made graph so that workers starting together never see half a file."""
    import onnx

    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".partial")
    os.close(descriptor)
    try:
        onnx.save(graph_model, temporary)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
