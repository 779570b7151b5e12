"""Every popular client, replayed as its own source calls a speech server, against a real server.

Each test sends what the client's code sends (its paths, bodies and headers, read from its source) and
checks what that code needs back.
"""

from __future__ import annotations

import asyncio
import http.client
import io
import json
import re
import subprocess
import urllib.parse
import wave

import av
import httpx
import numpy as np
import openai
import pytest

from tests.support import FIGURES, Server
from tests.support.audio import PCM_RATE, decode, duration, level_dbfs

SENTENCE = "The keeper lit the great lamp that warned ships away from the rocks below."
FORMATS = ["mp3", "opus", "aac", "flac", "wav", "pcm"]
LAST_WORD = "The lamp went out at dawn."
# A streamed response may be longer than the pcm of the same request (codec priming and padding) but never
# shorter by more than this: its last word must be whole.
MAX_SHORTER_S = 0.020


def post_as_sent(url: str, body: dict[str, object], headers: dict[str, str]) -> tuple[int, str, bytes]:
    """POST with the headers exactly as given, as aiohttp and requests send them: httpx refuses a value with
    trailing space, such as the `Bearer ` these clients make of an empty key (Node's fetch trims it)."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=120)
    try:
        connection.request("POST", parts.path, json.dumps(body), {"Content-Type": "application/json", **headers})
        response = connection.getresponse()
        return response.status, response.getheader("content-type", ""), response.read()
    finally:
        connection.close()


def assert_speech(data: bytes, response_format: str, at_least_s: float = 1.0) -> float:
    seconds = duration(data, response_format)
    assert seconds >= at_least_s
    assert level_dbfs(decode(data, response_format)[0]) > -35
    return seconds


def test_open_webui_lists_models_and_voices_without_a_key_and_speaks_with_its_body(two_workers: Server) -> None:
    """Open WebUI (backend/open_webui/routers/audio.py): for a base URL that is not OpenAI's it reads
    `{base}/audio/models` and `{base}/audio/voices` with no headers at all, then posts `{input, voice, model}`
    with the admin's extra parameters merged over it, and saves the whole body as .mp3."""
    base = two_workers.url + "/v1"
    models = httpx.get(f"{base}/audio/models", headers={}).json()
    available_models = [{"id": model["id"]} for model in models.get("models", [])]
    assert {"id": "tts-1"} in available_models and {"id": "kokoro"} in available_models
    voices = httpx.get(f"{base}/audio/voices", headers={}).json()
    available_voices = {voice["id"]: voice["name"] for voice in voices.get("voices", [])}
    assert available_voices["af_heart"] == "Heart" and "alloy" in available_voices

    admin_params = {"speed": 1.1, "stream": False}  # TTS_OPENAI_PARAMS, as an admin might set them
    payload = {"input": SENTENCE, "voice": "af_heart", "model": "kokoro"}
    status, media_type, audio = post_as_sent(
        f"{base}/audio/speech", {**payload, **admin_params}, {"Authorization": "Bearer "}
    )
    assert status == 200, audio
    assert media_type == "audio/mpeg"
    assert_speech(audio, "mp3")


def test_home_assistant_reads_a_limited_voice_list_and_streams_with_instructions(two_workers: Server) -> None:
    """Home Assistant: voices from `.../audio/voices?limit=100`; its OpenAI integration streams with the SDK,
    `instructions=str(prompt)` (the string "None" when no prompt is set), mp3 or opus."""
    base = two_workers.url + "/v1"
    every = httpx.get(f"{base}/audio/voices").json()["voices"]
    assert len(httpx.get(f"{base}/audio/voices", params={"limit": 100}).json()["voices"]) == min(100, len(every))
    five = httpx.get(f"{base}/audio/voices", params={"limit": 5}).json()["voices"]
    assert [v["id"] for v in five] == [v["id"] for v in every[:5]]

    client = openai.OpenAI(base_url=base, api_key="not-needed")
    for response_format in ("mp3", "opus"):
        with client.audio.speech.with_streaming_response.create(
            model="tts-1",
            voice="nova",
            input=SENTENCE,
            instructions=str(None),
            speed=1.0,
            response_format=response_format,
        ) as response:
            data = b"".join(response.iter_bytes(8192))
        assert_speech(data, response_format)


