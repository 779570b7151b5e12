"""Keeping the harmonic source's phases in f32 when OpenVINO computes in bf16.

Kokoro's harmonic source sums each frame's phase step with ``CumSum``, scales it to radians and interpolates
it to the sample rate before its ``Sin``: phases reach thousands of radians, where bf16 (8 bits of mantissa)
is off by whole turns. OpenVINO's CPU plugin lowers that chain to bf16 like everything else, so every frame's
excitation starts at a random phase: that, not the convolutions, was most of why bf16 audio strayed from
int8's (the quality gate's distance 4.7 dB; with the chain in f32, 3.1 dB, against 2.9 dB for the whole graph
in f32) and the likely cause of its mishearing at twice the speed.

The plugin keeps in f32 whatever feeds a model output, back to the nearest "significant" operator
(convolution, matrix product, interpolation). So the chain's tensors before each interpolation and before the
``Sin`` become extra outputs, which the backend never reads: the graph and its other outputs are unchanged.
Per-node precision hints (``precise`` runtime info) had no effect in bf16 on OpenVINO 2026.4.
"""

from __future__ import annotations

from typing import Any

PHASE_SEARCH_DEPTH = 12
"""How far back from a ``Sin`` a ``CumSum`` is looked for: the export puts 8 operators between them."""
_PASS_THROUGH = {"Transpose", "Interpolate", "Multiply", "Reshape", "Convert", "Squeeze", "Unsqueeze"}


def keep_phases_precise(model: Any) -> int:
    """Add the outputs that keep every accumulated phase of ``model`` (an ``openvino.Model``) in f32; returns
    how many phase chains were found."""
    found = 0
    for op in model.get_ops():
        if op.get_type_name() != "Sin":
            continue
        anchors = _phase_anchors(op)
        if anchors:
            model.add_outputs(anchors)
            found += 1
    return found


def _phase_anchors(sin: Any) -> list[Any]:
    """The tensors to make outputs of: the ``Sin``'s input and each interpolation's input on its way back to a
    ``CumSum``; none where there is no ``CumSum`` (Snake's and the inverse STFT's ``Sin`` are left alone)."""
    anchors = [sin.input_value(0)]
    node = sin.input_value(0).get_node()
    for _ in range(PHASE_SEARCH_DEPTH):
        kind = node.get_type_name()
        if kind == "CumSum":
            return anchors
        if kind not in _PASS_THROUGH:
            return []
        if kind == "Interpolate":
            anchors.append(node.input_value(0))
        node = node.input_value(0).get_node()
    return []
