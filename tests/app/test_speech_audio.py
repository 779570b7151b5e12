"""Audio from the real model through the in-process app: formats, voices, speed."""

from __future__ import annotations

import numpy as np
import pytest
from litestar.testing import TestClient

from kokoro_speech.engine.voices import OPENAI_VOICES
from tests.support.audio import decode, duration, level_dbfs

TEXT = "The weather is lovely today, so we will walk to the park."
MEDIA_TYPES = {
    "mp3": "audio/mpeg",
    "opus": "audio/ogg",
    "aac": "audio/aac",
    "flac": "audio/flac",
    "wav": "audio/wav",
    "pcm": "audio/pcm",
}
# Codec priming and frame padding: mp3 and aac round up to whole frames.
DURATION_TOLERANCE_S = 0.12
AUDIBLE_DBFS = -35.0


def speak(client: TestClient, **fields: object) -> bytes:
    response = client.post("/v1/audio/speech", json={"model": "tts-1", "voice": "af_heart", **fields})
    assert response.status_code == 200, response.text
    return response.content


@pytest.fixture(scope="module")
def reference_seconds(client: TestClient) -> float:
    return duration(speak(client, input=TEXT, response_format="pcm"), "pcm")


def test_reference_duration_is_plausible_speech(reference_seconds: float) -> None:
    # About 2.5 to 4 words a second for ordinary speech.
    assert 2.5 < reference_seconds < 6.0


@pytest.mark.parametrize("fmt", list(MEDIA_TYPES))
def test_every_format_decodes_to_the_expected_duration_and_level(
    client: TestClient, reference_seconds: float, fmt: str
) -> None:
    response = client.post(
        "/v1/audio/speech", json={"model": "tts-1", "voice": "af_heart", "input": TEXT, "response_format": fmt}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(MEDIA_TYPES[fmt])
    samples, rate = decode(response.content, fmt)
    assert abs(len(samples) / rate - reference_seconds) < DURATION_TOLERANCE_S
    assert level_dbfs(samples) > AUDIBLE_DBFS
    assert float(np.max(np.abs(samples))) <= 1.0


def test_mp3_is_the_default_format(client: TestClient) -> None:
    response = client.post("/v1/audio/speech", json={"model": "kokoro", "voice": "af_heart", "input": "Default."})
    assert response.headers["content-type"].startswith("audio/mpeg")
    assert duration(response.content, "mp3") > 0.3


@pytest.mark.parametrize("name", sorted(OPENAI_VOICES))
def test_every_openai_voice_name_speaks(client: TestClient, name: str) -> None:
    samples, _ = decode(speak(client, input="Hello.", voice=name, response_format="pcm"), "pcm")
    assert len(samples) > 0.3 * 24000
    assert level_dbfs(samples) > AUDIBLE_DBFS


def test_openai_names_speak_with_their_kokoro_voice(client: TestClient) -> None:
    by_name = speak(client, input="Same words.", voice="fable", response_format="pcm")
    by_id = speak(client, input="Same words.", voice={"id": "bm_fable"}, response_format="pcm")
    other = speak(client, input="Same words.", voice="nova", response_format="pcm")
    # Same voice, same samples (within int16 rounding of any threading noise); another voice differs.
    name_samples, id_samples = decode(by_name, "pcm")[0], decode(by_id, "pcm")[0]
    assert name_samples.shape == id_samples.shape
    assert np.allclose(name_samples, id_samples, atol=2e-3)
    other_samples = decode(other, "pcm")[0]
    assert other_samples.shape != name_samples.shape or not np.allclose(other_samples, name_samples, atol=2e-3)


def test_voice_list_has_every_kokoro_voice_and_the_openai_names(client: TestClient) -> None:
    voices = client.get("/v1/audio/voices").json()["voices"]
    ids = {v["id"] for v in voices}
    assert len(ids) == 54 + len(OPENAI_VOICES)
    assert set(OPENAI_VOICES) <= ids and {"af_heart", "bm_george", "zf_xiaobei"} <= ids
    heart = next(v for v in voices if v["id"] == "af_heart")
    assert (heart["language"], heart["gender"]) == ("en-us", "female")
    george = next(v for v in voices if v["id"] == "bm_george")
    assert (george["language"], george["gender"]) == ("en-gb", "male")
    assert next(v for v in voices if v["id"] == "onyx")["alias_of"] == "am_onyx"


def test_models_list_and_lookup(client: TestClient) -> None:
    listed = client.get("/v1/models").json()
    assert listed["object"] == "list"
    assert {m["id"] for m in listed["data"]} == {"tts-1", "tts-1-hd", "gpt-4o-mini-tts", "kokoro"}
    kokoro_v1_release = 1735689600  # 2025-01-01
    model = client.get("/v1/models/tts-1-hd").json()
    voices = model.pop("voices")
    assert model == {"id": "tts-1-hd", "object": "model", "created": kokoro_v1_release, "owned_by": "kokoro-speech"}
    # As Speaches lists a model's voices, where the Wyoming bridge looks for them.
    assert len(voices) == 54 and {"name": "bf_emma", "language": "en-gb", "gender": "female"} in voices
    assert all(m["created"] == kokoro_v1_release and m["owned_by"] == "kokoro-speech" for m in listed["data"])


@pytest.mark.parametrize(("speed", "low", "high"), [(0.5, 1.6, 2.4), (2.0, 0.38, 0.62)])
def test_speed_scales_the_duration(client: TestClient, speed: float, low: float, high: float) -> None:
    text = "Speed should change how long this sentence takes to say."
    normal = duration(speak(client, input=text, response_format="pcm"), "pcm")
    changed = duration(speak(client, input=text, response_format="pcm", speed=speed), "pcm")
    assert low < changed / normal < high


def test_instructions_are_accepted_and_do_not_change_the_audio(client: TestClient) -> None:
    plain = decode(speak(client, input="Instructions are ignored.", response_format="pcm"), "pcm")[0]
    told = decode(
        speak(client, input="Instructions are ignored.", response_format="pcm", instructions="Whisper it."), "pcm"
    )[0]
    assert plain.shape == told.shape and np.allclose(plain, told, atol=2e-3)


def test_long_text_without_punctuation_is_spoken_whole(client: TestClient) -> None:
    # About 560 phonemes, past the model's 510 in one run, with no punctuation to cut at.
    words = " ".join(["banana"] * 80)
    seconds = duration(speak(client, input=words, response_format="pcm", speed=4.0), "pcm")
    # Each "banana" takes about 0.4 s at the normal rate: all 80 at four times it, over six seconds.
    assert seconds > 6.4
