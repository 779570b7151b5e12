"""Snake's ``sin(a x)^2`` as a range-reduced polynomial, for runtimes whose ``Sin`` is a scalar loop.

Kokoro's generator applies Snake, ``x + sin(a x)^2 / a``, before each of its 48 residual convolutions:
about 20 million ``sin()`` calls per second of audio. OpenVINO's CPU plugin has no vectorized ``Sin``
(it runs ``ref_any_f32``, a scalar loop, with bf16 tensors converted to f32 and back around it): on Zen 5
that was 24% of a run's time and most of its reorders. ``sin(y)^2`` has period pi, so with
``r = y/pi - floor(y/pi + 1/2)`` in [-1/2, 1/2] it is a polynomial in ``r^2``: degree 5 is within 4e-7 of
it, far below what bf16 resolves, and each step is an element-wise operator the runtime vectorizes.

Only a ``Sin`` whose one consumer squares it is Snake's. The harmonic source's ``Sin`` (phases that grow
over a whole chunk) and the inverse STFT's keep the exact function.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from kokoro_speech.engine.graph_lookups import GraphLookups

if TYPE_CHECKING:
    import onnx

SIN_SQUARED_OVER_R2 = (
    3.94114720455142e-07,
    9.86949020974351,
    -32.464329252451485,
    42.63581415157919,
    -29.395253316169228,
    10.53555423125882,
)
"""``sin(pi r)^2`` as ``sum(c[k] * (r^2)^k)`` for ``|r| <= 1/2``: least squares on Chebyshev nodes, largest error
3.9e-7 (degree 4 was 2.0e-5 and no faster under OpenVINO)."""
_PREFIX = "snake_polynomial/"


def polynomial_snake(model: onnx.ModelProto) -> int:
    """Rewrite every Snake ``Pow(Sin(y), 2)`` of ``model`` in place; returns how many were rewritten."""
    from onnx import helper, numpy_helper

    graph = model.graph
    lookups = GraphLookups(graph)

    def squares(node: onnx.NodeProto) -> onnx.NodeProto | None:
        users = lookups.consumers[node.output[0]]
        if len(users) != 1 or users[0].op_type != "Pow":
            return None
        return users[0] if lookups.scalar(users[0].input[1]) == 2.0 else None

    scalars = {"inv_pi": 1 / np.pi, "half": 0.5} | {f"c{k}": c for k, c in enumerate(SIN_SQUARED_OVER_R2)}
    replaced: dict[int, list[onnx.NodeProto]] = {}
    dropped: set[int] = set()
    for node in graph.node:
        power = squares(node) if node.op_type == "Sin" else None
        if power is None:
            continue
        name = node.name or node.output[0]

        def step(op: str, inputs: list[str], label: str, name: str = name) -> onnx.NodeProto:
            return helper.make_node(op, inputs, [f"{name}/{label}"], name=f"{name}/{label}")

        turns = step("Mul", [node.input[0], _PREFIX + "inv_pi"], "turns")
        chain = [
            turns,
            step("Add", [turns.output[0], _PREFIX + "half"], "shifted"),
        ]
        chain.append(step("Floor", [chain[-1].output[0]], "whole"))
        chain.append(step("Sub", [turns.output[0], chain[-1].output[0]], "reduced"))
        squared = step("Mul", [chain[-1].output[0], chain[-1].output[0]], "r2")
        chain.append(squared)
        degree = len(SIN_SQUARED_OVER_R2) - 1
        chain.append(step("Mul", [squared.output[0], f"{_PREFIX}c{degree}"], f"horner{degree}"))
        for k in range(degree - 1, -1, -1):
            chain.append(step("Add", [chain[-1].output[0], f"{_PREFIX}c{k}"], f"plus{k}"))
            if k:
                chain.append(step("Mul", [chain[-1].output[0], squared.output[0]], f"times{k}"))
        chain[-1].output[0] = power.output[0]
        replaced[id(node)] = chain
        dropped.add(id(power))
    if not replaced:
        return 0
    graph.initializer.extend(
        numpy_helper.from_array(np.array(value, dtype=np.float32), _PREFIX + key) for key, value in scalars.items()
    )
    nodes: list[onnx.NodeProto] = []
    for node in graph.node:
        if id(node) in replaced:
            nodes.extend(replaced[id(node)])
        elif id(node) not in dropped:
            nodes.append(node)
    del graph.node[:]
    graph.node.extend(nodes)
    return len(replaced)
