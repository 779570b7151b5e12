"""What a client may send passes the body checks (pure logic; the refusals, on a real server, are
``tests/server/test_bad_bodies.py``)."""

from __future__ import annotations

import pytest

from kokoro_speech.api.body import MAX_JSON_DEPTH, MAX_KEY_CHARS, check_json_body
from kokoro_speech.api.errors import OpenAIError


def deep(kind: bytes, depth: int) -> bytes:
    close = b"]" if kind == b"[" else b"}"
    inner = b"[" * depth + b"]" * depth if kind == b"[" else b'{"a": ' * depth + b"1" + close * depth
    return inner


def test_what_a_client_may_send_passes() -> None:
    # Escaped and plain non-ASCII text, the deepest nesting allowed, the longest name allowed, whitespace around.
    check_json_body(b' {"input": "caf\\u00e9 na\xc3\xafve \xf0\x9f\x98\x80", "voice": {"id": "af_heart"}} \n')
    check_json_body(b'{"a": ' + deep(b"[", MAX_JSON_DEPTH - 1) + b"}")
    check_json_body(b'{"' + b"k" * MAX_KEY_CHARS + b'": "x"}')
    # Brackets inside strings are text, not nesting.
    check_json_body(b'{"input": "' + b"[" * 1000 + b'\\"{{"}')
    with pytest.raises(OpenAIError):
        check_json_body(b'{"a": ' + deep(b"[", MAX_JSON_DEPTH) + b"}")
