"""The float32 graph made from the int8 export: no integer operators left, made once, says what int8 says."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest

from kokoro_speech.config import BackendConfig, OnnxConfig
from kokoro_speech.engine.backends.onnxruntime import CPU, OnnxRuntimeBackend
from kokoro_speech.engine.duration_output import with_duration_output
from kokoro_speech.engine.float_graph import NotQuantizedError, dequantize, float_model
from kokoro_speech.engine.languages import find
from kokoro_speech.engine.phonemes import Phonemizer
from kokoro_speech.engine.voices import VoiceCatalog

INTEGER_OPS = {"ConvInteger", "MatMulInteger", "DynamicQuantizeLSTM", "DequantizeLinear", "DynamicQuantizeLinear"}
SENTENCES = [
    "The quick brown fox jumps over the lazy dog near the river bank.",
    "On March fifth we paid forty two dollars for seven tickets, and then we walked home in the rain.",
    "Please call me back before noon tomorrow, if you can.",
]


@pytest.fixture(scope="module")
def made(home: Path, shared_graphs: Path) -> Path:
    return float_model(home / "kokoro-v1.0.int8.onnx", shared_graphs)


def test_the_float_graph_has_no_integer_operators_and_keeps_the_interface(home: Path, made: Path) -> None:
    source = onnx.load(str(home / "kokoro-v1.0.int8.onnx"), load_external_data=False)
    graph = onnx.load(str(made))
    onnx.checker.check_model(str(made))
    assert not {node.op_type for node in graph.graph.node} & INTEGER_OPS
    assert {node.op_type for node in source.graph.node} & INTEGER_OPS, "the source is the quantized export"
    assert [i.name for i in graph.graph.input] == [i.name for i in source.graph.input]
    assert [o.name for o in graph.graph.output] == [o.name for o in source.graph.output]
    assert made.parent != home and made.stat().st_size > 3 * (home / "kokoro-v1.0.int8.onnx").stat().st_size


def test_the_float_graph_is_made_once_and_a_float_graph_is_not_made_again(home: Path, made: Path) -> None:
    mtime = made.stat().st_mtime_ns
    assert float_model(home / "kokoro-v1.0.int8.onnx", made.parent) == made and made.stat().st_mtime_ns == mtime
    with pytest.raises(NotQuantizedError):
        dequantize(onnx.load(str(made)))


def test_the_float_graph_says_what_int8_says(home: Path, made: Path, shared_graphs: Path) -> None:
    """Same durations per phoneme (a frame either way at most), same length and level of audio."""
    tensor = "/encoder/Cast_output_0"
    int8 = OnnxRuntimeBackend(
        with_duration_output(home / "kokoro-v1.0.int8.onnx", shared_graphs, tensor),
        OnnxConfig(),
        BackendConfig(),
        provider=CPU,
        variant="int8",
        precision="int8",
    )
    float32 = OnnxRuntimeBackend(
        with_duration_output(made, shared_graphs, tensor),
        OnnxConfig(),
        BackendConfig(),
        provider=CPU,
        variant="float32",
        precision="fp32",
    )
    phonemizer = Phonemizer()
    voice = VoiceCatalog.load(home / "voices-v1.0.bin").resolve("af_heart")
    for sentence in SENTENCES:
        tokens = phonemizer.tokenize(phonemizer.phonemize([sentence], find("en-us"))[0])
        style = voice.style_for(len(tokens))
        a, b = int8.run(tokens, style, 1.0), float32.run(tokens, style, 1.0)
        assert a.durations is not None and b.durations is not None
        assert np.abs(a.durations - b.durations).max() <= 1, sentence
        assert np.mean(a.durations == b.durations) >= 0.9, sentence
        # int8's own kernels differ between CPUs (with VNNI and without), so the reference moves by a frame
        # here and there too: three frames, 2.2% of a 3.5 s sentence, on a CPU with AVX2 only.
        assert abs(len(a.audio) - len(b.audio)) <= 0.03 * len(a.audio), sentence
        level_a, level_b = (20 * np.log10(np.sqrt(np.mean(x**2))) for x in (a.audio, b.audio))
        assert abs(level_a - level_b) < 1.0, sentence