def librechat_split(text: str, size: int) -> list[str]:
    """Pieces as LibreChat's `splitTextIntoChunks` cuts them: about `size` characters, at the last sentence
    or clause mark (`. ? ! ; \\n`) before the limit. LibreChat splits inputs of 4096 characters or more into
    pieces of about 1000; a short text with a small size makes the same kind of pieces in less time."""
    pieces, start = [], 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            cut = max(text.rfind(mark, start, end) for mark in (".", "?", "!", ";", "\n"))
            end = cut + 1 if cut > start else end
        piece = text[start:end].strip()
        if piece:
            pieces.append(piece)
        start = end
    return pieces


def test_librechat_joins_the_mp3_bodies_of_a_split_text_into_one_stream(two_workers: Server) -> None:
    """LibreChat (TTSService.js) splits a long text, requests each piece as `{input, model, voice, backend}`
    (no format: mp3; with no key `Authorization: Bearer undefined`, older versions `undefined`), and pipes
    the bodies one after another into one audio/mpeg response. The joined bodies must decode as one stream,
    without errors and without a click where they meet."""
    text = SENTENCE + " " + "Fishermen in the village said they could set their clocks by its beam."
    pieces = librechat_split(text, 80)
    assert len(pieces) == 2
    bodies = []
    for piece, authorization in zip(pieces, ("Bearer undefined", "undefined"), strict=True):
        body = {"input": piece, "model": "tts-1", "voice": "echo", "backend": "openai"}
        response = httpx.post(
            two_workers.url + "/v1/audio/speech", json=body, headers={"Authorization": authorization}, timeout=120
        )
        assert response.status_code == 200, response.text
        bodies.append(response.content)
    joined = b"".join(bodies)

    with av.logging.Capture() as logs:
        samples, rate = decode(joined, "mp3")
    problems = [message for level, _, message in logs if level <= av.logging.ERROR]
    assert not problems
    assert len(samples) / rate == pytest.approx(sum(duration(b, "mp3") for b in bodies), abs=0.01)
    ffmpeg = subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "mp3", "-i", "pipe:", "-f", "null", "-"], input=joined, capture_output=True
    )
    assert ffmpeg.returncode == 0 and ffmpeg.stderr == b"", ffmpeg.stderr.decode()
    # Where the bodies meet, both are at the quiet edge of their speech: no step in the signal.
    join = round(duration(bodies[0], "mp3") * rate)
    around = samples[join - rate // 50 : join + rate // 50]
    assert level_dbfs(around) < -40
    assert float(np.max(np.abs(np.diff(around)))) < 0.05


def test_sillytavern_posts_to_the_full_url_with_an_empty_bearer(two_workers: Server) -> None:
    """SillyTavern (src/endpoints/openai.js): the full URL, `{input, response_format: "mp3", voice, speed,
    model: "tts-1"}`, `Authorization: Bearer ` when no key is set, the whole body."""
    status, _, audio = post_as_sent(
        two_workers.url + "/v1/audio/speech",
        {"input": SENTENCE, "response_format": "mp3", "voice": "af_sky", "speed": 1.25, "model": "tts-1"},
        {"Authorization": "Bearer "},
    )
    assert status == 200, audio
    assert_speech(audio, "mp3")


def test_anythingllm_lists_voices_at_the_origin_and_speaks_through_the_sdk(two_workers: Server) -> None:
    """AnythingLLM's Kokoro provider reads `{origin}/v1/audio/voices` as `{voices: [...]}` of strings or
    `{id, name}`, then speaks through the OpenAI SDK with `model: "kokoro"` (voice default af_bella)."""
    listed = httpx.get(two_workers.url + "/v1/audio/voices").json()["voices"]
    names = [v if isinstance(v, str) else v["id"] for v in listed]
    assert "af_bella" in names
    client = openai.OpenAI(base_url=two_workers.url + "/v1", api_key="no-key")
    speech = client.audio.speech.create(model="kokoro", voice="af_bella", input=SENTENCE)
    assert_speech(speech.content, "mp3")


def test_the_wyoming_bridge_detects_the_server_lists_its_voices_and_streams_wav(two_workers: Server) -> None:
    """wyoming_openai (compatibility.py, handler.py) autodetects its backend through the SDK's own HTTP
    client: `{base}/readyz` answering means LocalAI (voices: the model name), `{base}/../../health` saying
    exactly "OK" means Speaches (voices: `[v["name"] for v in GET {base}/models/{model}]["voices"]`),
    `{base}/test` saying `{"status": "ok"}` Kokoro-FastAPI; then it streams `response_format: "wav"` in
    2 KiB reads and parses the first one's header with `wave`."""

    async def replay() -> tuple[bool, bool, list[str], list[bytes]]:
        # wyoming_openai passes an empty key, which its pinned SDK sends as `Bearer `; this SDK refuses one.
        client = openai.AsyncOpenAI(base_url=two_workers.url + "/v1", api_key="no-key")
        localai = (await client._client.get("/readyz")).is_success
        health = await client._client.get("../../health")
        speaches = health.is_success and health.text == "OK"
        model = (await client._client.get("/models/kokoro")).json()
        voices = [voice["name"] for voice in model["voices"]]
        async with client.audio.speech.with_streaming_response.create(
            model="kokoro", voice=voices[0], input=SENTENCE, response_format="wav"
        ) as response:
            chunks = [chunk async for chunk in response.iter_bytes(chunk_size=2048)]
        return localai, speaches, voices, chunks

    localai, speaches, voices, chunks = asyncio.run(replay())
    assert not localai and speaches
    assert "af_heart" in voices and "alloy" not in voices
    header = io.BytesIO(chunks[0])
    with wave.open(header, "rb") as wav:
        rate, channels, width = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
        offset = header.tell()
    assert (rate, channels, width) == (PCM_RATE, 1, 2)
    pcm = chunks[0][offset:] + b"".join(chunks[1:])
    whole = b"".join(chunks)
    assert len(pcm) / (rate * width) == pytest.approx(duration(whole, "wav"), abs=0.001)


def test_voices_as_plain_ids_for_clients_that_expect_strings(two_workers: Server) -> None:
    objects = httpx.get(two_workers.url + "/v1/audio/voices").json()["voices"]
    strings = httpx.get(two_workers.url + "/v1/audio/voices", params={"format": "strings"}).json()["voices"]
    assert strings == [v["id"] for v in objects]
    assert all(isinstance(s, str) and re.fullmatch(r"[a-z_]+", s) for s in strings)


def test_no_streamed_format_loses_its_last_word(two_workers: Server) -> None:
    """The decoded length of each streamed format against the pcm of the same request: longer by the
    codec's priming and padding at most, never shorter by more than 20 ms (another Kokoro server's opus
    streams lost their last second)."""
    lengths = {}
    for response_format in FORMATS:
        body = {"model": "tts-1", "voice": "bf_emma", "input": LAST_WORD, "response_format": response_format}
        with httpx.stream("POST", two_workers.url + "/v1/audio/speech", json=body, timeout=120) as response:
            assert response.status_code == 200
            data = b"".join(response.iter_bytes())
        lengths[response_format] = duration(data, response_format)
    FIGURES.append(
        "streamed length against pcm: "
        + ", ".join(f"{f} {1000 * (s - lengths['pcm']):+.0f} ms" for f, s in lengths.items() if f != "pcm")
    )
    for response_format, seconds in lengths.items():
        assert seconds >= lengths["pcm"] - MAX_SHORTER_S, (response_format, seconds, lengths["pcm"])
        assert seconds <= lengths["pcm"] + 0.1, (response_format, seconds, lengths["pcm"])
