"""What the OpenAPI document says beyond the handlers' own types: OpenAI's error shape for every error status
a route can answer, the audio and event-stream bodies of speech, and the text of a Prometheus scrape.

Litestar documents a handler's success type and, for a body it validates, its own validation error; the
errors this server sends are OpenAI's (``api/errors.py``), and its speech is bytes whose type depends on the
request. Clients generated from the document, and fuzzers that hold the server to it, need both said. It also
makes the docs page (Swagger UI) from files served by the server itself.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import msgspec
from litestar import Router
from litestar.openapi import OpenAPIConfig
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    RequestBody,
    Schema,
)
from litestar.static_files import create_static_files_router

from kokoro_speech.audio.formats import FORMATS

DOCS_ASSETS = "assets"
"""Where under the docs path Swagger UI's own files are served. The docs page shares the API's origin, where
the page people try the server with keeps its API key in localStorage, so every script it runs is served from
here (from the swagger-ui-py package), never from a CDN that could change what it sends."""
SWAGGER_UI_PACKAGE = "swagger_ui"


def swagger_ui_files() -> Path:
    """The folder of Swagger UI's distribution files in the swagger-ui-py package (found, not imported: its
    own code serves other frameworks)."""
    spec = importlib.util.find_spec(SWAGGER_UI_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the swagger-ui-py package is missing: reinstall kokoro-speech")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def docs_config(title: str, version: str, path: str) -> OpenAPIConfig:
    """The OpenAPI document at ``<path>/openapi.json`` and Swagger UI at ``path``, every file of it local."""
    assets = f"{path.rstrip('/')}/{DOCS_ASSETS}"
    swagger = SwaggerRenderPlugin(
        js_url=f"{assets}/swagger-ui-bundle.js",
        css_url=f"{assets}/swagger-ui.css",
        standalone_preset_js_url=f"{assets}/swagger-ui-standalone-preset.js",
        favicon=f"<link rel='icon' type='image/png' href='{assets}/favicon-32x32.png'>",
        path="/",
    )
    return OpenAPIConfig(title=title, version=version, path=path, render_plugins=[swagger])


def docs_assets(path: str) -> Router:
    """Swagger UI's files, served under ``<path>/assets``."""
    return create_static_files_router(
        path=f"{path.rstrip('/')}/{DOCS_ASSETS}", directories=[swagger_ui_files()], include_in_schema=False
    )


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
    403: "The server does not allow this (a setting turns it on).",
    404: "The model does not exist, or (downloads) the file is not there.",
    408: "The body did not arrive within the server's body timeout.",
    409: "The model is busy with a request (try again once it is idle), or a job's audio was asked for before the job "
    "completed.",
    413: "The body is larger than the server takes.",
    415: "The body is neither JSON nor a form, or the uploaded file is not of a type the route reads.",
    429: "The caller's rate limit is reached; `Retry-After` (whole seconds) and `retry-after-ms` say when to try "
    "again. An input that can never fit the limit is answered `x-should-retry: false` instead.",
    500: "The server failed; the message names the request ID (also in `x-request-id`). A model that could not be "
    "loaded (`model_load_failed`) fails every request alike, and says `x-should-retry: false`.",
    503: "The server is busy or its model is still loading; `Retry-After` (whole seconds) and `retry-after-ms` say "
    "when to try again.",
    504: "Making the whole answer took longer than the server's request time limit.",
}

SPEECH_ERRORS = (400, 401, 404, 408, 413, 429, 500, 503)
TEXT_ERRORS = (400, 401, 408, 413, 429, 500, 503)
LIST_ERRORS = (401, 500, 503)
JOB_ERRORS = (400, 401, 404, 500)


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


