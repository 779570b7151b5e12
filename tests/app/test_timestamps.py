"""Word timestamps against the real model: the durations output, words as written, SSE."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
from litestar.testing import TestClient

from kokoro_speech import create_app
from kokoro_speech.config import SpeechConfig
from kokoro_speech.engine import assets
from kokoro_speech.engine.duration_output import DURATION_OUTPUT, patched_path, with_duration_output
from tests.support import speech, wait_ready
from tests.support.audio import decode
from tests.support.errors import assert_openai_error

TEXT = "It costs $7.25 at Elm St. today, and the shop opens at 9:30 a.m. sharp."


def timed(client: TestClient, **fields: object) -> Any:
    """The timestamps route's answer for ``TEXT``, or the ``input`` given."""
    return speech.timed(client, str(fields.pop("input", TEXT)), **fields)


def test_the_patched_model_outputs_durations_and_identical_audio(app_config: SpeechConfig, tmp_path: Path) -> None:
    files = assets.resolve(app_config.model)
    tensor = app_config.model.duration_tensor
    patched = with_duration_output(files.model, tmp_path, tensor)
    assert patched == patched_path(files.model, tmp_path, tensor) and patched.parent != files.model.parent
    original = ort.InferenceSession(str(files.model), providers=["CPUExecutionProvider"])
    timed_session = ort.InferenceSession(str(patched), providers=["CPUExecutionProvider"])
    assert DURATION_OUTPUT in [o.name for o in timed_session.get_outputs()]
    style = np.load(files.voices)["af_heart"][40].reshape(1, -1)
    feed = {"tokens": np.array([[0, *range(20, 60), 0]], dtype=np.int64), "style": style}
    for speed in (0.8, 1.0, 1.6):
        feed["speed"] = np.array([speed], dtype=np.float32)
        (audio,) = original.run(["audio"], feed)
        same, durations = timed_session.run(["audio", DURATION_OUTPUT], feed)
        assert np.array_equal(audio, same)
        assert durations.size == 42 and int(durations.sum()) * 600 == audio.size
    # Made once: a second call finds the cached copy.
    mtime = patched.stat().st_mtime_ns
    assert with_duration_output(files.model, tmp_path, tensor) == patched and patched.stat().st_mtime_ns == mtime


def test_words_are_the_input_words_in_order_within_the_audio(client: TestClient) -> None:
    result = timed(client)
    samples, rate = decode(base64.b64decode(str(result["audio"])), "wav")
    seconds = len(samples) / rate
    assert abs(float(result["duration"]) - seconds) < 0.01
    words = result["words"]
    assert isinstance(words, list)
    # Words as written; a few ("9:30 a.m.") are one reading and come as one entry.
    assert " ".join(w["word"] for w in words) == TEXT
    assert len(words) >= len(TEXT.split()) - 3
    starts = [w["start"] for w in words]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert all(0 <= w["start"] < w["end"] <= seconds + 1e-6 for w in words)
    # "$7.25" is one word, spoken as five: it lasts far longer than "It".
    price = next(w for w in words if w["word"] == "$7.25")
    first = words[0]
    assert price["end"] - price["start"] > 3 * (first["end"] - first["start"])


def test_timestamps_come_in_any_format_and_scale_with_speed(client: TestClient) -> None:
    normal = timed(client)
    fast = timed(client, speed=1.5, response_format="mp3")
    assert fast["content_type"] == "audio/mpeg"
    assert len(fast["words"]) == len(normal["words"])
    ratio = float(normal["duration"]) / float(fast["duration"])
    assert 1.3 < ratio < 1.7
    last_normal, last_fast = normal["words"][-1]["start"], fast["words"][-1]["start"]
    assert 1.3 < last_normal / last_fast < 1.7


def test_sse_deltas_carry_the_words_they_complete(client: TestClient) -> None:
    long_text = " ".join([TEXT] * 3)
    body = {"model": "tts-1", "voice": "af_heart", "input": long_text, "stream_format": "sse", "timestamps": True}
    response = client.post("/v1/audio/speech", json=body)
    assert response.status_code == 200
    events = [json.loads(line[6:]) for line in response.text.splitlines() if line.startswith("data: ")]
    deltas = [e for e in events if e["type"] == "speech.audio.delta"]
    assert len(deltas) > 1
    words = [w for e in events for w in e.get("words", [])]
    assert " ".join(w["word"] for w in words) == long_text
    assert sum(1 for d in deltas if d.get("words")) > 1
    plain = client.post("/v1/audio/speech", json={**body, "timestamps": False}).text
    assert '"words"' not in plain


def test_timestamps_need_sse_on_the_speech_route(client: TestClient) -> None:
    body = {"model": "tts-1", "voice": "af_heart", "input": "Hi.", "timestamps": True}
    response = client.post("/v1/audio/speech", json=body)
    assert response.status_code == 400 and response.json()["error"]["param"] == "timestamps"


def test_a_word_spoken_across_two_chunks_is_one_entry(client: TestClient) -> None:
    # A long amount is spoken as many words, more than the first chunk (60 phonemes) holds: it ends among them.
    text = "$1,234,567.89 was the total after tax and fees were added."
    amount = client.post("/v1/audio/phonemize", json={"input": "$1,234,567.89"}).json()["phonemes"]
    assert len(amount) > 60, "the amount alone is longer than the first chunk"
    result = timed(client, input=text)
    assert [w["word"] for w in result["words"]].count("$1,234,567.89") == 1
    body = {"model": "tts-1", "voice": "af_heart", "input": text, "stream_format": "sse", "timestamps": True}
    events = [
        json.loads(line[6:])
        for line in client.post("/v1/audio/speech", json=body).text.splitlines()
        if line.startswith("data: ")
    ]
    words = [w["word"] for e in events for w in e.get("words", [])]
    assert words.count("$1,234,567.89") == 1 and " ".join(words) == text


def test_with_word_timestamps_off_the_routes_that_need_them_say_so(app_config: SpeechConfig, tmp_path: Path) -> None:
    config = SpeechConfig.from_env({**app_config.to_env(), "KOKORO_SPEECH_WORD_TIMESTAMPS": "false"})
    with TestClient(create_app(config), timeout=120) as untimed:
        wait_ready(untimed.get)
        body = {"model": "tts-1", "voice": "af_heart", "input": "No timings here."}
        timed_route = untimed.post("/v1/audio/speech/timestamps", json=body)
        sse = untimed.post("/v1/audio/speech", json={**body, "stream_format": "sse", "timestamps": True})
        plain = untimed.post("/v1/audio/speech", json=body)
    for refused in (timed_route, sse):
        assert_openai_error(refused, 400, "timestamps", "timestamps_unavailable")
        assert "KOKORO_SPEECH_WORD_TIMESTAMPS" in refused.json()["error"]["message"]
    assert plain.status_code == 200 and decode(plain.content, "mp3")[0].size > 0
