"""A float32 graph made from a quantized export's own weights.

The int8 export keeps its weights as int8/uint8 with scales and zero points and quantizes
activations at run time (ONNX Runtime's dynamic quantization: ``DynamicQuantizeLinear``
feeding ``ConvInteger``, ``MatMulInteger`` and ``DynamicQuantizeLSTM``). On CPUs without fast
int8 kernels, and for runtimes that compute in bf16 or fp16 (OpenVINO), the float graph is the
faster one, and it is the only one those runtimes can lower precision on. This module
dequantizes every weight once, replaces each integer operator and the arithmetic that
rescales its result by the float operator it stands for, and drops what is left dead. Nothing
is retrained and no weight changes beyond what int8 already rounded, so it says what int8 says.

The copy is made once into the cache directory (the model folder may be read-only), named
after the source's size and mtime, and written atomically, like the durations copy.

At normal speed it says what int8 says (both heard at 0.0% over the English corpus's 381 words;
per phoneme their durations differ by a frame at most), but at twice the speed it was misheard on
5.1% of the speed test's 196 words against int8's 3.1%, and ONNX Runtime runs it slower than int8
on Zen 4 (RTF 0.36 to 0.51 against 0.30 to 0.45) and about as fast on Zen 1 (1.10 against 1.16).
So ONNX Runtime runs a made graph only where named; OpenVINO, which has nothing else to run in bf16, runs
it under "auto" too, behind the same quality gate as every candidate.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from kokoro_speech.engine.duration_output import save_atomically

if TYPE_CHECKING:
    import onnx

FLOAT_SUFFIX = ".float32.onnx"
_Replacement = tuple[list["onnx.NodeProto"], "onnx.NodeProto"]
"""The nodes an integer operator's replacement removes (itself included), and the float node."""
_LSTM_ATTRIBUTES = {
    "direction",
    "hidden_size",
    "input_forget",
    "activations",
    "activation_alpha",
    "activation_beta",
    "clip",
}


class NotQuantizedError(ValueError):
    """The graph has no quantized operators: it is a float graph already."""


def float_path(model: Path, directory: Path) -> Path:
    stat = model.stat()
    return directory / f"{model.stem}.{stat.st_size}-{stat.st_mtime_ns}{FLOAT_SUFFIX}"


def float_model(model: Path, directory: Path) -> Path:
    """The path of the float32 copy of ``model``, made on first use; raises NotQuantizedError for a
    graph that is float already (use it as it is)."""
    target = float_path(model, directory)
    if target.exists():
        return target
    import onnx

    graph_model = onnx.load(str(model))
    dequantize(graph_model)
    save_atomically(graph_model, target)
    return target


class _Graph:
    """Lookups over one graph while it is rewritten."""

    def __init__(self, graph: onnx.GraphProto, nodes: list[onnx.NodeProto]) -> None:
        from onnx import numpy_helper

        self.producer = {output: node for node in nodes for output in node.output}
        self.consumers: dict[str, list[onnx.NodeProto]] = defaultdict(list)
        for node in nodes:
            for name in node.input:
                self.consumers[name].append(node)
        self.initializers = {init.name: init for init in graph.initializer}
        self._to_array = numpy_helper.to_array
        self._from_array = numpy_helper.from_array
        self.added: list[onnx.TensorProto] = []
        self._made: set[str] = set()

    def array(self, name: str) -> NDArray[np.generic]:
        return self._to_array(self.initializers[name])

    def dequantized(
        self, weight: str, scale: NDArray[np.generic], zero_point: str, *, axis: int, transposed: bool = False
    ) -> str:
        """The name of ``weight`` as float32, made once however many operators share it."""
        name = weight + ("_float_t" if transposed else "_float")
        if name not in self._made:
            self._made.add(name)
            zero = self.array(zero_point) if zero_point else np.zeros((), np.float32)
            values = _dequantized(self.array(weight), scale, zero, axis)
            if transposed:
                values = values.transpose(0, 2, 1)
            self.added.append(self._from_array(np.ascontiguousarray(values), name))
        return name

    def only_consumer(self, name: str, op_type: str) -> onnx.NodeProto:
        users = self.consumers[name]
        if len(users) != 1 or users[0].op_type != op_type:
            found = [u.op_type for u in users]
            raise ValueError(f"unexpected graph: {name} feeds {found}, expected one {op_type}")
        return users[0]

    def float_input(self, quantized: str) -> str:
        """The float tensor a ``DynamicQuantizeLinear`` output was made from."""
        node = self.producer[quantized]
        if node.op_type != "DynamicQuantizeLinear":
            raise ValueError(f"unexpected graph: {quantized} comes from {node.op_type}")
        return str(node.input[0])


