"""API keys and rate limits on a real `kokoro-speech serve --workers 2`, as OpenAI's clients meet them."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
import websockets

from kokoro_speech.api.access import key_id
from kokoro_speech.api.access.keys import ID_SECRET_FILE
from tests.support import UNTUNED_SCHEDULE, Server, base_env, start_server, wait_for
from tests.support.audio import decode, level_dbfs
from tests.support.live import Heard, read_until_closed, socket_url

INLINE_KEY = "sk-inline-0123456789"
SECOND_KEY = "sk-inline-second"
LIMITED_KEY = "sk-file-limited-aaaa"
"""Its own request limit in the keys file: the test of limits shared by the workers counts on it."""
SHORT_KEY = "sk-file-chars-bbbbbb"
"""Its own character limit in the keys file."""
LIMITED_RPM = 12
SHORT_CPM = 40
SERVER_RPM = 1000
SERVER_CPM = 100000
MAX_REQUESTS_TO_SEE_BOTH_WORKERS = 40


def keys_file(rotated: str) -> str:
    return (
        "# the team's keys\n"
        f"{LIMITED_KEY}   rpm={LIMITED_RPM}\n"
        f"{SHORT_KEY} cpm={SHORT_CPM}  # a narrow one\n"
        f"{rotated}\n"
    )


@pytest.fixture(scope="module")
def keys_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("keys") / "keys.txt"
    path.write_text(keys_file("sk-rotated-before-1"))
    return path


@pytest.fixture(scope="module")
def guarded(home: Path, tmp_path_factory: pytest.TempPathFactory, keys_path: Path) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("guarded")
    env = base_env(
        home,
        tmp,
        api_keys=f"{INLINE_KEY}, {SECOND_KEY}",
        api_keys_file=str(keys_path),
        rate_limit_requests_per_minute=str(SERVER_RPM),
        rate_limit_chars_per_minute=str(SERVER_CPM),
        **UNTUNED_SCHEDULE,
    )
    server = start_server(env, tmp / "server.log", workers=2)
    yield server
    server.stop()


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def sdk(server: Server, key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.url + "/v1", api_key=key, max_retries=0)


def phonemize(server: Server, key: str, text: str = "Hello there.") -> httpx.Response:
    return server.post("/v1/audio/phonemize", json={"input": text}, headers=bearer(key))


SPEECH = {"model": "tts-1", "voice": "af_heart", "input": "A key opens the door."}


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer sk-wrong"}, {"Authorization": "undefined"}, {"Authorization": "Basic abc"}],
    ids=["missing", "wrong", "undefined", "not-bearer"],
)
def test_a_missing_or_wrong_key_gets_openais_401(guarded: Server, headers: dict[str, str]) -> None:
    response = guarded.post("/v1/audio/speech", json=SPEECH, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and error["code"] == "invalid_api_key"
    assert error["param"] is None and error["message"]
    assert "sk-wrong" not in response.text
    # Answered through the request log like any other answer: logged with its status, by this worker.
    assert response.headers["x-worker-pid"]
    named = response.headers["x-request-id"]
    wait_for(
        lambda: any(
            "path=/v1/audio/speech" in line and "status=401" in line and named in line
            for line in guarded.log.read_text().splitlines()
        ),
        "the 401 in the log",
    )


def test_the_right_key_is_answered_and_logged_by_its_id_only(guarded: Server) -> None:
    response = guarded.post("/v1/audio/speech", json=SPEECH | {"response_format": "wav"}, headers=bearer(INLINE_KEY))
    assert response.status_code == 200
    samples, rate = decode(response.content, "wav")
    assert len(samples) / rate > 1.0 and level_dbfs(samples) > -35
    # The request's log line is written once its response is sent: on a busy machine, after the client has it.
    # Named by an HMAC under the secret the workers share, kept in the server's cache folder.
    named = key_id(INLINE_KEY, (guarded.log.parent / ID_SECRET_FILE).read_bytes())
    wait_for(lambda: f"key={named}" in guarded.log.read_text(), "the request's log line")
    log = guarded.log.read_text()
    assert INLINE_KEY not in log and "sk-wrong" not in log


def test_one_key_cannot_learn_what_another_key_had_synthesized(guarded: Server) -> None:
    guessed = SPEECH | {"input": "The quarterly figures are confidential until Friday.", "response_format": "wav"}
    made = guarded.post("/v1/audio/speech", json=guessed, headers=bearer(INLINE_KEY))
    assert made.status_code == 200 and made.headers["x-cache"] == "MISS"
    wait_for(
        lambda: guarded.post("/v1/audio/speech", json=guessed, headers=bearer(INLINE_KEY)).headers["x-cache"] == "HIT",
        "the first key's response stored",
    )
    other = guarded.post("/v1/audio/speech", json=guessed, headers=bearer(SECOND_KEY))
    assert other.status_code == 200
    assert other.headers["x-cache"] == "MISS", "answered from another key's entry: its text was learned"


def test_the_sdk_raises_authentication_error_and_works_with_a_key(guarded: Server) -> None:
    with pytest.raises(openai.AuthenticationError) as refused:
        sdk(guarded, "sk-not-a-key").audio.speech.create(model="tts-1", voice="alloy", input="No entry.")
    assert refused.value.code == "invalid_api_key"
    speech = sdk(guarded, SECOND_KEY).audio.speech.create(model="tts-1", voice="alloy", input="Come in.")
    samples, rate = decode(speech.content, "mp3")
    assert len(samples) / rate > 0.5


def test_probes_and_lists_stay_open(guarded: Server) -> None:
    for path in ("/", "/health", "/ready", "/v1/models", "/v1/models/tts-1", "/v1/audio/models", "/v1/audio/voices"):
        assert guarded.get(path).status_code == 200, path
    assert guarded.get("/v1/audio/voices", headers={"Authorization": "undefined"}).status_code == 200
    preflight = httpx.options(
        guarded.url + "/v1/audio/speech",
        headers={"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code in (200, 204)


def test_ready_tells_its_details_only_to_a_key_holder_when_keys_are_on(guarded: Server) -> None:
    for headers in ({}, bearer("sk-wrong")):
        answer = guarded.get("/ready", headers=headers)
        assert answer.status_code == 200 and answer.json() == {"status": "ready"}, headers
    detailed = guarded.get("/ready", headers=bearer(INLINE_KEY)).json()
    assert detailed["status"] == "ready" and {"model", "lanes"} <= set(detailed)


def test_an_open_server_ignores_authorization_undefined(two_workers: Server) -> None:
    response = two_workers.post("/v1/audio/phonemize", json={"input": "Open."}, headers={"Authorization": "undefined"})
    assert response.status_code == 200
    assert not any(name.startswith("x-ratelimit") for name in response.headers)


def test_limited_responses_carry_openais_headers(guarded: Server) -> None:
    response = guarded.post("/v1/audio/speech", json=SPEECH | {"response_format": "pcm"}, headers=bearer(INLINE_KEY))
    assert response.status_code == 200
    h = response.headers
    assert h["x-ratelimit-limit-requests"] == str(SERVER_RPM)
    assert int(h["x-ratelimit-remaining-requests"]) < SERVER_RPM
    assert h["x-ratelimit-limit-tokens"] == str(SERVER_CPM)
    assert int(h["x-ratelimit-remaining-tokens"]) <= SERVER_CPM - len(SPEECH["input"])
    for name in ("x-ratelimit-reset-requests", "x-ratelimit-reset-tokens"):
        assert h[name].endswith("s") and h[name][0].isdigit()


def test_a_request_over_the_limit_is_429_before_any_work(guarded: Server) -> None:
    text = "x" * (SHORT_CPM - 5)
    first = phonemize(guarded, SHORT_KEY, text)
    assert first.status_code == 200
    assert first.headers["x-ratelimit-limit-tokens"] == str(SHORT_CPM)
    assert first.headers["x-ratelimit-limit-requests"] == str(SERVER_RPM)
    started = time.monotonic()
    refused = guarded.post("/v1/audio/speech", json=SPEECH | {"input": "Ten chars!"}, headers=bearer(SHORT_KEY))
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert error["code"] == "rate_limit_exceeded" and error["type"] == "tokens"
    assert "Limit 40" in error["message"]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["x-ratelimit-remaining-tokens"] == "5"
    # Refused before the text was even read, let alone synthesized.
    assert time.monotonic() - started < 5
    wait_for(lambda: "status=429" in guarded.log.read_text(), "the 429's log line")
    assert "completed=True" not in [line for line in guarded.log.read_text().splitlines() if "status=429" in line][-1]
    with pytest.raises(openai.RateLimitError) as limited:
        sdk(guarded, SHORT_KEY).audio.speech.create(model="tts-1", voice="alloy", input="Still too much text.")
    assert limited.value.code == "rate_limit_exceeded"

    # An input longer than the limit itself can never fit: no wait is offered, and the SDK is told not to retry.
    never = phonemize(guarded, SHORT_KEY, "y" * (SHORT_CPM + 1))
    assert never.status_code == 429 and "Request too large" in never.json()["error"]["message"]
    assert never.headers["x-should-retry"] == "false" and "retry-after" not in never.headers


def test_a_request_limit_holds_across_both_workers(guarded: Server) -> None:
    answered: list[httpx.Response] = []
    for _ in range(MAX_REQUESTS_TO_SEE_BOTH_WORKERS):
        response = phonemize(guarded, LIMITED_KEY)
        answered.append(response)
        if response.status_code == 429:
            break
    statuses = [r.status_code for r in answered]
    assert statuses == [200] * LIMITED_RPM + [429], statuses
    assert [r.headers["x-ratelimit-remaining-requests"] for r in answered[:-1]] == [
        str(LIMITED_RPM - n) for n in range(1, LIMITED_RPM + 1)
    ]
    workers = {r.headers["x-worker-pid"] for r in answered}
    if len(workers) < 2:
        pytest.fail(f"all {len(answered)} requests went to one worker: the sharing was not exercised")
    assert answered[-1].json()["error"]["type"] == "requests"


def test_keys_file_is_reread_when_it_changes_and_on_sighup(guarded: Server, keys_path: Path) -> None:
    assert phonemize(guarded, "sk-rotated-before-1").status_code == 200
    keys_path.write_text(keys_file("sk-rotated-after-11"))
    # Each worker rereads on its next request: both have, once both have answered with the new key.
    wait_for(lambda: accepted_by_both(guarded, "sk-rotated-after-11"), "both workers taking the rewritten file")
    assert phonemize(guarded, "sk-rotated-before-1").status_code == 401

    # Rewritten in place with the same size and time: only SIGHUP tells the workers.
    stat = keys_path.stat()
    with keys_path.open("r+") as f:
        f.write(keys_file("sk-rotated-hup-0001"))
    os.utime(keys_path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert keys_path.stat().st_size == stat.st_size
    assert phonemize(guarded, "sk-rotated-hup-0001").status_code == 401
    guarded.process.send_signal(signal.SIGHUP)
    wait_for(lambda: accepted_by_both(guarded, "sk-rotated-hup-0001"), "both workers accepting the key after SIGHUP")
    assert guarded.process.poll() is None, "SIGHUP must not stop the server"


def accepted_by_both(server: Server, key: str) -> bool:
    """Whether ``key`` is taken by both workers (False as soon as one refuses it)."""
    pids = set()
    for _ in range(MAX_REQUESTS_TO_SEE_BOTH_WORKERS):
        response = phonemize(server, key)
        if response.status_code != 200:
            return False
        pids.add(response.headers["x-worker-pid"])
        if len(pids) == 2:
            return True
    return False


async def test_the_stream_input_socket_takes_keys_as_elevenlabs_clients_send_them(guarded: Server) -> None:
    async def answered(headers: dict[str, str], *messages: dict[str, object]) -> tuple[list[dict[str, Any]], int]:
        heard = Heard()
        url = socket_url(guarded.url, "af_heart", "stream-input", output_format="pcm_16000")
        async with websockets.connect(url, additional_headers=headers) as socket:
            for message in messages:
                await socket.send(json.dumps(message))
            code = await read_until_closed(socket, heard, time.monotonic())
        assert code is not None
        return heard.messages, code

    for refused in ({}, {"xi-api-key": "sk-wrong"}):
        messages, code = await answered(refused, {"text": " "})
        assert code == 1008 and messages[-1]["error"] == "invalid_api_key", refused
    # The key as a header, as Pipecat and LiveKit send it, or in the first message, as ElevenLabs' examples do.
    messages, code = await answered({"xi-api-key": INLINE_KEY}, {"text": " "}, {"text": "Hi. "}, {"text": ""})
    assert code == 1000 and messages[-1] == {"isFinal": True} and any(m.get("audio") for m in messages)
    messages, code = await answered({}, {"text": " ", "xi_api_key": SECOND_KEY}, {"text": ""})
    assert code == 1000 and messages == [{"isFinal": True}]
    # Characters count against the key's limit as they come.
    messages, code = await answered({"xi-api-key": SHORT_KEY}, {"text": " "}, {"text": "z" * (SHORT_CPM + 1)})
    assert code == 1008 and messages[-1]["error"] == "rate_limit_exceeded"
