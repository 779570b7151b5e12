"""The harmonic source's phase chain found in an OpenVINO model and made into outputs, and nothing else."""

from __future__ import annotations

import numpy as np
import openvino as ov
import openvino.opset13 as ops

from kokoro_speech.engine.backends.openvino_phases import keep_phases_precise


def harmonic_source_and_snake() -> ov.Model:
    steps = ops.parameter([1, 1, -1], np.float32, name="steps")
    phase = ops.cumsum(steps, ops.constant(np.int64(2)))
    radians = ops.multiply(phase, ops.constant(np.float32(2 * np.pi)))
    upsampled = ops.interpolate(
        radians,
        ops.constant(np.array([1.0, 1.0, 4.0], dtype=np.float32)),
        "linear",
        "scales",
        axes=ops.constant(np.array([0, 1, 2], dtype=np.int64)),
    )
    source = ops.sin(upsampled)
    x = ops.parameter([1, 1, -1], np.float32, name="x")
    snake = ops.sin(ops.multiply(x, ops.constant(np.float32(0.5))))
    return ov.Model([source, snake], [steps, x])


def test_the_phase_chain_becomes_outputs_and_snake_is_left_alone() -> None:
    model = harmonic_source_and_snake()
    assert keep_phases_precise(model) == 1
    # The Sin's input and the interpolation's input; the two original outputs stay first.
    assert len(model.outputs) == 4
    kinds = {output.get_node().input_value(0).get_node().get_type_name() for output in model.outputs[2:]}
    assert kinds == {"Interpolate", "Multiply"}


def test_in_bf16_the_kept_chain_says_what_f32_says() -> None:
    steps = np.random.default_rng(0).uniform(0, 0.05, (1, 1, 400)).astype(np.float32)
    x = np.linspace(-3, 3, 200, dtype=np.float32).reshape(1, 1, -1)
    core = ov.Core()

    def run(keep: bool, precision: str) -> list[np.ndarray]:
        model = harmonic_source_and_snake()
        if keep:
            keep_phases_precise(model)
        compiled = core.compile_model(model, "CPU", {"INFERENCE_PRECISION_HINT": precision})
        results = compiled({"steps": steps, "x": x})
        return [np.asarray(results[compiled.outputs[index]]) for index in range(2)]

    exact = run(False, "f32")
    kept = run(True, "bf16")
    # Phases up to 2 pi * 10 turns: in bf16 they are off by a good part of a turn, in f32 by nothing audible.
    assert np.abs(kept[0] - exact[0]).max() < 1e-3
    if "BF16" in core.get_property("CPU", "OPTIMIZATION_CAPABILITIES"):
        plain = run(False, "bf16")
        assert np.abs(plain[0] - exact[0]).max() > 0.05, "without the outputs, bf16 loses the phase"
