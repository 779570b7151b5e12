"""One Wyoming connection: a small handler per event, as wyoming-piper's.

Home Assistant (2025.8 and later) sends every request as a stream: ``synthesize-start``, a ``synthesize-chunk``
per piece of text as its language model writes it, the whole text once more as a plain ``synthesize`` (for
servers that know no streams; ignored while a stream is open, as wyoming-piper does), then ``synthesize-stop``.
Each sentence is spoken as soon as it is complete (:mod:`kokoro_speech.speech.live`), all of it as one audio
stream (one ``audio-start``, whose format Home Assistant keeps, then ``audio-chunk``s and one ``audio-stop``),
and ``synthesize-stop`` is always answered with ``synthesize-stopped``, after the last audio, even when the stream
failed: Home Assistant reads until it comes. A plain ``synthesize`` outside a stream (older clients) gets the
same audio events and no ``synthesize-stopped``. A voice or language the server does not know, an overloaded
server or a model that is not loaded is an ``error`` event, never silence.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import structlog
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.error import Error
from wyoming.event import Event
from wyoming.info import Describe
from wyoming.server import AsyncEventHandler
from wyoming.tts import Synthesize, SynthesizeChunk, SynthesizeStart, SynthesizeStop, SynthesizeStopped, SynthesizeVoice

from kokoro_speech.engine.job import SpeechJob
from kokoro_speech.infra import metrics
from kokoro_speech.speech.config import LiveConfig
from kokoro_speech.speech.live import LiveSpeech
from kokoro_speech.speech.refusals import REFUSED, refusal
from kokoro_speech.speech.response import SpeechOutcome
from kokoro_speech.speech.service import SpeechService
from kokoro_speech.wyoming_server.config import WyomingConfig

log = structlog.get_logger("kokoro_speech")

SAMPLE_WIDTH = 2
CHANNELS = 1
ROUTE = "wyoming"
GONE = (ConnectionError, TimeoutError)
"""What writing to a client that left, or stopped reading, raises."""


@dataclass(frozen=True)
class WyomingContext:
    """What every connection of one worker shares."""

    info: Event
    service: Callable[[], Awaitable[SpeechService]]
    """The worker's service, waited for while its model loads (raises ModelNotReady or ModelLoadFailed)."""
    config: WyomingConfig
    live: LiveConfig
    max_audio_seconds: float
    """The longest audio one request may have (the HTTP API's setting, which holds here too)."""


class _Request:
    """One synthesis on the connection, from its first event to its last audio."""

    def __init__(self, live: LiveSpeech, kind: str) -> None:
        self.live = live
        self.kind = kind
        self.sending: asyncio.Task[None] | None = None


