"""Kokoro-FastAPI's users switch by changing the URL: its README's requests, its web page's and its routes'
shapes, replayed against the real model; and the same server's several speakers, rates and telephony."""

from __future__ import annotations

import base64
import collections
import io
import json
import pickle
import zipfile
from typing import Any

import numpy as np
import pytest
from litestar.testing import TestClient

from tests.support.audio import decode, decode_raw, level_dbfs, median_pitch, silences
from tests.support.errors import assert_openai_error

HELLO = {"model": "kokoro", "input": "Hello world!", "voice": "af_bella", "response_format": "mp3", "speed": 1.0}
"""The README's first request, as it is written there."""
TWO_SPEAKERS = "The first speaker talks now. [voice:am_michael] And the second one talking."
LOWER_PITCH = 1.3
"""af_heart speaks near 200 Hz, am_michael near 120: a switch shows as a fall of far more than this ratio."""


def speech(client: TestClient, **fields: object) -> Any:
    response = client.post("/v1/audio/speech", json=fields)
    assert response.status_code == 200, response.text
    return response


def test_the_readmes_requests_are_answered_as_there(client: TestClient) -> None:
    samples, _ = decode(speech(client, **HELLO).content, "mp3")
    assert level_dbfs(samples) > -35
    # No model and a weighted blend, as its voice-mixing example sends them.
    unnamed = speech(client, input="Hello world!", voice="af_bella(2)+af_sky(1)", response_format="mp3")
    assert len(decode(unnamed.content, "mp3")[0]) > 0
    listed = client.get("/v1/audio/voices").json()["voices"]
    legacy = client.get("/v1/audio/voices", params={"legacy": "true"}).json()["voices"]
    assert legacy == [v["id"] for v in listed if v["alias_of"] is None] and "af_bella" in legacy


def test_a_combined_voice_is_a_pytorch_file_of_the_blend(client: TestClient, home: Any) -> None:
    response = client.post("/v1/audio/voices/combine", json="af_bella(2)+af_sky(1)")
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].endswith('.pt"')
    pack = _torch_load(response.content)
    with np.load(home / "voices-v1.0.bin") as voices:
        expected = (2 * voices["af_bella"] + voices["af_sky"]) / 3
    assert pack.shape == (510, 1, 256) and np.allclose(pack, expected, atol=1e-4)
    listed = client.post("/v1/audio/voices/combine", json=["af_bella", "af_sky"])
    assert np.allclose(
        _torch_load(listed.content),
        _torch_load(client.post("/v1/audio/voices/combine", json="af_bella+af_sky").content),
    )
    assert_openai_error(client.post("/v1/audio/voices/combine", json="af_nobody"), 400, param="voice")


def test_lang_code_volume_and_normalization_options_mean_what_they_mean_there(client: TestClient) -> None:
    text = {"input": "I can't say tomato, it's 5 km away.", "voice": "af_heart", "response_format": "pcm"}
    american = speech(client, **text).content
    british = speech(client, **text, lang_code="b").content
    assert british != american  # the same job as `lang` (tests/unit/test_speech_fields.py)
    quieter = decode(speech(client, **text, volume_multiplier=0.5).content, "pcm")[0]
    assert level_dbfs(quieter) - level_dbfs(decode(american, "pcm")[0]) == pytest.approx(-6.02, abs=0.2)
    unnormalized = speech(client, **text, normalization_options={"normalize": False}).content
    assert len(unnormalized) != len(american)
    conflict = client.post("/v1/audio/speech", json={**text, "lang": "en-us", "lang_code": "b"})
    assert_openai_error(conflict, 400, param="lang_code")


def _halves_pitch(samples: np.ndarray, rate: int, words: list[dict[str, Any]], second: str) -> tuple[float, float]:
    """Median pitch before and after the first word that says ``second``."""
    cut = next(w["start_time"] for w in words if w["word"] == second)
    at = int(cut * rate)
    return median_pitch(samples[:at], rate), median_pitch(samples[at:], rate)


