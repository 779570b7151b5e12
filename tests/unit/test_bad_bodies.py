"""Bodies that are not JSON a client could mean, sent to a real `kokoro-speech serve`: each is a 400 in OpenAI's
shape that says what is wrong, never a 500. Found by an independent check: arrays nested a few thousand deep and
bytes that are not UTF-8 were answered 500; a field given twice was taken silently."""

from __future__ import annotations

import pytest

from kokoro_speech.api.body import MAX_JSON_DEPTH, MAX_KEY_CHARS, check_json_body
from kokoro_speech.api.errors import OpenAIError

FIELDS = {
    "/v1/audio/speech": b'"model": "tts-1", "voice": "alloy", ',
    "/v1/audio/speech/timestamps": b'"model": "tts-1", "voice": "alloy", ',
    "/v1/audio/phonemize": b"",
}


def deep(kind: bytes, depth: int) -> bytes:
    close = b"]" if kind == b"[" else b"}"
    inner = b"[" * depth + b"]" * depth if kind == b"[" else b'{"a": ' * depth + b"1" + close * depth
    return inner


# (name, body after the route's own fields, the param named or None, words the message must hold)
CASES = [
    ("a deep array", b'"input": ' + deep(b"[", 3000) + b"}", None, "deep"),
    ("a deep object", b'"input": "Hi.", "extra": ' + deep(b"{", 3000) + b"}", None, "deep"),
    ("not UTF-8", b'"input": "caf\xe9"}', None, "UTF-8"),
    ("a byte order mark", None, None, "byte order mark"),
    ("a field twice", b'"input": "first", "input": "second"}', "input", "more than once"),
    ("a long field name", b'"input": "Hi.", "' + b"k" * 60000 + b'": 1}', None, "field name"),
    ("an escaped NUL", b'"input": "a\\u0000b"}', "input", "NUL"),
    ("a raw NUL", b'"input": "a\x00b"}', None, "parse"),
    ("an unpaired surrogate", b'"input": "a\\ud800b"}', "input", "surrogate"),
    ("a huge integer", b'"input": "Hi.", "speed": 1' + b"0" * 5000 + b"}", None, "parse"),
    ("a huge number", b'"input": "Hi.", "speed": 1e400}', None, "parse"),
    ("NaN", b'"input": "Hi.", "speed": NaN}', None, "parse"),
    ("trailing bytes", b'"input": "Hi."} x', None, "parse"),
]


def body_for(route: str, rest: bytes | None) -> bytes:
    if rest is None:  # the byte order mark case: a good body behind it
        return b"\xef\xbb\xbf{" + FIELDS[route] + b'"input": "Hi."}'
    return b"{" + FIELDS[route] + rest


def test_what_a_client_may_send_passes() -> None:
    # Escaped and plain non-ASCII text, the deepest nesting allowed, the longest name allowed, whitespace around.
    check_json_body(b' {"input": "caf\\u00e9 na\xc3\xafve \xf0\x9f\x98\x80", "voice": {"id": "af_heart"}} \n')
    check_json_body(b'{"a": ' + deep(b"[", MAX_JSON_DEPTH - 1) + b"}")
    check_json_body(b'{"' + b"k" * MAX_KEY_CHARS + b'": "x"}')
    # Brackets inside strings are text, not nesting.
    check_json_body(b'{"input": "' + b"[" * 1000 + b'\\"{{"}')
    with pytest.raises(OpenAIError):
        check_json_body(b'{"a": ' + deep(b"[", MAX_JSON_DEPTH) + b"}")
