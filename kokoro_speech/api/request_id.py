"""Every answer named, as OpenAI's API names its own: ``x-request-id``, and ``openai-processing-ms`` on the API's.

The id is the client's own ``x-request-id`` where it sent a sane one (so that a proxy's or a caller's id carries
through to this server's log), else a fresh one in OpenAI's form (``req_`` and 32 hex digits). Every log line
written while the request runs carries it, and so does the message of a 500. ``openai-processing-ms`` is how long
the server took before its answer's headers went out: for a stream, until its first audio, which is what OpenAI's
header means.

A plain ASGI middleware, so that it sees a streamed response's headers go out, and wraps a whole application
(every route, the router's own 404s, CORS preflights) as well as one router.
"""

from __future__ import annotations

import time
import uuid

import structlog
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

ID_HEADER = "x-request-id"
PROCESSING_HEADER = "openai-processing-ms"
MAX_CLIENT_ID_CHARS = 200
"""Longest id taken from a client: room for any tracing scheme's (a W3C trace parent is 55 characters), while a
longer one would make every log line of its request a copy of whatever the client sent."""
FRESH_PREFIX = "req_"
_FIRST_SANE, _LAST_SANE = "!", "~"
"""Visible ASCII only: no space, control character or other script, so an id stays one token of a log line and
a header value every proxy passes."""
_STATE_KEY = "kokoro_speech_request_id"
"""Where in the request's scope state the id is kept."""


def sane_id(sent: str | None) -> str | None:
    """The client's id as this server takes it, or None where it is missing, empty, too long or not visible
    ASCII (it is then replaced, not repaired: a repaired id would match neither side's records)."""
    if not sent or len(sent) > MAX_CLIENT_ID_CHARS:
        return None
    return sent if all(_FIRST_SANE <= char <= _LAST_SANE for char in sent) else None


def fresh_id() -> str:
    return f"{FRESH_PREFIX}{uuid.uuid4().hex}"


def request_id(scope: Scope) -> str | None:
    """The id this request's response and log lines carry (None where no :class:`RequestIds` has named it)."""
    found = scope.get("state", {}).get(_STATE_KEY)
    return found if isinstance(found, str) else None


def under(path: str, prefix: str) -> bool:
    """Whether ``path`` is ``prefix`` or below it (a prefix of ``/`` or nothing holds every path)."""
    root = prefix.rstrip("/")
    return not root or path == root or path.startswith(f"{root}/")


def _sent_id(scope: Scope) -> str | None:
    wanted = ID_HEADER.encode()
    for name, value in scope.get("headers", ()):
        if name.lower() == wanted:
            # latin-1 reads any bytes; what is not ASCII is refused by sane_id.
            return value.decode("latin-1")
    return None


class RequestIds:
    """Names each HTTP request and its response; times the responses under ``api_prefix``.

    Nested (around the whole application and again around the plugin's routers, for an application that is not
    the server's), only the outermost acts: one id per request, one of each header.
    """

    def __init__(self, app: ASGIApp, api_prefix: str) -> None:
        self.app = app
        self.api_prefix = api_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or request_id(scope) is not None:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        named = sane_id(_sent_id(scope)) or fresh_id()
        scope.setdefault("state", {})[_STATE_KEY] = named
        timed = under(scope["path"], self.api_prefix)

        async def named_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                added = [(ID_HEADER.encode(), named.encode())]
                if timed:
                    waited_ms = round((time.perf_counter() - started) * 1000)
                    added.append((PROCESSING_HEADER.encode(), str(waited_ms).encode()))
                message["headers"] = [*message.get("headers", []), *added]
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=named):
            await self.app(scope, receive, named_send)