class SpeechEventHandler(AsyncEventHandler):
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, context: WyomingContext) -> None:
        super().__init__(reader, writer)
        self.context = context
        self._stream: _Request | None = None
        """The open stream's request, until its ``synthesize-stop`` is answered."""
        self._once: _Request | None = None
        """A plain ``synthesize`` being answered."""
        self._streaming = False
        """Between ``synthesize-start`` and ``synthesize-stop``, whether or not its stream could be opened."""
        self._handlers: dict[str, Callable[[Event], Awaitable[None]]] = {
            "describe": self._describe,
            "synthesize": self._synthesize,
            "synthesize-start": self._start,
            "synthesize-chunk": self._chunk,
            "synthesize-stop": self._stop,
        }

    async def handle_event(self, event: Event) -> bool:
        handler = self._handlers.get(event.type)
        if handler is None:
            return True  # a ping, select-program, an event of a later version: not a reason to hang up
        try:
            await handler(event)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            log.info("wyoming event refused", event_type=event.type, error=str(error))
            await self.write_event(
                Error(text=f"The {event.type} event is not valid: {error!r}", code="invalid_event").event()
            )
        return True

    async def write_event(self, event: Event) -> None:
        await asyncio.wait_for(super().write_event(event), self.context.config.send_timeout_seconds)

    async def disconnect(self) -> None:
        for request in (self._stream, self._once):
            if request is not None:
                self._finish(request)

    # --- one handler per event ---------------------------------------------------------------------------
    async def _describe(self, event: Event) -> None:
        assert Describe.is_type(event.type)
        await self.write_event(self.context.info)

    async def _synthesize(self, event: Event) -> None:
        if self._streaming:
            return  # Home Assistant's copy of the streamed text, for servers that know no streams
        request = Synthesize.from_event(event)
        text = _text(request.text)
        opened = self._once = await self._open(request.voice, "synthesize")
        if opened is None:
            return
        try:
            opened.sending = asyncio.create_task(self._send(opened))
            with contextlib.suppress(RuntimeError):
                await opened.live.write(text)
                await opened.live.end()
            await opened.sending
        finally:
            self._once = None
            self._finish(opened)

    async def _start(self, event: Event) -> None:
        start = SynthesizeStart.from_event(event)
        if self._streaming and self._stream is not None:
            self._finish(self._stream)  # a new stream before the last one's stop: that one ends
        self._streaming = True
        self._stream = await self._open(start.voice, "synthesize-stream")
        if self._stream is not None:
            self._stream.sending = asyncio.create_task(self._send(self._stream))

    async def _chunk(self, event: Event) -> None:
        stream = self._stream
        if stream is None or stream.live.ended:
            return
        text = _text(SynthesizeChunk.from_event(event).text)
        with contextlib.suppress(RuntimeError):  # the stream failed: its error event is sent already
            await stream.live.write(text)

    async def _stop(self, event: Event) -> None:
        assert SynthesizeStop.is_type(event.type)
        stream, self._streaming = self._stream, False
        if stream is not None:
            try:
                with contextlib.suppress(RuntimeError):
                    await stream.live.end()
                if stream.sending is not None:
                    await stream.sending
            finally:
                self._stream = None
                self._finish(stream)
        await self.write_event(SynthesizeStopped().event())

    # --- speaking ---------------------------------------------------------------------------------------
    async def _open(self, voice: SynthesizeVoice | None, kind: str) -> _Request | None:
        """A live stream for ``voice``; None (and an error event) where it cannot be opened."""
        outcome = SpeechOutcome(voice="", response_format="pcm", input_chars=0)
        started = time.perf_counter()
        try:
            service = await self.context.service()
            job = self._job(voice, service)
            live = service.open_live(job, outcome, self.context.live, max_seconds=self.context.max_audio_seconds)
        except REFUSED as error:
            code, status = refusal(error)
            metrics.observe(ROUTE, kind, status, None, time.perf_counter() - started, outcome)
            log.info("wyoming refused", kind=kind, code=code, error=str(error))
            await self.write_event(Error(text=str(error), code=code).event())
            return None
        return _Request(live, kind)

    def _job(self, voice: SynthesizeVoice | None, service: SpeechService) -> SpeechJob:
        name = voice.name if voice is not None and voice.name else None
        language = voice.language if voice is not None and voice.language else None
        if name is None and language is not None:
            name = service.engine.voices.first_of(language)
        return SpeechJob(text="", voice=name or self.context.config.voice, response_format="pcm", lang=language)

    async def _send(self, request: _Request) -> None:
        """The stream's audio as Wyoming events, then its end (an ``error`` event first where it failed)."""
        rate = request.live.engine.sample_rate
        start = AudioStart(rate=rate, width=SAMPLE_WIDTH, channels=CHANNELS).event()
        started = False
        try:
            async for piece in request.live.pieces():
                if not piece.data:
                    continue
                if not started:
                    await self.write_event(start)
                    started = True
                chunk = AudioChunk(rate=rate, width=SAMPLE_WIDTH, channels=CHANNELS, audio=piece.data)
                await self.write_event(chunk.event())
            if not started and request.kind == "synthesize":
                # An older client reads until audio-stop: it gets an empty, well-formed stream.
                await self.write_event(start)
                started = True
            if started:
                await self.write_event(AudioStop().event())
        except GONE:
            request.live.close()
        except Exception as error:  # the stream failed after it was opened: said, never silently dropped
            request.live.outcome.failure = type(error).__name__
            log.warning("wyoming stream failed", error=str(error))
            request.live.close()
            failed = Error(text=f"The speech could not be made: {error}", code="synthesis_failed")
            with contextlib.suppress(*GONE):
                await self.write_event(failed.event())
                if started:
                    await self.write_event(AudioStop().event())

    def _finish(self, request: _Request) -> None:
        request.live.close()
        if request.sending is not None and not request.sending.done():
            request.sending.cancel()
        request.live.report(ROUTE, request.kind)


def _text(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"its text must be a string, not {type(text).__name__}")
    return text
