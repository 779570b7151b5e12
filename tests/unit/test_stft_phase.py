"""The STFT's DC and Nyquist phases made exact, on a small graph with the export's ``atan2`` written out and run
by ONNX Runtime and OpenVINO (no model needed): both give PyTorch's 0 or pi there, and the other bins are as
before."""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
import openvino as ov
from onnx import TensorProto, helper, numpy_helper

from kokoro_speech.engine.stft_phase import exact_edge_phases

FRAME = 20
BINS = FRAME // 2 + 1
SAMPLES = 2000


def phase_graph() -> onnx.ModelProto:
    """``[magnitude, phase]`` of a signal's STFT as Kokoro's export computes them (``atan2`` as Atan and Where)."""
    constants: dict[str, np.ndarray] = {
        "step": np.array(5, dtype=np.int64),
        "window": np.hanning(FRAME).astype(np.float32),
        "length": np.array(FRAME, dtype=np.int64),
        "zero_index": np.array(0, dtype=np.int64),
        "one_index": np.array(1, dtype=np.int64),
        "zero": np.array(0.0, dtype=np.float32),
        "pi": np.array(np.pi, dtype=np.float32),
        "two": np.array(2.0, dtype=np.float32),
    }
    nodes = [
        helper.make_node("STFT", ["signal", "step", "window", "length"], ["spectrum"], onesided=1),
        helper.make_node("Transpose", ["spectrum"], ["bins_first"], perm=[0, 2, 1, 3]),
        helper.make_node("Gather", ["bins_first", "zero_index"], ["real"], axis=3),
        helper.make_node("Gather", ["bins_first", "one_index"], ["imaginary"], axis=3),
        helper.make_node("Div", ["imaginary", "real"], ["ratio"]),
        helper.make_node("Atan", ["ratio"], ["angle"]),
        helper.make_node("Add", ["angle", "pi"], ["up"]),
        helper.make_node("Sub", ["angle", "pi"], ["down"]),
        helper.make_node("Greater", ["imaginary", "zero"], ["above"]),
        helper.make_node("Where", ["above", "up", "down"], ["turned"]),
        helper.make_node("Less", ["real", "zero"], ["negative"]),
        helper.make_node("Where", ["negative", "turned", "angle"], ["phase"]),
        helper.make_node("Pow", ["real", "two"], ["real2"]),
        helper.make_node("Pow", ["imaginary", "two"], ["imaginary2"]),
        helper.make_node("Add", ["real2", "imaginary2"], ["power"]),
        helper.make_node("Sqrt", ["power"], ["magnitude"]),
        helper.make_node("Concat", ["magnitude", "phase"], ["features"], axis=1),
    ]
    graph = helper.make_graph(
        nodes,
        "stft_phase",
        [helper.make_tensor_value_info("signal", TensorProto.FLOAT, [1, SAMPLES, 1])],
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, [1, 2 * BINS, None])],
        [numpy_helper.from_array(value, name) for name, value in constants.items()],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)


def signal() -> np.ndarray:
    """A negative offset (a negative DC bin) under harmonics, as the harmonic source after its tanh."""
    t = np.arange(SAMPLES) / 24000
    wave = -0.3 + 0.2 * np.sin(2 * np.pi * 310 * t) + 0.05 * np.sin(2 * np.pi * 2900 * t)
    return wave.astype(np.float32).reshape(1, -1, 1)


def features(model: onnx.ModelProto, runtime: str) -> np.ndarray:
    if runtime == "onnxruntime":
        session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
        return np.asarray(session.run(None, {"signal": signal()})[0])
    compiled = ov.Core().compile_model(
        ov.Core().read_model(model.SerializeToString(), b""), "CPU", {"INFERENCE_PRECISION_HINT": "f32"}
    )
    return np.asarray(compiled({"signal": signal()})[0])


def test_edge_bins_get_pytorchs_phase_on_both_runtimes_and_the_rest_is_unchanged() -> None:
    model = phase_graph()
    before = {runtime: features(model, runtime) for runtime in ("onnxruntime", "openvino")}
    assert exact_edge_phases(model) == 1
    onnx.checker.check_model(model)
    for runtime in ("onnxruntime", "openvino"):
        after = features(model, runtime)
        phase = after[0, BINS:]
        # The offset is negative in every frame: so is the DC bin's real part.
        assert np.allclose(phase[0], np.pi), f"{runtime}: DC phase {phase[0][:4]}"
        assert np.all((np.abs(phase[-1]) < 1e-6) | np.isclose(phase[-1], np.pi)), f"{runtime}: Nyquist phase"
        np.testing.assert_array_equal(after[0, BINS + 1 : -1], before[runtime][0, BINS + 1 : -1])
        np.testing.assert_array_equal(after[0, :BINS], before[runtime][0, :BINS])


def test_a_graph_without_the_pattern_is_left_as_it_is() -> None:
    model = phase_graph()
    del model.graph.node[10:12]  # no Where on the real part's sign: not the export's atan2
    model.graph.node[-1].input[1] = "turned"
    assert exact_edge_phases(model) == 0
