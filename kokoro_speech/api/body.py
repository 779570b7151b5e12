"""The JSON bodies the API takes, checked before they are decoded.

Litestar decodes a body into Python objects before it converts them to a schema, and some bodies
break that step instead of failing it: arrays nested thousands deep exhaust the decoder's
recursion, bytes that are not UTF-8 escape as a Unicode error. Both were answered 500. Others pass
it but mean nothing a client could have wanted: a field given twice (the last silently won), a
NUL character or an unpaired surrogate inside a string. Each is refused here with a 400 in OpenAI's
shape that says what is wrong and where.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from litestar import Request

from kokoro_speech.api.errors import OpenAIError

MAX_JSON_DEPTH = 32
"""Deepest nesting of arrays and objects accepted; the API's deepest field (a voice object) is two."""
MAX_KEY_CHARS = 128
"""Longest field name accepted; the API's longest is under 20."""

_UTF8_BOM = b"\xef\xbb\xbf"
# Unrolled and possessive: a string is matched in one pass holding no state per character (the plain
# `"(?:[^"\\]|\\.)*"` held about 140 bytes per character of one string: 75 MB for a book's 500 KB).
_STRING = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


def refused(message: str, *, param: str | None = None) -> OpenAIError:
    return OpenAIError(
        400, f"We could not parse the JSON body of your request: {message}.", param=param, code="invalid_json"
    )


def check_json_body(raw: bytes) -> None:
    """Raise a 400 for a body that is not one well-formed JSON document the API could mean."""
    if not raw.strip():
        raise refused("the body is empty; send a JSON object")
    if raw.startswith(_UTF8_BOM):
        raise refused("it starts with a byte order mark; send UTF-8 without one")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise refused(f"it is not valid UTF-8 (byte {error.start})") from None
    depth = deepest = 0
    for bracket in _BRACKET.findall(_STRING.sub(b"", raw)):
        depth += 1 if bracket in (b"[", b"{") else -1
        deepest = max(deepest, depth)
    if deepest > MAX_JSON_DEPTH:
        raise refused(f"it nests arrays and objects {deepest} deep, more than {MAX_JSON_DEPTH}")
    try:
        document = json.loads(text, object_pairs_hook=_unique_fields)
    except OpenAIError:
        raise
    except ValueError:
        return  # malformed: the decoder that follows says where, in its own words
    _check_strings(document, None)


def _unique_fields(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, value in pairs:
        if len(key) > MAX_KEY_CHARS:
            raise refused(f"a field name is {len(key)} characters long, more than {MAX_KEY_CHARS}")
        if key in fields:
            raise refused(f"the field '{key}' is given more than once", param=key)
        fields[key] = value
    return fields


def _check_strings(value: Any, field: str | None) -> None:
    """NUL characters and unpaired surrogates in any string, named by the top-level field they are under."""
    if isinstance(value, str):
        if "\x00" in value:
            raise refused(f"'{field}' contains a NUL character (\\u0000)", param=field)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise refused(f"'{field}' contains an unpaired surrogate", param=field) from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(item, field or key)
    elif isinstance(value, list):
        for item in value:
            _check_strings(item, field)


class CheckedJsonRequest(Request[Any, Any, Any]):
    """Litestar's request, whose body must arrive in time and whose JSON is checked (:func:`check_json_body`)
    before it is decoded."""

    body_timeout_seconds: float = 10.0

    async def body(self) -> bytes:
        try:
            async with asyncio.timeout(self.body_timeout_seconds):
                return await super().body()
        except TimeoutError:
            raise OpenAIError(
                408,
                f"The request body did not arrive within {self.body_timeout_seconds:g} s.",
                code="request_timeout",
            ) from None

    async def json(self) -> Any:
        check_json_body(await self.body())
        return await super().json()


def checked_json_request(body_timeout_seconds: float) -> type[CheckedJsonRequest]:
    """The request class of the API's routes: bodies that take longer than ``body_timeout_seconds`` get 408."""
    return type("CheckedJsonRequest", (CheckedJsonRequest,), {"body_timeout_seconds": body_timeout_seconds})
