"""The edge without a server: a keys file's lines read without ever echoing a key, keys' ids, the routes open
without a key, the names and origins admitted, and reset durations written as OpenAI writes them (the server's
side is ``tests/server/test_access.py``)."""

from __future__ import annotations

import hashlib
import re
import socket
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from litestar import Request

from kokoro_speech.api.access import ApiKeys, KeysFileError, key_id
from kokoro_speech.api.access.auth import open_paths
from kokoro_speech.api.access.hosts import host_rule
from kokoro_speech.api.access.keys import ID_SECRET_FILE, KEY_ID_HEX_DIGITS, id_secret, parse_line
from kokoro_speech.api.access.limits import duration as reset_duration
from kokoro_speech.api.access.origins import cors_config
from kokoro_speech.api.health import may_see_details

ID_SECRET = b"the server's own"


def test_a_keys_file_line_is_read_without_ever_echoing_a_key() -> None:
    key = parse_line("sk-a#b   rpm=5 cpm=700  # alice", "keys.txt line 1", ID_SECRET)
    assert key is not None and key.id == key_id("sk-a#b", ID_SECRET)
    assert (key.requests_per_minute, key.chars_per_minute) == (5, 700)
    assert parse_line("   # only a comment", "x", ID_SECRET) is None
    with pytest.raises(KeysFileError) as wrong_order:
        parse_line("rpm=60 sk-live-secret", "keys.txt line 2", ID_SECRET)
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


def test_a_loopback_server_answers_to_local_names_and_addresses_only() -> None:
    rule = host_rule("127.0.0.1", [])
    assert rule is not None
    for host in ("127.0.0.1:8880", "localhost:8880", "[::1]:8880", "192.168.1.20", "app.localhost", "box.local", ""):
        assert rule.allows(host), host
    for host in ("evil.example", "evil.example:8880", "localhost.evil.example", "local"):
        assert not rule.allows(host), host
    assert rule.allows(f"{socket.gethostname()}:8880")  # the machine's own name
    named = host_rule("::1", ["tts.example.com", "*.corp.example"])
    assert named is not None and named.allows("tts.example.com:443") and named.allows("a.corp.example")
    assert not named.allows("corp.example") and not named.allows("evil.example")


def test_a_server_bound_elsewhere_answers_every_name_unless_told_which() -> None:
    assert host_rule("0.0.0.0", []) is None
    assert host_rule("127.0.0.1", ["*"]) is None
    told = host_rule("0.0.0.0", ["tts.example.com"])
    assert told is not None and told.allows("tts.example.com") and not told.allows("evil.example")


def test_only_pages_of_this_machine_and_named_origins_may_call_by_default() -> None:
    loopback = cors_config([], [])
    for origin in ("http://localhost:3000", "https://127.0.0.1", "http://[::1]:8880", "http://localhost"):
        assert loopback.is_origin_allowed(origin), origin
    for origin in ("https://evil.example", "http://localhost.evil.example", "http://127.0.0.1.evil.example:80"):
        assert not loopback.is_origin_allowed(origin), origin
    named = cors_config(["https://app.example/"], [])
    assert named.is_origin_allowed("https://app.example") and not named.is_origin_allowed("https://evil.example")
    assert cors_config(["*"], []).is_origin_allowed("https://evil.example")


def test_a_keys_id_cannot_be_matched_by_hashing_guesses() -> None:
    weak = "sk-password1"
    named = key_id(weak, ID_SECRET)
    assert len(named) == KEY_ID_HEX_DIGITS
    assert named != hashlib.sha256(weak.encode()).hexdigest()[:KEY_ID_HEX_DIGITS]
    assert named != key_id(weak, b"another server's")
    assert key_id(weak, ID_SECRET) == named


def test_every_worker_and_restart_names_a_key_with_the_same_kept_secret(tmp_path: Path) -> None:
    path = tmp_path / "cache" / ID_SECRET_FILE
    with ThreadPoolExecutor(max_workers=8) as workers:
        made = set(workers.map(lambda _: id_secret("", path), range(32)))
    assert len(made) == 1 and len(next(iter(made))) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert sorted(p.name for p in path.parent.iterdir()) == [ID_SECRET_FILE]
    assert id_secret("", path) in made
    assert id_secret("set by the operator", path) == b"set by the operator"


def request_from(peer: str | None, authorization: str | None = None) -> Request[Any, Any, Any]:
    headers = [(b"authorization", authorization.encode())] if authorization else []
    scope = {"type": "http", "method": "GET", "path": "/ready", "headers": headers, "query_string": b""}
    return Request({**scope, "client": (peer, 1234) if peer else None})  # type: ignore[arg-type]


def test_ready_details_go_to_this_machine_when_keys_are_off_and_to_key_holders_when_on() -> None:
    for local in ("127.0.0.1", "::1", None, "testclient"):
        assert may_see_details(request_from(local), None), local
    for remote in ("10.0.0.5", "203.0.113.9", "2001:db8::1"):
        assert not may_see_details(request_from(remote), None), remote
    keys = ApiKeys(["sk-holder"], None, ID_SECRET)
    assert may_see_details(request_from("203.0.113.9", "Bearer sk-holder"), keys)
    for peer, authorization in (("127.0.0.1", None), ("127.0.0.1", "Bearer sk-wrong"), ("10.0.0.5", "Basic x")):
        assert not may_see_details(request_from(peer, authorization), keys), (peer, authorization)
