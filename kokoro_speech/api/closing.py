"""Streaming responses that close their speech however the exchange ends.

Litestar runs a response's background tasks only when sending went well; a client gone
before the headers, or a server whose ``send`` raises once the client is gone, would leave
the synthesis running. These responses close it in a ``finally`` around the whole exchange.

A client can also stay connected and stop reading. Granian's ``send`` waits once the
connection's buffers are full, so such a client would hold its response (and the speech
made for it) for as long as it keeps the connection open: a send that waits longer than
``send_timeout`` seconds counts as the client gone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import structlog
from litestar.response import ServerSentEvent, Stream
from litestar.response.base import ASGIResponse
from litestar.types import Message, Receive, Scope, Send

from kokoro_speech.speech.response import SpeechResponse

log = structlog.get_logger("kokoro_speech")


class ClientStalled(RuntimeError):
    """The client took nothing for longer than the send timeout while its connection stayed open."""


class _ClosingResponse(ASGIResponse):
    """An ASGI response that calls ``close`` once the response it wraps is over, whatever happened."""

    __slots__ = ("_close", "_inner", "_send_timeout")

    def __init__(self, inner: ASGIResponse, close: Callable[[], None], send_timeout: float) -> None:
        # The wrapped response holds the status, headers and body; this one only adds the ``finally``.
        self._inner = inner
        self._close = close
        self._send_timeout = send_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_in_time(message: Message) -> None:
            try:
                async with asyncio.timeout(self._send_timeout or None):
                    await send(message)
            except TimeoutError:
                log.warning("client stopped reading: its stream is ended", waited_s=self._send_timeout)
                self._close()  # at once: the synthesis must not wait for the exchange to unwind
                # Raised, not returned: the server then cuts the connection, so the client cannot take what it
                # got for a whole response.
                raise ClientStalled(f"the client took nothing for {self._send_timeout:g} s") from None

        try:
            await self._inner(scope, receive, send_in_time)
        finally:
            self._close()


class SpeechStream(Stream):
    """``Stream`` of a speech response's bytes."""

    def __init__(self, speech: SpeechResponse, content: Any, *, send_timeout: float, **kwargs: Any) -> None:
        super().__init__(content, **kwargs)
        self.speech = speech
        self.send_timeout = send_timeout

    def to_asgi_response(self, *args: Any, **kwargs: Any) -> ASGIResponse:
        return _ClosingResponse(super().to_asgi_response(*args, **kwargs), self.speech.close, self.send_timeout)


class SpeechEvents(SpeechStream, ServerSentEvent):
    """``ServerSentEvent`` stream of a speech response's events."""
