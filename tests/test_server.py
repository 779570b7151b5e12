"""A real `kokoro-speech serve --workers 2`: the OpenAI SDK, the shared cache, start-up failures."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import openai
import pytest

from tests.audio import decode, duration, level_dbfs
from tests.conftest import REPO, Server, base_env, free_port

MAX_TRIES_FOR_OTHER_WORKER = 60


def sdk(server: Server) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.url + "/v1", api_key="not-needed")


def test_openai_sdk_plain(two_workers: Server) -> None:
    response = sdk(two_workers).audio.speech.create(
        model="tts-1", voice="alloy", input="Hello from the OpenAI client library."
    )
    samples, rate = decode(response.content, "mp3")
    assert len(samples) / rate > 1.5 and level_dbfs(samples) > -35


def test_openai_sdk_streaming(two_workers: Server) -> None:
    pieces = []
    with sdk(two_workers).audio.speech.with_streaming_response.create(
        model="gpt-4o-mini-tts",
        voice="coral",
        response_format="wav",
        input="Streaming through the SDK. It arrives piece by piece, as it is made.",
    ) as response:
        assert response.headers["content-type"] == "audio/wav"
        pieces = list(response.iter_bytes())
    assert len(pieces) >= 2
    assert duration(b"".join(pieces), "wav") > 3


def test_openai_sdk_errors(two_workers: Server) -> None:
    client = sdk(two_workers)
    with pytest.raises(openai.NotFoundError) as missing:
        client.audio.speech.create(model="tts-2", voice="alloy", input="x")
    assert missing.value.code == "model_not_found"
    with pytest.raises(openai.BadRequestError) as bad:
        client.audio.speech.create(model="tts-1", voice="nobody", input="x")
    assert bad.value.param == "voice"


def test_a_cache_hit_is_byte_identical_on_the_other_worker(two_workers: Server) -> None:
    body = {
        "model": "tts-1",
        "voice": "bm_george",
        "input": "Cached once, served by any worker.",
        "response_format": "opus",
    }
    first = httpx.post(two_workers.url + "/v1/audio/speech", json=body, timeout=120)
    assert first.status_code == 200 and first.headers["x-cache"] == "MISS"
    first_pid = first.headers["x-worker-pid"]
    for _ in range(MAX_TRIES_FOR_OTHER_WORKER):
        again = httpx.post(two_workers.url + "/v1/audio/speech", json=body, timeout=120)  # new connection
        assert again.headers["x-cache"] == "HIT"
        assert again.content == first.content
        if again.headers["x-worker-pid"] != first_pid:
            break
    else:
        pytest.fail("every request went to the same worker")
    started = time.perf_counter()
    httpx.post(two_workers.url + "/v1/audio/speech", json=body, timeout=120)
    print(f"\ncache hit round trip {1000 * (time.perf_counter() - started):.1f} ms")
    changed = httpx.post(two_workers.url + "/v1/audio/speech", json={**body, "speed": 1.25}, timeout=120)
    assert changed.headers["x-cache"] == "MISS"


def test_serve_without_model_files_fails_at_once_naming_them(tmp_path: Path) -> None:
    env = base_env(tmp_path / "empty-home", tmp_path / "empty-cache")
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "kokoro_speech.cli", "serve", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert result.returncode != 0
    assert time.monotonic() - started < 30
    for expected in (
        "kokoro-v1.0.int8.onnx",
        "voices-v1.0.bin",
        str(tmp_path / "empty-home"),
        "kokoro-speech download",
    ):
        assert expected in result.stderr