@dataclass
class AudioOperation(Operation):
    """A 200 of audio in any response format (Kokoro-FastAPI's speech from phonemes, dialogue and downloads)."""

    def __post_init__(self) -> None:
        content = {info.media_type: _bytes(f"`{name}`") for name, info in FORMATS.items()}
        content["application/json"] = OpenAPIMediaType(
            schema=Schema(type=OpenAPIType.OBJECT, description="A download's word timings, where it is one.")
        )
        responses = self.responses or {}
        responses["200"] = OpenAPIResponse(description="The audio.", content=content)
        self.responses = responses


@dataclass
class CaptionedOperation(Operation):
    """Kokoro-FastAPI's captioned speech: one JSON object, or (streamed) one per line."""

    def __post_init__(self) -> None:
        responses = self.responses or {}
        made = responses["200"]
        assert isinstance(made, OpenAPIResponse) and made.content is not None
        line = made.content["application/json"]
        lines = OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING, description="One such object per line."))
        responses["200"] = OpenAPIResponse(
            description="The speech with its words' times.",
            content={"application/json": line, "application/x-ndjson": lines},
        )
        self.responses = responses


@dataclass
class BinaryOperation(Operation):
    """A 200 of bytes (a voice file)."""

    def __post_init__(self) -> None:
        responses = self.responses or {}
        responses["200"] = OpenAPIResponse(
            description="The file.", content={"application/octet-stream": _bytes("A PyTorch file.")}
        )
        self.responses = responses


@dataclass
class BookOperation(Operation):
    """A job's audio: the book (or a chapter) in the job's format."""

    def __post_init__(self) -> None:
        from kokoro_speech.audio.book import BOOK_FORMATS, book_media_type

        content = {book_media_type(fmt): _bytes(f"`response_format: {fmt}`") for fmt in BOOK_FORMATS}
        responses = self.responses or {}
        responses["200"] = OpenAPIResponse(description="The audio, with its chapter marks.", content=content)
        self.responses = responses


@dataclass
class CaptionsOperation(Operation):
    """A job's captions, timed over its whole file."""

    def __post_init__(self) -> None:
        text = OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))
        responses = self.responses or {}
        responses["200"] = OpenAPIResponse(
            description="WebVTT or SRT.", content={"text/vtt": text, "application/x-subrip": text}
        )
        self.responses = responses


@dataclass
class JobEventsOperation(Operation):
    """A job's status as server-sent events (``event: job``), until it ends."""

    def __post_init__(self) -> None:
        responses = self.responses or {}
        responses["200"] = OpenAPIResponse(
            description="One `job` event per change of the job's status (its JSON, as GET answers), the last when "
            "it has ended.",
            content={"text/event-stream": OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))},
        )
        self.responses = responses


@dataclass
class CreateJobOperation(Operation):
    """A job's body: JSON with ``input``, or a form with the book's ``file``."""

    def __post_init__(self) -> None:
        string, number = Schema(type=OpenAPIType.STRING), Schema(type=OpenAPIType.NUMBER)
        fields = {
            "model": string,
            "voice": string,
            "speed": number,
            "lang": string,
            "response_format": Schema(type=OpenAPIType.STRING, enum=["m4b", "mp3", "opus", "flac", "wav"]),
            "input_format": Schema(type=OpenAPIType.STRING, enum=["text", "markdown"]),
            "title": string,
        }
        text = Schema(type=OpenAPIType.STRING, description="The text, up to a million characters.")
        upload = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY, description="A .txt, .md or .epub.")
        self.request_body = RequestBody(
            required=True,
            description="The speech request's fields (model, voice, speed, lang, normalization, ...) with the text "
            "as `input`, or the same fields as a form with the book as `file`.",
            content={
                "application/json": OpenAPIMediaType(
                    schema=Schema(type=OpenAPIType.OBJECT, required=["input"], properties={"input": text, **fields})
                ),
                "multipart/form-data": OpenAPIMediaType(
                    schema=Schema(type=OpenAPIType.OBJECT, required=["file"], properties={"file": upload, **fields})
                ),
            },
        )
