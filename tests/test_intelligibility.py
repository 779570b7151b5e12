"""Intelligibility by offline speech recognition (Whisper base), against the real model.

Slow (a few minutes on two cores): marked ``slow``; CI runs it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from kokoro_onnx import Kokoro
from litestar.testing import TestClient

from kokoro_speech.config import SpeechConfig
from kokoro_speech.engine import assets
from kokoro_speech.engine.engine import SpeechEngine
from kokoro_speech.job import SpeechJob
from tests.asr import Errors, Recognizer, word_errors
from tests.audio import decode, level_dbfs
from tests.conftest import UNTUNED_SCHEDULE, base_env
from tests.intelligibility import VOICE, ClassResult, closest, measure, speak_raw, speak_through, table, total
from tests.intelligibility_corpus import CORPUS

pytestmark = pytest.mark.slow

SERVER_WER_GOAL = 0.03


@pytest.fixture(scope="module")
def raw_kokoro(app_config: SpeechConfig) -> Iterator[Kokoro]:
    files = assets.resolve(app_config.model)
    yield Kokoro(str(files.model), str(files.voices))


@pytest.fixture(scope="module")
def corpus_results(
    client: TestClient, raw_kokoro: Kokoro, recognizer: Recognizer
) -> tuple[dict[str, ClassResult], str]:
    """The corpus through the server and through raw kokoro-onnx, heard once for the tests below."""
    results, misses = measure(
        CORPUS,
        lambda text: speak_through(client, text),
        lambda text: speak_raw(raw_kokoro, text),
        recognizer,
    )
    report = table(results) + "\n" + "\n".join(f"  {m.errors}: {m.sentence!r} heard {m.heard!r}" for m in misses)
    return results, report


def test_the_server_is_understood_far_better_than_raw_kokoro_onnx(
    corpus_results: tuple[dict[str, ClassResult], str],
) -> None:
    results, report = corpus_results
    print(report)
    overall = total(results)
    assert len(CORPUS) >= 40
    assert overall.server.rate <= SERVER_WER_GOAL, report
    assert overall.server.rate < overall.raw.rate / 2, report


# Over 150 words, so that one misheard word is not the verdict (it is 0.6 points of the rate).
SPEED_SENTENCES = (
    "The quick brown fox jumps over the lazy dog.",
    "Please remember to water the plants before you leave.",
    "She walked slowly along the river every summer.",
    "The children built a small house of branches at the edge of the forest.",
    "Our neighbour bakes fresh bread every morning and shares it with the whole street.",
    "The museum will close early today because of the holiday.",
    "He forgot his umbrella on the bus and got wet on the way home.",
    "A gentle wind moved the tall grass across the hills.",
    "The teacher asked everyone to bring a favourite book to class.",
    "We watched the sun go down behind the mountains from the balcony.",
    "My brother plays the guitar in a band that practises in our garage.",
    "The old clock in the hall stopped working many years ago.",
    "They planted tomatoes, beans and carrots in the garden this spring.",
    "The library has a quiet room where students can study all day.",
    "She wrote a long letter to her friend who lives across the ocean.",
    "The farmer counted his sheep twice before closing the gate for the night.",
    "After dinner we played cards by the fire until everyone was tired.",
)
# Within this range every speed must be as clear as normal speech, to Whisper base; past it
# Whisper base stops following any speech (measured over these 196 words: 44% to 58% of them missed
# at 3.0, 94% to 98% at 4.0, whichever way the speed is made), so there only the length and level
# are checked.
CLEAR_SPEEDS = (0.25, 0.5, 1.5, 2.0)
CLEAR_WER = 0.05
REPORTED_SENTENCES = 3
"""Past 2x only length and level are checked: a few sentences show them (the bench measures the WER there)."""


@pytest.fixture(scope="module")
def normal_lengths(client: TestClient) -> dict[str, int]:
    return {sentence: len(decode(speak_through(client, sentence), "wav")[0]) for sentence in SPEED_SENTENCES}


@pytest.mark.parametrize("speed", [0.25, 0.5, 1.5, 2.0, 3.0, 4.0])
def test_speech_keeps_its_words_across_the_speed_range(
    client: TestClient, recognizer: Recognizer, normal_lengths: dict[str, int], speed: float
) -> None:
    errors = Errors(0, 0)
    sentences = SPEED_SENTENCES if speed in CLEAR_SPEEDS else SPEED_SENTENCES[:REPORTED_SENTENCES]
    for sentence in sentences:
        audio = speak_through(client, sentence, speed=speed)
        samples, rate = decode(audio, "wav")
        # Pauses and trimmed edges do not all scale, so allow some slack around 1 / speed.
        assert 0.75 / speed < len(samples) / normal_lengths[sentence] < 1.3 / speed
        assert level_dbfs(samples) > -35.0
        heard = recognizer.hear(audio).text
        errors += word_errors(sentence, heard)
        print(f"speed {speed}: {len(samples) / rate:.2f} s, heard {heard!r}")
    print(f"speed {speed}: WER {errors.rate:.1%} over {errors.words} words")
    if speed in CLEAR_SPEEDS:
        assert errors.words >= 150
        assert errors.rate <= CLEAR_WER, f"speed {speed}: WER {errors.rate:.1%}"


FLOAT32_WER_MARGIN = 0.01
"""The made float32 graph must be heard within one point of int8's word error rate."""


def test_the_float32_graph_is_understood_as_well_as_int8(
    home: Path,
    tmp_path: Path,
    recognizer: Recognizer,
    client: TestClient,
    corpus_results: tuple[dict[str, ClassResult], str],
) -> None:
    # int8's figure is the server's own over the same corpus: auto runs the int8 file, the only one present.
    assert client.get("/ready").json()["model"]["variant"] == "int8"
    int8 = total(corpus_results[0]).server
    config = SpeechConfig.from_env(
        base_env(home, tmp_path, result_cache="false", providers="cpu", model_variant="float32", **UNTUNED_SCHEDULE)
    )
    engine = SpeechEngine(config, assets.resolve(config.model))
    assert engine.backend.info.variant == "float32"
    float32 = Errors(0, 0)
    try:
        for _, sentence, references in CORPUS:
            _, chunks = engine.speak(SpeechJob(sentence, VOICE, normalization=config.text.normalization_for()))
            heard = recognizer.hear(np.concatenate([c.pcm for c in chunks]), engine.sample_rate).text
            float32 += closest(references, heard)
    finally:
        engine.close()
    print(f"int8 {int8.rate:.1%} of {int8.words} words, float32 {float32.rate:.1%} of {float32.words} words")
    assert int8.words >= 300 and float32.words == int8.words
    assert abs(float32.rate - int8.rate) <= FLOAT32_WER_MARGIN, (int8, float32)