@pytest.mark.parametrize(
    "fields",
    [
        {"input": TWO_SPEAKERS, "allow_voice_tags": True},
        {
            "input": TWO_SPEAKERS.replace("[voice:am_michael] ", '<voice name="am_michael">') + "</voice>",
            "ssml": True,
        },
    ],
    ids=["voice tags", "ssml voice"],
)
def test_a_second_speaker_takes_over_mid_text(client: TestClient, fields: dict[str, object]) -> None:
    body = {"voice": "af_heart", "response_format": "wav", "stream": False, **fields}
    if body.get("ssml"):
        body["input"] = f"<speak>{body['input']}</speak>"
    answer = client.post("/dev/captioned_speech", json=body)
    assert answer.status_code == 200, answer.text
    whole = answer.json()
    samples, rate = decode(base64.b64decode(whole["audio"]), "wav")
    assert whole["audio_format"] == "audio/wav"
    assert [w["word"] for w in whole["timestamps"]][-2:] == ["one", "talking."]  # the tag is not read out
    first, second = _halves_pitch(samples, rate, whole["timestamps"], "And")
    assert first / second > LOWER_PITCH, (first, second)


def test_captioned_speech_streams_a_line_per_piece_and_reads_tags_as_words_unless_allowed(client: TestClient) -> None:
    body = {"input": "Hello [voice:am_michael] world. Goodbye now.", "voice": "af_bella", "response_format": "mp3"}
    with client.stream("POST", "/dev/captioned_speech", json=body) as answer:
        assert answer.status_code == 200
        lines = [json.loads(line) for line in answer.iter_lines() if line]
    assert all(set(line) == {"audio", "audio_format", "timestamps"} for line in lines)
    audio = b"".join(base64.b64decode(line["audio"]) for line in lines)
    words = [stamp for line in lines for stamp in line["timestamps"]]
    assert len(decode(audio, "mp3")[0]) > 0 and {"word", "start_time", "end_time"} == set(words[0])
    assert "[voice:am_michael]" in [w["word"] for w in words]
    assert [w["start_time"] for w in words] == sorted(w["start_time"] for w in words)


def test_phonemes_in_and_out_of_its_dev_routes(client: TestClient) -> None:
    answer = client.post("/dev/phonemize", json={"text": "tomato", "language": "a", "langauge": "b"})
    assert answer.headers["x-ignored-fields"] == "langauge"  # a typo is seen, not silently dropped
    american = answer.json()
    british = client.post("/dev/phonemize", json={"text": "tomato", "language": "b"}).json()
    assert set(american) == {"phonemes", "tokens"} and american["tokens"] and american != british
    said = client.post("/dev/generate_from_phonemes", json={"phonemes": british["phonemes"], "voice": "bf_emma"})
    assert said.status_code == 200 and said.headers["content-type"] == "audio/wav"
    assert level_dbfs(decode(said.content, "wav")[0]) > -35


def test_its_dialogue_says_each_turn_with_the_pause_between(client: TestClient) -> None:
    body = {
        "turns": [
            {"voice": "af_bella", "text": "Did the multi speaker support land?"},
            {"voice": "am_michael", "text": "It did. Turns switch voices inline."},
        ],
        "pause_between_turns": 0.4,
        "response_format": "wav",
    }
    samples, rate = decode(client.post("/dev/dialogue", json=body).content, "wav")
    assert any(end - start >= 0.4 for start, end in silences(samples, rate, 0.35))
    assert_openai_error(
        client.post("/dev/dialogue", json={"turns": [{"voice": "a]b", "text": "x"}]}), 400, param="turns"
    )


