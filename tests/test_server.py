"""A real `kokoro-speech serve --workers 2`: the OpenAI SDK, the shared cache, start-up failures."""

from __future__ import annotations

import base64
import json
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


def lanes_by_worker(server: Server) -> dict[str, dict[str, int]]:
    """Each worker's lane counters, asked on fresh connections until both workers answered."""
    seen: dict[str, dict[str, int]] = {}
    for _ in range(MAX_TRIES_FOR_OTHER_WORKER):
        response = server.get("/ready")
        seen[response.headers["x-worker-pid"]] = response.json()["lanes"]
        if len(seen) == 2:
            return seen
    pytest.fail("every request went to the same worker")


def test_a_cache_hit_is_byte_identical_on_the_other_worker_and_runs_no_model(two_workers: Server) -> None:
    url = two_workers.url + "/v1/audio/speech"
    body = {
        "model": "tts-1",
        "voice": "bm_george",
        "input": "Cached once, served by any worker.",
        "response_format": "opus",
    }
    first = httpx.post(url, json=body, timeout=120)
    assert first.status_code == 200 and first.headers["x-cache"] == "MISS"
    before = lanes_by_worker(two_workers)
    pids = {first.headers["x-worker-pid"]}
    for _ in range(MAX_TRIES_FOR_OTHER_WORKER):
        again = httpx.post(url, json=body, timeout=120)  # a new connection each time
        assert again.headers["x-cache"] == "HIT"
        assert again.content == first.content
        pids.add(again.headers["x-worker-pid"])
        if len(pids) == 2:
            break
    else:
        pytest.fail("every request went to the same worker")
    assert lanes_by_worker(two_workers) == before, "a cache hit must not run the model"
    started = time.perf_counter()
    httpx.post(url, json=body, timeout=120)
    print(f"\ncache hit round trip {1000 * (time.perf_counter() - started):.1f} ms")
    for change in ({"speed": 1.25}, {"voice": "bm_lewis"}, {"response_format": "mp3"}, {"input": "Cached twice?"}):
        assert httpx.post(url, json={**body, **change}, timeout=120).headers["x-cache"] == "MISS"


def test_sse_from_the_cache_carries_the_same_audio(two_workers: Server) -> None:
    body = {"model": "tts-1", "voice": "af_sky", "input": "Events, then the same events again.", "stream_format": "sse"}

    def events() -> tuple[str, bytes, dict[str, int]]:
        response = httpx.post(two_workers.url + "/v1/audio/speech", json=body, timeout=120)
        parsed = [json.loads(line[6:]) for line in response.text.splitlines() if line.startswith("data: ")]
        audio = b"".join(base64.b64decode(e["audio"]) for e in parsed if e["type"] == "speech.audio.delta")
        assert parsed[-1]["type"] == "speech.audio.done"
        return response.headers["x-cache"], audio, parsed[-1]["usage"]

    miss, hit = events(), events()
    assert (miss[0], hit[0]) == ("MISS", "HIT")
    assert hit[1] == miss[1] and hit[2] == miss[2]
    assert duration(hit[1], "mp3") > 1.5


def test_one_log_line_per_request_with_timings_and_never_the_text(two_workers: Server) -> None:
    secret = "Zanzibar marmalade quokka"
    httpx.post(
        two_workers.url + "/v1/audio/speech",
        timeout=120,
        json={"model": "tts-1", "voice": "nova", "input": f"{secret}.", "response_format": "wav"},
    )
    httpx.get(two_workers.url + "/v1/no-such-route")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        log = two_workers.log.read_text()
        if "no-such-route" in log:
            break
        time.sleep(0.1)
    assert secret not in log and "Zanzibar" not in log
    speech = [line for line in log.splitlines() if "voice=af_nova" in line and "format=wav" in line]
    assert len(speech) == 1
    for field in (
        "method=POST",
        "path=/v1/audio/speech",
        "status=200",
        "input_chars=26",
        "audio_s=",
        "ttfb_ms=",
        "total_ms=",
        "cache_hit=False",
    ):
        assert field in speech[0]
    assert any("path=/v1/no-such-route" in line and "status=404" in line for line in log.splitlines())


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