def _dequantized(
    values: NDArray[np.generic], scale: NDArray[np.generic], zero_point: NDArray[np.generic], axis: int
) -> NDArray[np.float32]:
    """(q - zero_point) * scale, a per-tensor or per-channel scale laid along ``axis``."""
    shape = [1] * values.ndim
    if np.ndim(scale) or np.ndim(zero_point):
        shape[axis] = -1
    scale32 = np.asarray(scale, dtype=np.float32).reshape(shape)
    zero32 = np.asarray(zero_point, dtype=np.float32).reshape(shape)
    return ((values.astype(np.float32) - zero32) * scale32).astype(np.float32)


def _rescaling_end(graph: _Graph, integer_output: str) -> tuple[str, str | None, list[onnx.NodeProto]]:
    """Follow an integer operator's result through the nodes that rescale it to float.

    ONNX Runtime's quantizer writes either ``Cast -> Mul(scales)`` or, where it folded the bias
    into the integer sum, ``Add(quantized bias) -> Cast -> Mul(bias scale)``. Returns the float
    tensor that ends the chain, the float bias (if it was folded) and the nodes that go.
    """
    first = graph.consumers[integer_output]
    if len(first) != 1:
        raise ValueError(f"unexpected graph: {integer_output} has {len(first)} users")
    node = first[0]
    removed: list[onnx.NodeProto] = []
    bias: str | None = None
    if node.op_type == "Add":
        removed.append(node)
        bias = _folded_bias(graph, next(name for name in node.input if name != integer_output))
        node = graph.only_consumer(node.output[0], "Cast")
    if node.op_type != "Cast":
        raise ValueError(f"unexpected graph: {integer_output} feeds {node.op_type}")
    removed.append(node)
    mul = graph.only_consumer(node.output[0], "Mul")
    removed.append(mul)
    return mul.output[0], bias, removed


def _folded_bias(graph: _Graph, quantized_bias: str) -> str:
    """The float bias behind ``Reshape(Cast(Floor(Div(bias, scale))))``, reshaped as Conv wants it."""
    node = graph.producer[quantized_bias]
    while node.op_type != "Div":
        node = graph.producer[node.input[0]]
    return str(node.input[0])


def _replace_conv(graph: _Graph, node: onnx.NodeProto) -> _Replacement:
    import onnx

    weight = graph.dequantized(node.input[1], _scale_of(graph, node.input[1]), node.input[3], axis=0)
    output, bias, removed = _rescaling_end(graph, node.output[0])
    inputs = [graph.float_input(node.input[0]), weight] + ([bias] if bias else [])
    conv = onnx.helper.make_node("Conv", inputs, [output], name=node.name + "_float")
    conv.attribute.extend(node.attribute)
    return [node, *removed], conv


def _replace_matmul(graph: _Graph, node: onnx.NodeProto) -> _Replacement:
    import onnx

    weight = graph.dequantized(node.input[1], _scale_of(graph, node.input[1]), node.input[3], axis=-1)
    output, bias, removed = _rescaling_end(graph, node.output[0])
    if bias is not None:
        raise ValueError(f"unexpected graph: a bias folded into {node.name}")
    matmul = onnx.helper.make_node(
        "MatMul", [graph.float_input(node.input[0]), weight], [output], name=node.name + "_float"
    )
    return [node, *removed], matmul


