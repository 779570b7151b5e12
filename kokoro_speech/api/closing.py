"""Streaming responses that close their speech however the exchange ends.

Litestar runs a response's background tasks only when sending went well; a client gone
before the headers, or a server whose ``send`` raises once the client is gone, would leave
the synthesis running. These responses close it in a ``finally`` around the whole exchange.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar.response import ServerSentEvent, Stream
from litestar.response.base import ASGIResponse
from litestar.types import Receive, Scope, Send

from kokoro_speech.response import SpeechResponse


class _ClosingResponse(ASGIResponse):
    """An ASGI response that calls ``close`` once the response it wraps is over, whatever happened."""

    __slots__ = ("_close", "_inner")

    def __init__(self, inner: ASGIResponse, close: Callable[[], None]) -> None:
        # The wrapped response holds the status, headers and body; this one only adds the ``finally``.
        self._inner = inner
        self._close = close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self._inner(scope, receive, send)
        finally:
            self._close()


class SpeechStream(Stream):
    """``Stream`` of a speech response's bytes."""

    def __init__(self, speech: SpeechResponse, content: Any, **kwargs: Any) -> None:
        super().__init__(content, **kwargs)
        self.speech = speech

    def to_asgi_response(self, *args: Any, **kwargs: Any) -> ASGIResponse:
        return _ClosingResponse(super().to_asgi_response(*args, **kwargs), self.speech.close)


class SpeechEvents(SpeechStream, ServerSentEvent):
    """``ServerSentEvent`` stream of a speech response's events."""
