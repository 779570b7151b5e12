"""One context of a stream-input socket: a live stream of speech and the task that sends its audio.

A context ends in one of two ways. Closed after a flush (a turn that ended: Pipecat's and LiveKit's last
messages), what was flushed is spoken to its end, then ``isFinal``. Closed with text never flushed (a listener
who interrupted), it stops at once and ``isFinal`` follows. Either way ``isFinal`` is a message of its own, after
every audio message of its context.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import structlog

from kokoro_speech.api.stream_input.protocol import audio_message, error_message, final_message
from kokoro_speech.speech.live import LiveSpeech

log = structlog.get_logger("kokoro_speech")

Send = Callable[[dict[str, object]], Awaitable[None]]


class InputContext:
    def __init__(self, live: LiveSpeech, context_id: str | None, send: Send, route: str) -> None:
        """``context_id``: None for the single stream of ``stream-input`` (its messages carry none)."""
        self.live = live
        self.context_id = context_id
        self.flushed = False
        """Whether the client's last word to this context was a flush: a close then finishes what was flushed."""
        self._send = send
        self._route = route
        self._sending = asyncio.create_task(self._send_audio())
        self._observed = False
        self._final_sent = False

    @property
    def busy(self) -> bool:
        """Whether it still has text to speak or audio to send (the inactivity timeout waits for it)."""
        return not self._sending.done() and self.live.speaking

    async def write(self, text: str) -> None:
        """More text; dropped where the context failed already (its client was told, and got its final)."""
        self.flushed = False
        with contextlib.suppress(RuntimeError):
            await self.live.write(text)

    async def flush(self) -> None:
        self.flushed = True
        with contextlib.suppress(RuntimeError):
            await self.live.flush()

    async def finish(self) -> None:
        """No more text: the rest is spoken, then ``isFinal``; returns once it is sent."""
        with contextlib.suppress(RuntimeError):
            await self.live.end()
        await asyncio.shield(self._sending)

    async def stop(self) -> None:
        """Stop now: nothing more is made or sent but ``isFinal``."""
        self.live.close()
        self._sending.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._sending
        await self._final()

    def abandon(self) -> None:
        """The socket is gone: stop, sending nothing."""
        self.live.close()
        self._sending.cancel()
        self._observe()

    async def _send_audio(self) -> None:
        try:
            async for piece in self.live.pieces():
                if not piece.data:
                    continue
                await self._send(audio_message(piece, self.live.engine.sample_rate, self.context_id))
        except asyncio.CancelledError:
            raise
        except Exception as error:  # after the context opened: said to the client, and the context ends
            self.live.outcome.failure = type(error).__name__
            log.warning("stream-input context failed", error=str(error))
            self.live.close()
            message = error_message(f"The speech could not be made: {error}", "synthesis_failed", self.context_id)
            with contextlib.suppress(Exception):
                await self._send(message)
        await self._final()

    async def _final(self) -> None:
        self._observe()
        if self._final_sent:
            return
        with contextlib.suppress(Exception):
            await self._send(final_message(self.context_id))
            self._final_sent = True

    def _observe(self) -> None:
        if self._observed:
            return
        self._observed = True
        self.live.close()
        self.live.report(self._route, "WEBSOCKET", context=self.context_id)
