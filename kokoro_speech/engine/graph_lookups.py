"""What the graph rewrites made for a runtime look up in an ONNX graph: its constants and each tensor's
consumers (``engine/snake.py``, ``engine/stft_phase.py``)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    import onnx


class GraphLookups:
    """Constants (initializers and ``Constant`` nodes) and consumers of one graph, as it was when made."""

    def __init__(self, graph: onnx.GraphProto) -> None:
        from onnx import numpy_helper

        self.constants: dict[str, NDArray[np.generic]] = {
            init.name: numpy_helper.to_array(init) for init in graph.initializer
        }
        for node in graph.node:
            if node.op_type == "Constant" and node.attribute and node.attribute[0].name == "value":
                self.constants[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
        self.consumers: dict[str, list[onnx.NodeProto]] = defaultdict(list)
        for node in graph.node:
            for name in node.input:
                self.consumers[name].append(node)

    def scalar(self, name: str) -> float | None:
        """The value of a one-element constant, None for anything else."""
        value = self.constants.get(name)
        return float(value) if value is not None and value.size == 1 else None
