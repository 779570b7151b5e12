"""What a client may send passes the body checks (pure logic; the refusals, on a real server, are
``tests/server/test_bad_bodies.py``)."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Iterator

import msgspec
import pytest

from kokoro_speech.api.body import MAX_JSON_DEPTH, MAX_KEY_CHARS, check_json_body
from kokoro_speech.api.errors import OpenAIError
from kokoro_speech.api.schemas import PhonemizeRequest, SpeechRequest
from kokoro_speech.engine.voices import MAX_VOICE_SPEC_CHARS


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


def _unlimited_strings(info: msgspec.inspect.Type, path: str) -> Iterator[str]:
    """The paths of the strings under ``info`` that a client could make as long as it likes."""
    if isinstance(info, msgspec.inspect.StrType):
        if info.max_length is None:
            yield path
    elif isinstance(info, msgspec.inspect.Metadata):
        yield from _unlimited_strings(info.type, path)
    elif isinstance(info, msgspec.inspect.UnionType):
        for member in info.types:
            yield from _unlimited_strings(member, path)
    elif isinstance(info, msgspec.inspect.StructType):
        for field in info.fields:
            yield from _unlimited_strings(field.type, f"{path}.{field.name}")


@pytest.mark.parametrize("struct", [SpeechRequest, PhonemizeRequest])
def test_every_free_string_of_a_request_has_a_length_limit(struct: type[msgspec.Struct]) -> None:
    # ``input`` is bounded by the server's own setting, checked as soon as the body is decoded.
    assert list(_unlimited_strings(msgspec.inspect.type_info(struct), "$")) == ["$.input"]


def test_a_voice_too_long_to_parse_cheaply_is_refused_as_the_body_is_decoded() -> None:
    body = {"model": "tts-1", "input": "Hi.", "voice": "af_bella(" + "1" * 60_000 + "x)"}
    with pytest.raises(msgspec.ValidationError, match=r"\$\.voice"):
        msgspec.convert(body, SpeechRequest)
    longest = "af_bella(1)+" * (MAX_VOICE_SPEC_CHARS // len("af_bella(1)+"))
    assert msgspec.convert({**body, "voice": longest}, SpeechRequest).voice_id == longest


def test_a_book_sized_body_is_checked_in_memory_about_its_own_size() -> None:
    # A job's body is a book: its check once held about 140 bytes per character of one string (75 MB for 500 KB).
    text = 'A line of a long book, with a "quote" and a \\ backslash.\n' * 10_000
    raw = json.dumps({"input": text, "nested": [["[", "]"]]}).encode()
    tracemalloc.start()
    try:
        check_json_body(raw)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * len(raw), f"{peak} bytes to check {len(raw)}"
