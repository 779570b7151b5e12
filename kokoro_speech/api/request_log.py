"""One log line and one set of metrics per request of the plugin's routes, and the answering worker's pid.

The middleware only observes: it times the response, adds ``X-Worker-Pid``, writes the line and records
the metrics; the line carries the request's id, as every line written while the request runs does, from
:mod:`kokoro_speech.api.request_id` around it. A handler that knows more about its request (voice, format,
audio seconds, cache hit) attaches a :class:`Describes` object with :func:`describe`; its fields join the
line when the response ends. An API key is named by its id, never by itself.
"""

from __future__ import annotations

import os
import time
import unicodedata
from collections.abc import Callable
from typing import Any, Protocol

import structlog
from litestar import Request
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from kokoro_speech.infra import metrics
from kokoro_speech.speech.response import SpeechOutcome

log = structlog.get_logger("kokoro_speech.api.access")

LOGGED_TEXT_CHARS = 200
"""Longest text a log line keeps of one field: what a client sends (a voice may be 64 KB, a path as long as the
server takes) must not make the log a copy of it, and 200 characters hold every real voice blend and error."""
_UNPRINTABLE = frozenset(("Cc", "Cf", "Zl", "Zp", "Cs"))
"""Control and format characters (newlines, ANSI escapes, bidi overrides): escaped, so that what a client sent
can neither start a new log line nor colour, hide or reorder a terminal's text."""

_DESCRIPTION = "kokoro_speech_access_description"
"""Where in the request's scope state the handler leaves its description."""


def loggable(text: str) -> str:
    """``text`` as a log line may hold it: control characters escaped, at most :data:`LOGGED_TEXT_CHARS`."""
    kept = "".join(
        char.encode("unicode_escape").decode("ascii") if unicodedata.category(char) in _UNPRINTABLE else char
        for char in text[:LOGGED_TEXT_CHARS]
    )
    if len(kept) <= LOGGED_TEXT_CHARS and len(text) <= LOGGED_TEXT_CHARS:
        return kept
    return f"{kept[:LOGGED_TEXT_CHARS]}...({len(text)} chars)"


class Describes(Protocol):
    def log_fields(self) -> dict[str, object]: ...


def describe(request: Request[Any, Any, Any], description: Describes) -> None:
    """Add ``description``'s fields to the request's log line (read when the response ends)."""
    request.scope.setdefault("state", {})[_DESCRIPTION] = description


class RequestLogMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    def __init__(self, on_edge: Callable[[], None] = lambda: None) -> None:
        self.on_edge = on_edge
        """Called as each request starts and ends: the worker copies its engine's counts to the metrics."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        started = time.perf_counter()
        self.on_edge()
        first_byte: float | None = None
        status: int | None = None  # stays None when no response was sent (the client left first)

        async def timed_send(message: Message) -> None:
            nonlocal first_byte, status
            if message["type"] == "http.response.start":
                status = message["status"]
                # Which worker answered: useful behind several workers, and for seeing the shared cache work.
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-worker-pid", str(os.getpid()).encode()),
                ]
            elif message["type"] == "http.response.body" and first_byte is None and message.get("body"):
                first_byte = time.perf_counter()
            await send(message)

        try:
            await next_app(scope, receive, timed_send)
        finally:
            self._finished(scope, started, status, first_byte)

    def _finished(self, scope: Scope, started: float, status: int | None, first_byte: float | None) -> None:
        """The request's log line and metrics."""
        ended = time.perf_counter()
        description: Describes | None = scope.get("state", {}).get(_DESCRIPTION)
        log.info("request", **line_fields(scope, status, started, first_byte, ended))
        self.on_edge()
        metrics.observe(
            scope.get("path_template", "unmatched"),
            str(scope.get("method")),
            status,
            first_byte - started if first_byte else None,
            ended - started,
            description if isinstance(description, SpeechOutcome) else None,
        )


def line_fields(
    scope: Scope, status: int | None, started: float, first_byte: float | None, ended: float
) -> dict[str, Any]:
    """The fields of a request's log line, each text made :func:`loggable`."""
    fields: dict[str, Any] = {
        "method": scope.get("method"),
        "path": scope["path"],
        "status": status,
        "ttfb_ms": round((first_byte - started) * 1000, 1) if first_byte else None,
        "total_ms": round((ended - started) * 1000, 1),
    }
    key_id = getattr(scope.get("user"), "id", None)
    if key_id is not None:
        fields["key"] = key_id
    description: Describes | None = scope.get("state", {}).get(_DESCRIPTION)
    if description is not None:
        fields.update(description.log_fields())
    return {name: loggable(value) if isinstance(value, str) else value for name, value in fields.items()}
