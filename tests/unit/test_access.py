"""API keys and rate limits on a real `kokoro-speech serve --workers 2`, as OpenAI's clients meet them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest

from kokoro_speech.api.access import KeysFileError, key_id
from kokoro_speech.api.access.keys import parse_line
from kokoro_speech.api.access.limits import duration as reset_duration
from tests.support import UNTUNED_SCHEDULE, Server, base_env, start_server

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


def test_a_keys_file_line_is_read_without_ever_echoing_a_key() -> None:
    key = parse_line("sk-a#b   rpm=5 cpm=700  # alice", "keys.txt line 1")
    assert key is not None and key.id == key_id("sk-a#b")
    assert (key.requests_per_minute, key.chars_per_minute) == (5, 700)
    assert parse_line("   # only a comment", "x") is None
    with pytest.raises(KeysFileError) as wrong_order:
        parse_line("rpm=60 sk-live-secret", "keys.txt line 2")
    assert "sk-live-secret" not in str(wrong_order.value) and "line 2" in str(wrong_order.value)


def test_reset_durations_read_like_openais() -> None:
    assert reset_duration(0.35) == "350ms"
    assert reset_duration(12.5) == "12.5s"
    assert reset_duration(60) == "1m0s"
    assert reset_duration(0.0) == "1ms"