def test_what_its_web_page_sends_streams_and_leaves_a_download_with_its_timing(client: TestClient) -> None:
    body = {
        "input": "Hello world! [pause:1s] Again.",
        "voice": "af_bella",
        "response_format": "mp3",
        "download_format": "wav",
        "stream": True,
        "speed": 1.0,
        "return_download_link": True,
        "return_timing": True,
        "lang_code": "a",
    }
    streamed = speech(client, **body)
    path, timing = streamed.headers["x-download-path"], streamed.headers["x-timing-path"]
    assert "x-ignored-fields" not in streamed.headers
    saved = client.get(f"/v1{path}")
    assert saved.status_code == 200 and path.endswith(".wav")
    samples, rate = decode(saved.content, "wav")
    assert abs(len(samples) / rate - len(decode(streamed.content, "mp3")[0]) / 24000) < 0.1
    chunks = client.get(f"/v1{timing}").json()["chunks"]
    assert [c["text"] for c in chunks] == ["Hello", "world!", "Again."] and chunks[-1]["start"] > 1.0
    assert_openai_error(client.get("/v1/download/speech_0123.mp3"), 404)


def test_a_whole_answer_and_unknown_fields_named(client: TestClient) -> None:
    whole = speech(client, input="Hello.", voice="af_heart", response_format="wav", stream=False, colour="blue")
    assert int(whole.headers["content-length"]) == len(whole.content)
    assert whole.headers["x-ignored-fields"] == "colour"


RATED = {"input": "Hello there.", "voice": "af_heart"}


@pytest.fixture(scope="module")
def usual(client: TestClient) -> np.ndarray:
    """The samples of the rated text at the model's own rate, which every rate must last as long as."""
    return decode(speech(client, **RATED, response_format="pcm").content, "pcm")[0]


@pytest.mark.parametrize(("response_format", "rate"), [("wav", 8000), ("mp3", 16000), ("pcm", 48000), ("ulaw", None)])
def test_any_rate_keeps_the_duration(
    client: TestClient, usual: np.ndarray, response_format: str, rate: int | None
) -> None:
    fields = {**RATED, "response_format": response_format}
    answer = speech(client, **fields, **({"sample_rate": rate} if rate else {})).content
    if response_format in ("pcm", "ulaw"):
        heard_rate = rate or 8000
        samples = decode_raw(answer, response_format, heard_rate)
    else:
        samples, heard_rate = decode(answer, response_format)
    assert heard_rate == (rate or 8000)
    # mp3 frames carry the encoder's delay and padding: up to three frames (576 samples each below 32 kHz).
    slack = 3 * 576 / heard_rate if response_format == "mp3" else 0.01
    assert len(samples) / heard_rate == pytest.approx(len(usual) / 24000, abs=slack)
    assert level_dbfs(samples) > -35


def _torch_load(data: bytes) -> np.ndarray:
    """What ``torch.load(weights_only=True)`` reads from a voice file, with numpy in torch's place."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    (pickled,) = [name for name in archive.namelist() if name.endswith("/data.pkl")]
    root = pickled.rpartition("/")[0]
    assert archive.read(f"{root}/byteorder") == b"little"

    class Unpickler(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            allowed = {
                ("torch._utils", "_rebuild_tensor_v2"): _rebuild,
                ("torch", "FloatStorage"): np.float32,
                ("collections", "OrderedDict"): collections.OrderedDict,
            }
            return allowed[(module, name)]

        def persistent_load(self, pid: Any) -> Any:
            kind, _storage_type, key, location, numel = pid
            assert (kind, location) == ("storage", "cpu")
            storage = np.frombuffer(archive.read(f"{root}/data/{key}"), dtype="<f4")
            assert storage.size == numel
            return storage

    return np.asarray(Unpickler(io.BytesIO(archive.read(pickled))).load())


def _rebuild(storage: Any, offset: int, shape: Any, stride: Any, requires_grad: bool, hooks: Any) -> np.ndarray:
    assert not requires_grad and not hooks
    itemsize = storage.itemsize
    return np.lib.stride_tricks.as_strided(storage[offset:], shape, [s * itemsize for s in stride])
