"""Bodies that are not JSON a client could mean, sent to a real `kokoro-speech serve`: each is a 400 in OpenAI's
shape that says what is wrong, never a 500. Found by an independent check: arrays nested a few thousand deep and
bytes that are not UTF-8 were answered 500; a field given twice was taken silently."""

from __future__ import annotations

import httpx
import pytest

from tests.support import Server
from tests.support.errors import assert_openai_error

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


@pytest.mark.parametrize("route", list(FIELDS))
@pytest.mark.parametrize(("name", "rest", "param", "says"), CASES, ids=[case[0] for case in CASES])
def test_a_malformed_body_is_a_400_that_says_why(
    two_workers: Server, route: str, name: str, rest: bytes | None, param: str | None, says: str
) -> None:
    response = httpx.post(
        two_workers.url + route, content=body_for(route, rest), headers={"Content-Type": "application/json"}
    )
    error = assert_openai_error(response, 400, param)
    assert says in error["message"], error["message"]


@pytest.mark.parametrize("body", [b"", b"   ", b"[1, 2]", b'"Hi."', b"null", b"7"])
def test_a_body_that_is_not_an_object_is_a_400(two_workers: Server, body: bytes) -> None:
    response = httpx.post(
        two_workers.url + "/v1/audio/phonemize", content=body, headers={"Content-Type": "application/json"}
    )
    error = assert_openai_error(response, 400, None, "invalid_json")
    assert "'data'" not in error["message"], "the message speaks of the body, not of the framework's names"
