"""The harmonic source's STFT phases at its DC and Nyquist bins, made exact.

The generator takes the STFT of its harmonic source and feeds magnitude and phase to its noise convolutions,
the phase as ``atan2(imag, real)`` written out in the export (``Atan`` of the ratio, then ``Where`` on the
signs). For a real signal the DC and Nyquist bins have no imaginary part, so their phase is 0 or pi: PyTorch's
``atan2(+0, negative)`` is +pi, and ONNX Runtime's STFT leaves a positive rounding residue there that gives
the same. OpenVINO's STFT leaves a negative one: its DC phase was -pi where ONNX Runtime's was +pi in 91% of
the frames, a difference of 2 pi at the convolution's input, and its speech came out 1.5 dB quieter than the
same float graph under ONNX Runtime.

So, for the runtimes that get made graphs, the phase of those two bins is taken from the sign of the real part
alone, as PyTorch's is: pi where it is negative, else 0. Their imaginary residue is never divided by (a real
part of exactly zero would make that NaN), and the other bins are untouched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from kokoro_speech.engine.graph_lookups import GraphLookups

if TYPE_CHECKING:
    import onnx

_PREFIX = "exact_edge_phase/"


def exact_edge_phases(model: onnx.ModelProto) -> int:
    """Rewrite every STFT's phase of ``model`` in place as above; returns how many were rewritten (0 where the
    graph does not have the export's pattern: STFT, a (0, 2, 1, 3) transpose, real and imaginary parts gathered,
    the phase chosen by ``Where`` on ``real < 0``)."""
    from onnx import helper, numpy_helper

    graph = model.graph
    lookups = GraphLookups(graph)
    consumers, constant = lookups.consumers, lookups.scalar

    rewritten = 0
    for stft in [node for node in graph.node if node.op_type == "STFT"]:
        length = constant(stft.input[3]) if len(stft.input) > 3 else None
        transposes = [n for n in consumers[stft.output[0]] if n.op_type == "Transpose"]
        if length is None or len(transposes) != 1 or _perm(transposes[0]) != [0, 2, 1, 3]:
            continue
        real = [n for n in consumers[transposes[0].output[0]] if n.op_type == "Gather" and constant(n.input[1]) == 0]
        negative = [
            n
            for gather in real
            for n in consumers[gather.output[0]]
            if n.op_type == "Less" and n.input[0] == gather.output[0] and constant(n.input[1]) == 0
        ]
        choices = [n for less in negative for n in consumers[less.output[0]] if n.op_type == "Where"]
        if len(choices) != 1:
            continue
        phase = choices[0].output[0]
        bins = int(length) // 2 + 1
        edges = np.zeros((1, bins, 1), dtype=bool)
        edges[0, 0, 0] = edges[0, -1, 0] = True
        tag = f"{_PREFIX}{rewritten}"
        graph.initializer.extend(
            [
                numpy_helper.from_array(edges, f"{tag}/edges"),
                numpy_helper.from_array(np.array(np.pi, dtype=np.float32), f"{tag}/pi"),
                numpy_helper.from_array(np.array(0.0, dtype=np.float32), f"{tag}/zero"),
            ]
        )
        exact = f"{tag}/phase"
        for user in consumers[phase]:
            for index, name in enumerate(user.input):
                if name == phase:
                    user.input[index] = exact
        position = list(graph.node).index(choices[0]) + 1
        nodes = [
            helper.make_node(
                "Where", [negative[0].output[0], f"{tag}/pi", f"{tag}/zero"], [f"{tag}/edge"], name=f"{tag}/edge"
            ),
            helper.make_node("Where", [f"{tag}/edges", f"{tag}/edge", phase], [exact], name=exact),
        ]
        for offset, node in enumerate(nodes):
            graph.node.insert(position + offset, node)
        rewritten += 1
    return rewritten


def _perm(transpose: onnx.NodeProto) -> list[int]:
    from onnx import helper

    return next(list(helper.get_attribute_value(a)) for a in transpose.attribute if a.name == "perm")
