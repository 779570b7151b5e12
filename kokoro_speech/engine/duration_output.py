"""A copy of the model that also outputs how many frames each phoneme token lasts.

The official exports compute per-token durations (the duration predictor's output after
Round, Clip and Cast) but do not output them. Adding that tensor as a graph output through
one Identity node gives word timings at no cost per run and leaves the audio unchanged. The
patched copy lives in the user cache, named after the source file's size and mtime, and is
written once (atomically, so workers starting together do not see half a file); the model
folder itself may be read-only and is never written.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

DURATION_TENSOR = "/encoder/Cast_output_0"
DURATION_OUTPUT = "duration"


class DurationsUnavailableError(RuntimeError):
    """The model has neither a duration output nor the tensor to make one from."""


def patched_path(model: Path, cache_dir: Path) -> Path:
    stat = model.stat()
    return cache_dir / "models" / f"{model.stem}.{stat.st_size}-{stat.st_mtime_ns}.durations.onnx"


def with_duration_output(model: Path, cache_dir: Path) -> Path:
    """The path of a model that outputs ``duration``: the model itself, or its patched copy."""
    import onnx  # only needed the first time; keeps it out of the workers' memory otherwise

    target = patched_path(model, cache_dir)
    if target.exists():
        return target
    graph_model = onnx.load(str(model))
    graph = graph_model.graph
    if any(output.name == DURATION_OUTPUT for output in graph.output):
        return model
    if not any(DURATION_TENSOR in node.output for node in graph.node):
        raise DurationsUnavailableError(f"{model.name} has no tensor {DURATION_TENSOR} to take durations from")
    graph.node.append(onnx.helper.make_node("Identity", [DURATION_TENSOR], [DURATION_OUTPUT]))
    graph.output.append(onnx.helper.make_tensor_value_info(DURATION_OUTPUT, onnx.TensorProto.INT64, None))
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".partial")
    os.close(descriptor)
    try:
        onnx.save(graph_model, temporary)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return target
