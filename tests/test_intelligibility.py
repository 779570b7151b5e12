"""Intelligibility by offline speech recognition (Whisper base), against the real model.

Slow (a few minutes on two cores): marked ``slow``; CI runs it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from kokoro_onnx import Kokoro
from litestar.testing import TestClient

from kokoro_speech.config import SpeechConfig
from kokoro_speech.engine import assets
from tests.asr import Recognizer, whisper_model_dir, word_errors
from tests.audio import decode
from tests.intelligibility import VOICE, measure, table, total
from tests.intelligibility_corpus import CORPUS

pytestmark = pytest.mark.slow

SERVER_WER_GOAL = 0.03


@pytest.fixture(scope="module")
def recognizer(tmp_path_factory: pytest.TempPathFactory) -> Recognizer:
    return Recognizer(whisper_model_dir(tmp_path_factory.mktemp("asr")))


@pytest.fixture(scope="module")
def raw_kokoro(app_config: SpeechConfig) -> Iterator[Kokoro]:
    files = assets.resolve(app_config)
    yield Kokoro(str(files.model), str(files.voices))


def speak(client: TestClient, text: str, **extra: object) -> bytes:
    body = {"model": "tts-1", "input": text, "voice": VOICE, "response_format": "wav", **extra}
    response = client.post("/v1/audio/speech", json=body)
    assert response.status_code == 200, response.text
    return response.content


def test_the_server_is_understood_far_better_than_raw_kokoro_onnx(
    client: TestClient, raw_kokoro: Kokoro, recognizer: Recognizer
) -> None:
    results, misses = measure(
        CORPUS,
        lambda text: speak(client, text),
        lambda text: raw_kokoro.create(text, voice=VOICE, speed=1.0, lang="en-us"),
        recognizer,
    )
    report = table(results) + "\n" + "\n".join(f"  {m.errors}: {m.sentence!r} heard {m.heard!r}" for m in misses)
    print(report)
    overall = total(results)
    assert len(CORPUS) >= 40
    assert overall.server.rate <= SERVER_WER_GOAL, report
    assert overall.server.rate < overall.raw.rate / 2, report


SPEED_SENTENCES = (
    "The quick brown fox jumps over the lazy dog.",
    "Please remember to water the plants before you leave.",
    "She sells sea shells by the sea shore every summer.",
)


@pytest.mark.parametrize("speed", [0.25, 0.5, 1.5, 2.0, 3.0, 4.0])
def test_speech_stays_intelligible_across_the_speed_range(
    client: TestClient, recognizer: Recognizer, speed: float
) -> None:
    errors = None
    normal = None
    for sentence in SPEED_SENTENCES:
        audio = speak(client, sentence, speed=speed)
        heard = recognizer.hear(audio).text
        result = word_errors(sentence, heard)
        errors = result if errors is None else errors + result
        samples, rate = decode(audio, "wav")
        reference, _ = decode(speak(client, sentence), "wav")
        normal = (normal or 0.0) + len(reference) / rate
        print(f"speed {speed}: {len(samples) / rate:.2f} s, heard {heard!r}")
    assert errors is not None
    assert errors.rate <= SPEED_WER_LIMIT[speed], f"speed {speed}: WER {errors.rate:.1%}"


# Whisper base itself degrades on very fast speech; the limits are what a listener would
# still follow, and 1.0 to 2.0 must be as clear as normal speech.
SPEED_WER_LIMIT = {0.25: 0.10, 0.5: 0.05, 1.5: 0.05, 2.0: 0.05, 3.0: 0.10, 4.0: 0.25}