def _replace_lstm(graph: _Graph, node: onnx.NodeProto) -> _Replacement:
    import onnx

    inputs = list(node.input) + [""] * (12 - len(node.input))
    x, w, r, b, lengths, initial_h, initial_c, peepholes, w_scale, w_zero, r_scale, r_zero = inputs
    # DynamicQuantizeLSTM keeps weights as [directions, input, 4 * hidden]; LSTM wants [directions, 4 * hidden, input].
    w_float = graph.dequantized(w, graph.array(w_scale), w_zero, axis=0, transposed=True)
    r_float = graph.dequantized(r, graph.array(r_scale), r_zero, axis=0, transposed=True)
    lstm_inputs = [x, w_float, r_float, b, lengths, initial_h, initial_c, peepholes]
    while lstm_inputs[-1] == "":
        lstm_inputs.pop()
    lstm = onnx.helper.make_node("LSTM", lstm_inputs, list(node.output), name=node.name + "_float")
    lstm.attribute.extend(a for a in node.attribute if a.name in _LSTM_ATTRIBUTES)
    return [node], lstm


def _replace_dequantize(graph: _Graph, node: onnx.NodeProto) -> _Replacement:
    """``DequantizeLinear(Gather(q, ids))`` becomes ``Gather(float table, ids)``: the lookup of a
    quantized embedding, dequantized once instead of per run."""
    import onnx

    gather = graph.producer.get(node.input[0])
    if gather is None or gather.op_type != "Gather" or gather.input[0] not in graph.initializers:
        raise ValueError(f"unexpected graph: {node.name} does not dequantize a table lookup")
    zero = node.input[2] if len(node.input) > 2 else ""
    table = graph.dequantized(gather.input[0], graph.array(node.input[1]), zero, axis=0)
    lookup = onnx.helper.make_node("Gather", [table, gather.input[1]], list(node.output), name=node.name + "_float")
    lookup.attribute.extend(gather.attribute)
    return [node] + ([gather] if len(graph.consumers[gather.output[0]]) == 1 else []), lookup


def _scale_of(graph: _Graph, quantized_weight: str) -> NDArray[np.generic]:
    """A weight's scale: ONNX Runtime names it after the weight (``..._quantized`` -> ``..._scale``)."""
    name = quantized_weight.removesuffix("_quantized") + "_scale"
    if name not in graph.initializers:
        raise ValueError(f"unexpected graph: no scale {name} for {quantized_weight}")
    return graph.array(name)


_REPLACERS = {
    "ConvInteger": _replace_conv,
    "MatMulInteger": _replace_matmul,
    "DynamicQuantizeLSTM": _replace_lstm,
    "DequantizeLinear": _replace_dequantize,
}


def dequantize(graph_model: onnx.ModelProto) -> None:
    """Rewrite ``graph_model`` in place into its float32 equivalent."""
    nodes = list(graph_model.graph.node)
    if not any(node.op_type in _REPLACERS for node in nodes):
        raise NotQuantizedError("the graph has no quantized operators")
    graph = _Graph(graph_model.graph, nodes)
    gone: set[int] = set()
    instead: dict[int, onnx.NodeProto] = {}
    for node in nodes:
        replace = _REPLACERS.get(node.op_type)
        if replace is not None:
            removed, new = replace(graph, node)
            gone.update(id(n) for n in removed)
            instead[id(node)] = new
    # The float operator takes the integer one's place: its inputs are made before it, its output's users after.
    rewritten = [instead.get(id(node), node) for node in nodes if id(node) in instead or id(node) not in gone]
    del graph_model.graph.node[:]
    graph_model.graph.node.extend(rewritten)
    graph_model.graph.initializer.extend(graph.added)
    _drop_dead(graph_model.graph)


def _drop_dead(graph: onnx.GraphProto) -> None:
    """Remove nodes and initializers no graph output depends on (the activation quantizers and the
    integer weights, now unused)."""
    needed = {output.name for output in graph.output}
    kept: list[onnx.NodeProto] = []
    for node in reversed(graph.node):
        if any(name in needed for name in node.output):
            kept.append(node)
            needed.update(name for name in node.input if name)
            needed.update(_subgraph_inputs(node))
    kept.reverse()
    del graph.node[:]
    graph.node.extend(kept)
    unused = [init for init in graph.initializer if init.name not in needed]
    for init in unused:
        graph.initializer.remove(init)


def _subgraph_inputs(node: onnx.NodeProto) -> set[str]:
    names: set[str] = set()
    for attribute in node.attribute:
        for sub in [attribute.g] if attribute.HasField("g") else list(attribute.graphs):
            for inner in sub.node:
                names.update(name for name in inner.input if name)
    return names
