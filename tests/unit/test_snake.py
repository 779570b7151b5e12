"""Snake's ``sin(a x)^2`` rewritten as a polynomial: the same values on a small graph run by ONNX Runtime, and
only Snake's ``Sin`` rewritten (no model needed)."""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

from kokoro_speech.engine.snake import polynomial_snake


def snake_and_source_graph() -> onnx.ModelProto:
    """``x + sin(a x)^2 / a`` (Snake, with a per-channel ``a``) beside a plain ``sin(x)`` (a harmonic source)."""
    alpha = numpy_helper.from_array(np.array([[[0.3]], [[1.7]], [[9.0]]], dtype=np.float32), "alpha")
    two = numpy_helper.from_array(np.array(2.0, dtype=np.float32), "two")
    nodes = [
        helper.make_node("Mul", ["x", "alpha"], ["ax"], name="snake/Mul"),
        helper.make_node("Sin", ["ax"], ["s"], name="snake/Sin"),
        helper.make_node("Pow", ["s", "two"], ["s2"], name="snake/Pow"),
        helper.make_node("Div", ["s2", "alpha"], ["scaled"], name="snake/Div"),
        helper.make_node("Add", ["x", "scaled"], ["snake"], name="snake/Add"),
        helper.make_node("Sin", ["x"], ["source"], name="source/Sin"),
    ]
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, None])],
        [
            helper.make_tensor_value_info("snake", TensorProto.FLOAT, [1, 3, None]),
            helper.make_tensor_value_info("source", TensorProto.FLOAT, [1, 3, None]),
        ],
        [alpha, two],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)


def run(model: onnx.ModelProto, x: np.ndarray) -> list[np.ndarray]:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return [np.asarray(out) for out in session.run(None, {"x": x})]


def test_the_polynomial_says_what_sin_squared_says_over_a_wide_range() -> None:
    model = snake_and_source_graph()
    x = np.random.default_rng(0).uniform(-40, 40, (1, 3, 5000)).astype(np.float32)
    exact_snake, exact_source = run(model, x)
    assert polynomial_snake(model) == 1
    onnx.checker.check_model(model)
    snake, source = run(model, x)
    # f32's own rounding of a x at |a x| up to 360 is about 3e-5; the polynomial adds 4e-7 to sin^2.
    assert np.abs(snake - exact_snake).max() < 1e-4
    np.testing.assert_array_equal(source, exact_source)


def test_only_a_squared_sin_is_rewritten() -> None:
    model = snake_and_source_graph()
    polynomial_snake(model)
    kinds = [node.op_type for node in model.graph.node]
    assert kinds.count("Sin") == 1 and "Pow" not in kinds and "Floor" in kinds
    assert polynomial_snake(model) == 0, "a rewritten graph has nothing left to rewrite"
