"""What the OpenAPI document says beyond the handlers' own types: OpenAI's error shape for every error status
a route can answer, the audio and event-stream bodies of speech, and the text of a Prometheus scrape.

Litestar documents a handler's success type and, for a body it validates, its own validation error; the
errors this server sends are OpenAI's (``api/errors.py``), and its speech is bytes whose type depends on the
request. Clients generated from the document, and fuzzers that hold the server to it, need both said.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIFormat, OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Operation, Schema

from kokoro_speech.audio.formats import FORMATS


class ErrorDetail(msgspec.Struct):
    message: str
    """What went wrong, for a person; a 500 names the request ID to report it with."""
    type: str
    """``invalid_request_error`` for a 4xx, ``server_error`` for a 5xx."""
    param: str | None
    """The request field at fault, where there is one."""
    code: str | None
    """A stable name for the error (``model_not_found``, ``rate_limit_exceeded``...)."""


class ErrorBody(msgspec.Struct):
    """OpenAI's error shape, which every error of this server has."""

    error: ErrorDetail


_ERRORS = {
    400: "The body is not a JSON object the route takes, or a value is invalid (`param` names it).",
    401: "API keys are on and the request has none, or a key this server does not know.",
    404: "The model does not exist.",
    408: "The body did not arrive within the server's body timeout.",
    413: "The body is larger than the server takes.",
    429: "The caller's rate limit is reached; `Retry-After` says when to try again.",
    500: "The server failed; the message names the request ID (also in `X-Request-Id`).",
    503: "The server is busy or its model is still loading; `Retry-After` says when to try again.",
    504: "Making the whole answer took longer than the server's request time limit.",
}

SPEECH_ERRORS = (400, 401, 404, 408, 413, 429, 500, 503)
TEXT_ERRORS = (400, 401, 408, 413, 429, 500, 503)
LIST_ERRORS = (401, 500, 503)


def error_responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAI's error shape documented for each of ``statuses``."""
    return {
        status: ResponseSpec(ErrorBody, description=_ERRORS[status], generate_examples=False) for status in statuses
    }


def _bytes(description: str) -> OpenAPIMediaType:
    return OpenAPIMediaType(
        schema=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY, description=description)
    )


def _object(description: str, **properties: Schema) -> Schema:
    return Schema(
        type=OpenAPIType.OBJECT, description=description, properties=dict(properties), required=list(properties)
    )


def _constant(value: str) -> Schema:
    return Schema(type=OpenAPIType.STRING, const=value)


_STRING = Schema(type=OpenAPIType.STRING)
_WORDS = Schema(
    type=OpenAPIType.ARRAY,
    items=_object(
        "A word as written, and when it is heard (seconds from the start of the audio).",
        word=_STRING,
        start=Schema(type=OpenAPIType.NUMBER),
        end=Schema(type=OpenAPIType.NUMBER),
    ),
)
_USAGE = Schema(
    type=OpenAPIType.OBJECT,
    properties={name: Schema(type=OpenAPIType.INTEGER) for name in ("input_tokens", "output_tokens", "total_tokens")},
    required=["input_tokens", "output_tokens", "total_tokens"],
)


def _speech_event() -> Schema:
    """One server-sent event of ``stream_format: sse`` (in OpenAPI 3.1 the media type's schema is each event's)."""
    delta = _object("Audio, base64 in `response_format`.", type=_constant("speech.audio.delta"), audio=_STRING)
    done = _object("The end of the speech.", type=_constant("speech.audio.done"), usage=_USAGE)
    failed = _object(
        "The speech stopped early (then the connection is cut).",
        type=_constant("error"),
        error=_object("As in every error.", **{name: _STRING for name in ("message", "type")}),
    )
    for event in (delta, done):
        assert event.properties is not None
        event.properties["words"] = _WORDS  # with `timestamps`: the words this event's audio completes
    data = Schema(
        type=OpenAPIType.STRING,
        content_media_type="application/json",
        content_schema=Schema(one_of=[delta, done, failed]),
    )
    return Schema(
        type=OpenAPIType.OBJECT,
        description="`speech.audio.delta` events, then `speech.audio.done` with the usage; an `error` event if the "
        "speech stops early. With `timestamps`, deltas and the done event carry `words`.",
        properties={"data": data},
        required=["data"],
    )


@dataclass
class SpeechOperation(Operation):
    """createSpeech's 200: the audio in the requested format, or server-sent events with ``stream_format: sse``."""

    def __post_init__(self) -> None:
        content = {info.media_type: _bytes(f"`response_format: {name}`") for name, info in FORMATS.items()}
        content["text/event-stream"] = OpenAPIMediaType(schema=_speech_event())
        responses = self.responses or {}
        responses["200"] = OpenAPIResponse(description="The speech, sent while it is made.", content=content)
        self.responses = responses


@dataclass
class MetricsOperation(Operation):
    """A Prometheus scrape: text, not JSON."""

    def __post_init__(self) -> None:
        responses = self.responses or {}
        responses["200"] = OpenAPIResponse(
            description="Prometheus' text format, summed over every worker of the server.",
            content={"text/plain": OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))},
        )
        self.responses = responses
