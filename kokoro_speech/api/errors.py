"""OpenAI's error shape for every failure: ``{"error": {message, type, param, code}}``.

The HTTP layer raises :class:`OpenAIError`; what the layers below refuse (an unknown voice or language,
nothing to say, malformed markup, full lanes, a model still loading or that failed to load) is mapped here
by its type, in :data:`REFUSALS`, so every status, code and ``Retry-After`` is decided in this one place.

What a failure tells a client about retrying is what OpenAI's SDK reads: ``retry-after-ms`` (first) or
``Retry-After`` for how long to wait, honoured up to :data:`MAX_RETRY_AFTER_S`, and ``x-should-retry``, which
overrides its rule of retrying every 5xx. A refusal that passes says both (:func:`retry_headers`); a failure that
lasts says not to retry (:func:`never_retry`); a client's error says nothing, as the SDK never retries a 4xx
but 408, 409 and 429.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import structlog
from litestar import MediaType, Request, Response
from litestar.exceptions import (
    ClientException,
    HTTPException,
    MethodNotAllowedException,
    NotFoundException,
    ValidationException,
)
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import Receive, Scope, Send

from kokoro_speech.api.request_id import request_id
from kokoro_speech.api.request_log import loggable
from kokoro_speech.engine.engine import NothingToSayError
from kokoro_speech.engine.languages import UnknownLanguageError
from kokoro_speech.engine.scheduler import Overloaded
from kokoro_speech.engine.voices import UnknownVoiceError
from kokoro_speech.normalize.lexicon import LexiconError
from kokoro_speech.normalize.marked import MarkupError
from kokoro_speech.speech.worker import ModelLoadFailed, ModelNotReady

log = structlog.get_logger("kokoro_speech")
access_log = structlog.get_logger("kokoro_speech.api.access")

_JSON_PATH = re.compile(r"\$\.([A-Za-z_][\w]*)")
_MISSING_FIELD = re.compile(r"missing required field `([^`]+)`")

MAX_RETRY_AFTER_S = 120
"""Longest wait a refusal asks for. OpenAI's SDK waits as long as a server says up to two minutes, and past that
does not retry at all: a longer wait (a configured one) is cut to this, so that the client still comes back."""
SHOULD_RETRY = "x-should-retry"


def retry_headers(seconds: float) -> dict[str, str]:
    """What tells a client to wait ``seconds`` (cut to 1 ms .. :data:`MAX_RETRY_AFTER_S`) and try again:
    ``Retry-After`` in whole seconds, rounded up (HTTP has no others), ``retry-after-ms`` the same wait to the
    millisecond (read first by OpenAI's SDK), and ``x-should-retry: true``."""
    wait = min(max(seconds, 0.0), MAX_RETRY_AFTER_S)
    return {
        "Retry-After": str(max(1, math.ceil(wait))),
        "retry-after-ms": str(max(1, round(wait * 1000))),
        SHOULD_RETRY: "true",
    }


def never_retry() -> dict[str, str]:
    """What tells a client that retrying cannot help (OpenAI's SDK would otherwise retry a 5xx twice)."""
    return {SHOULD_RETRY: "false"}


def _default_type(status: int) -> str:
    return "server_error" if status >= 500 else "invalid_request_error"


class OpenAIError(HTTPException):
    """An error with OpenAI's fields; raise it from anywhere in the HTTP layer."""

    def __init__(
        self,
        status_code: int,
        message: str,
        *,
        param: str | None = None,
        code: str | None = None,
        error_type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail=message, status_code=status_code, headers=headers)
        self.param = param
        self.code = code
        self.error_type = error_type or _default_type(status_code)


def error_body(message: str, error_type: str, param: str | None, code: str | None) -> dict[str, object]:
    return {"error": {"message": message, "type": error_type, "param": param, "code": code}}


def _response(
    status: int,
    message: str,
    *,
    param: str | None = None,
    code: str | None = None,
    error_type: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response[dict[str, object]]:
    return Response(
        error_body(message, error_type or _default_type(status), param, code),
        status_code=status,
        media_type=MediaType.JSON,
        headers=headers,
    )


def _validation_param(exc: ValidationException) -> tuple[str, str | None]:
    """Litestar's validation detail turned into a message and the offending field."""
    extra = exc.extra if isinstance(exc.extra, list) else []
    for item in extra:
        if (
            isinstance(item, dict)
            and item.get("key") == "data"
            and item.get("source") == "body"
            and (item.get("message") == "'data'")
        ):
            # Litestar's way of saying that the body is empty.
            return "We could not parse the JSON body of your request: the body is empty; send a JSON object.", None
        if isinstance(item, dict) and item.get("message"):
            message = str(item["message"])
            missing = _MISSING_FIELD.search(message)
            if missing:
                return f"'{missing.group(1)}' is a required property.", missing.group(1)
            key = item.get("key")
            match = _JSON_PATH.search(message)
            param = str(key) if key and key != "data" else (match.group(1) if match else None)
            return (f"Invalid value for '{param}': {message}" if param else message), param
    return exc.detail or "Invalid request body.", None


def _is_malformed_body(exc: HTTPException) -> bool:
    # Litestar raises a bare ClientException when the body cannot be decoded at all
    # (truncated, not JSON); schema violations come as ValidationException instead.
    return type(exc) is ClientException and exc.status_code == 400


@dataclass(frozen=True)
class Refusal:
    """How a refusal of the layers below is answered."""

    status: int
    code: str
    param: str | None = None
    message: str = "{error}"
    """What the client reads; ``{error}`` stands for the exception's own message."""
    retry: bool | None = None
    """True: the refusal passes, and the answer says when to retry (:func:`retry_headers`); False: it lasts, and
    the answer says not to (:func:`never_retry`); None: the client's own error, which no client retries."""

    def retry_answer(self, retry_after_seconds: float) -> dict[str, str] | None:
        """The headers that say whether and when to retry."""
        if self.retry is None:
            return None
        return retry_headers(retry_after_seconds) if self.retry else never_retry()


REFUSALS: dict[type[Exception], Refusal] = {
    UnknownVoiceError: Refusal(400, "invalid_value", "voice"),
    UnknownLanguageError: Refusal(400, "unsupported_language", "lang"),
    NothingToSayError: Refusal(400, "invalid_value", "input"),
    # Before markup: a lexicon's error is a kind of markup error, and the first that matches answers.
    LexiconError: Refusal(400, "invalid_lexicon", "lexicon"),
    MarkupError: Refusal(400, "invalid_markup", "input"),
    Overloaded: Refusal(
        503,
        "server_overloaded",
        message="The server is overloaded; retry after a moment.",
        retry=True,
    ),
    ModelNotReady: Refusal(503, "model_not_ready", retry=True),
    ModelLoadFailed: Refusal(
        500, "model_load_failed", message="The speech model could not be loaded: {error}", retry=False
    ),
}

ExceptionHandler = Callable[[Request[Any, Any, Any], Exception], Response[dict[str, object]]]
ExceptionHandlers = dict[type[Exception] | int, ExceptionHandler]


def exception_handlers(retry_after_seconds: float) -> ExceptionHandlers:
    """The plugin's error handlers: every failure in OpenAI's shape, ``Retry-After`` as configured."""

    def handle(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, object]]:
        refusal = next((r for kind, r in REFUSALS.items() if isinstance(exc, kind)), None)
        if refusal is None:
            return handle_exception(request, exc)
        message = refusal.message.format(error=exc)
        headers = refusal.retry_answer(retry_after_seconds)
        return _response(refusal.status, message, param=refusal.param, code=refusal.code, headers=headers)

    return {Exception: handle, HTTPException: handle}


async def answer_error(scope: Scope, receive: Receive, send: Send, error: OpenAIError) -> None:
    """Answer ``error`` from a middleware, outside any route, as a route's handlers would."""
    request: Request[Any, Any, Any] = Request(scope, receive, send)
    await handle_exception(request, error).to_asgi_response(app=None, request=request)(scope, receive, send)


def handle_exception(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, object]]:
    if isinstance(exc, OpenAIError):
        return _response(
            exc.status_code, exc.detail, param=exc.param, code=exc.code, error_type=exc.error_type, headers=exc.headers
        )
    if isinstance(exc, ValidationException):
        message, param = _validation_param(exc)
        return _response(400, message, param=param, code="invalid_value" if param else "invalid_json")
    if isinstance(exc, NotFoundException | MethodNotAllowedException):
        # Routing fails before any route middleware runs, so the request line is logged here.
        access_log.info("request", method=request.method, path=loggable(request.url.path), status=exc.status_code)
    if isinstance(exc, NotFoundException):
        return _response(404, f"Invalid URL ({request.method} {request.url.path})", code="unknown_url")
    if isinstance(exc, MethodNotAllowedException):
        return _response(
            405,
            f"Method {request.method} is not allowed for {request.url.path}",
            code="method_not_allowed",
            headers=exc.headers,
        )
    if isinstance(exc, HTTPException):
        if _is_malformed_body(exc):
            return _response(
                400,
                "We could not parse the JSON body of your request: "
                f"{exc.detail}. The body must be a valid JSON object.",
                code="invalid_json",
            )
        if exc.status_code == 413:
            return _response(413, "Request body is too large.", code="request_too_large")
        if exc.status_code >= 500:
            log.error("http error", status=exc.status_code, path=request.url.path, detail=exc.detail)
            return _response(exc.status_code, _server_error(request), code="internal_error", headers=exc.headers)
        return _response(exc.status_code, exc.detail, headers=exc.headers)
    # The log keeps what went wrong (under the request's id); the client gets the id, never the internals.
    log.exception("unhandled error", path=request.url.path, error=type(exc).__name__)
    return _response(HTTP_500_INTERNAL_SERVER_ERROR, _server_error(request), code="internal_error")


def _server_error(request: Request[Any, Any, Any]) -> str:
    return server_error_message(
        "The server had an error while processing your request. You can retry your request.",
        request_id(request.scope),
    )


def server_error_message(what: str, named: str | None) -> str:
    """``what`` happened, and the request ID to report it with (the log has the rest under it)."""
    return f"{what} If it persists, report it with the request ID {named}." if named else what
