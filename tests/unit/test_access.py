"""API keys and rate limits without a server: a keys file's lines read without ever echoing a key, and reset
durations written as OpenAI writes them (the server's side is ``tests/server/test_access.py``)."""

from __future__ import annotations

import re

import pytest

from kokoro_speech.api.access import KeysFileError, key_id
from kokoro_speech.api.access.auth import open_paths
from kokoro_speech.api.access.keys import parse_line
from kokoro_speech.api.access.limits import duration as reset_duration


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


def bypasses_keys(prefix: str, path: str) -> bool:
    """Whether Litestar's authentication middleware lets ``path`` through without a key (it searches the
    joined patterns in the request's path)."""
    return bool(re.compile("|".join(open_paths(prefix))).findall(path))


def test_only_the_catalog_routes_themselves_are_open_without_a_key() -> None:
    for path in ("/v1/models", "/v1/models/tts-1", "/v1/audio/models", "/v1/audio/voices"):
        assert bypasses_keys("/v1", path), path
    for path in (
        "/v1/models/tts-1/more",
        "/v1/modelsextra",
        "/v1/audio/voices/x",
        "/v1/audio/voices\n",
        "/v1/audio/modelsx",
        "/v1/audio/speech",
        "/x/v1/models",
    ):
        assert not bypasses_keys("/v1", path), path
    # The prefix is a path, not a pattern: its dot matches only a dot.
    assert bypasses_keys("/api.v1/", "/api.v1/audio/voices")
    assert not bypasses_keys("/api.v1", "/apiXv1/audio/voices")
