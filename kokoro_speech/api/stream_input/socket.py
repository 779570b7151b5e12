"""One stream-input WebSocket from its handshake to its close: its key, its settings, its contexts.

``stream-input`` has one stream; its empty text (``{"text": ""}``) ends it: the rest is spoken, ``isFinal`` sent,
and the socket closed (1000). ``multi-stream-input`` (Pipecat's and LiveKit's) has contexts named by
``context_id``, each a stream of its own, opened by its first message; there an empty text only keeps it alive,
and ``close_context`` ends it. In both, ``flush`` speaks what is held, and ``auto_mode`` (the clients send whole
sentences) speaks each message at once. Every client message resets the inactivity timeout, which does not run
while speech is still being made. Anything wrong is an error message (``{"message", "error", "code"}``) and a
close with 1008 and the reason, never a dropped socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from typing import Any

import msgspec
from litestar import WebSocket
from litestar.exceptions import WebSocketDisconnect

from kokoro_speech.api.access import ApiKeys
from kokoro_speech.api.access.keys import ApiKey
from kokoro_speech.api.access.limits import RateLimiter
from kokoro_speech.api.config import ApiConfig
from kokoro_speech.api.errors import OpenAIError
from kokoro_speech.api.stream_input import protocol
from kokoro_speech.api.stream_input.contexts import InputContext
from kokoro_speech.api.stream_input.protocol import ClientMessage, OutputFormat, ProtocolError
from kokoro_speech.engine import speeds
from kokoro_speech.engine.job import SpeechJob
from kokoro_speech.normalize.config import TextConfig
from kokoro_speech.speech.config import LiveConfig
from kokoro_speech.speech.refusals import REFUSED, refusal
from kokoro_speech.speech.response import SpeechOutcome
from kokoro_speech.speech.service import SpeechService
from kokoro_speech.speech.worker import SpeechWorker

CLOSE_SOCKET_SECONDS = 1.5
"""How long ``close_socket`` lets flushed contexts finish before it stops the rest and closes: Pipecat, which sends
it, hangs up itself 2 s later."""


@dataclasses.dataclass(frozen=True)
class SocketSettings:
    """What the handshake's query says, for every context of the socket."""

    voice: str
    output: OutputFormat
    inactivity_seconds: float
    auto_mode: bool
    lang: str | None
    normalize: bool | None


class StreamInputSocket:
    def __init__(
        self,
        socket: WebSocket[Any, Any, Any],
        voice: str,
        *,
        multi: bool,
        worker: SpeechWorker,
        limiter: RateLimiter,
        keys: ApiKeys | None,
        api_config: ApiConfig,
        live_config: LiveConfig,
        text_config: TextConfig,
        route: str,
    ) -> None:
        self.socket = socket
        self.voice = voice
        self.multi = multi
        self.worker = worker
        self.limiter = limiter
        self.keys = keys
        self.api_config = api_config
        self.live_config = live_config
        self.text_config = text_config
        self.route = route
        self.contexts: dict[str | None, InputContext] = {}
        self._closing: dict[str | None, InputContext] = {}
        """Contexts closed after a flush, still speaking what was flushed (the socket reads on meanwhile)."""
        self._finishing: set[asyncio.Task[None]] = set()
        self._key: ApiKey | None = None
        self._sending = asyncio.Lock()

    async def run(self) -> None:
        await self.socket.accept()
        try:
            settings = self._settings()
            await self._serve(settings)
        except ProtocolError as error:
            await self._refuse(str(error), error.error)
        except (WebSocketDisconnect, ConnectionError, TimeoutError, OSError):
            pass  # the client left, or stopped reading: nothing more can be said to it
        finally:
            for context in [*self.contexts.values(), *self._closing.values()]:
                context.abandon()
            for task in self._finishing:
                task.cancel()

    # --- the handshake ---------------------------------------------------------------------------------
    def _settings(self) -> SocketSettings:
        query = self.socket.query_params
        normalization = query.get("apply_text_normalization")
        return SocketSettings(
            voice=self.voice,
            output=protocol.output_format(query.get("output_format") or protocol.DEFAULT_OUTPUT_FORMAT),
            inactivity_seconds=protocol.inactivity_seconds(query.get("inactivity_timeout")),
            auto_mode=protocol.is_true(query.get("auto_mode")),
            lang=query.get("language_code") or None,
            normalize=None if normalization in (None, "auto") else normalization == "on",
        )

    async def _authenticate(self, first: ClientMessage | None) -> None:
        if self.keys is None:
            return
        presented = protocol.presented_key(self.socket.headers, self.socket.query_params, first)
        key = self.keys.find(presented) if presented else None
        if key is None:
            raise ProtocolError(
                "A valid API key is needed: send it as the xi-api-key header, a bearer token, or xi_api_key in the "
                "first message.",
                "invalid_api_key",
            )
        self._key = key

    async def _admit(self, chars: int, *, requests: int) -> None:
        key = self._key
        client = self.socket.client
        caller = f"key:{key.id}" if key else f"address:{client.host if client else 'unknown'}"
        try:
            await self.limiter.admit(caller, key, chars, requests=requests)
        except OpenAIError as error:
            raise ProtocolError(error.detail, error.code or "rate_limit_exceeded") from None

    # --- the messages --------------------------------------------------------------------------------------
    async def _serve(self, settings: SocketSettings) -> None:
        first = True
        while True:
            raw = await self._receive(settings)
            if raw is None:
                return
            message = protocol.client_message(raw)
            if first:
                await self._authenticate(message)
                await self._admit(0, requests=1)
                first = False
            if not await self._handle(message, settings):
                return

    async def _receive(self, settings: SocketSettings) -> str | bytes | None:
        """The next message; None where the socket was closed (by either side, or for inactivity)."""
        while True:
            try:
                event = await asyncio.wait_for(self.socket.receive(), settings.inactivity_seconds)
            except TimeoutError:
                if any(context.busy for context in [*self.contexts.values(), *self._closing.values()]):
                    continue  # speech still being made: the client is waiting for it, not idle
                await self._timed_out(settings)
                return None
            if event["type"] == "websocket.disconnect":
                return None
            text, data = event.get("text"), event.get("bytes")
            if isinstance(text, str):
                return text
            if isinstance(data, bytes):
                return data

    async def _handle(self, message: ClientMessage, settings: SocketSettings) -> bool:
        """Act on one message; False once the socket is to close."""
        if message.close_socket:
            await self._close_all()
            await self.socket.close(code=protocol.NORMAL_CLOSURE)
            return False
        name = message.context_id if self.multi else None
        text = message.text
        context = self.contexts.get(name)
        if message.close_context and self.multi:
            if context is not None:
                del self.contexts[name]
                if context.flushed:
                    self._finish_later(name, context)
                else:
                    await context.stop()
            elif name in self._closing:
                await self._closing.pop(name).stop()  # interrupted while it finished: it stops now
            else:
                await self._send(protocol.final_message(name))
            return True
        keepalive = self.multi and text == "" and not message.flush
        if context is None and (text is not None or message.flush) and not keepalive:
            context = await self._open(name, message, settings)
            if context is None:
                return True
        if context is None:
            return True
        if text == "" and not self.multi:
            del self.contexts[name]
            await context.finish()
            await self.socket.close(code=protocol.NORMAL_CLOSURE)
            return False
        if text:
            if text.strip():
                await self._admit(len(text), requests=0)
            await context.write(text)
            if settings.auto_mode:
                await context.flush()
                context.flushed = False  # spoken at once, but not the client's flush: a close still interrupts
        if message.flush:
            await context.flush()
        return True

    def _finish_later(self, name: str | None, context: InputContext) -> None:
        """Let the context speak what was flushed and send its final, while the socket reads on."""
        self._closing[name] = context

        async def finish() -> None:
            try:
                await context.finish()
            finally:
                if self._closing.get(name) is context:
                    del self._closing[name]

        task = asyncio.create_task(finish())
        self._finishing.add(task)
        task.add_done_callback(self._finishing.discard)

    async def _open(self, name: str | None, message: ClientMessage, settings: SocketSettings) -> InputContext | None:
        if len(self.contexts) + len(self._closing) >= self.api_config.stream_input_max_contexts:
            raise ProtocolError(
                f"Maximum simultaneous contexts per WebSocket connection exceeded "
                f"({self.api_config.stream_input_max_contexts}). Please close an existing context before opening "
                "a new one.",
                "max_active_conversations",
            )
        speed = message.voice_settings.speed if message.voice_settings and message.voice_settings.speed else 1.0
        schedule = message.generation_config.chunk_length_schedule if message.generation_config else None
        job = SpeechJob(
            text="",
            voice=settings.voice,
            speed=speeds.clamped(speed),
            response_format=settings.output.response_format,
            sample_rate=settings.output.sample_rate,
            lang=settings.lang,
            normalization=self.text_config.normalization_for(settings.normalize),
            owner=self._key.digest.hex() if self._key is not None else "",
        )
        outcome = SpeechOutcome(voice=job.voice, response_format=settings.output.name, input_chars=0)
        try:
            await self.worker.wait_settled(self.api_config.load_wait_seconds)
            service: SpeechService = self.worker.require_service()
            live = service.open_live(
                job,
                outcome,
                self.live_config,
                schedule=schedule or (),
                encoder_settings=settings.output.encoder_settings(service.audio),
                max_seconds=self.api_config.max_audio_seconds,
            )
        except REFUSED as error:
            code, _ = refusal(error)
            if not self.multi:
                raise ProtocolError(str(error), code) from None
            # One context refused: said for it alone, and ended (Pipecat waits for its isFinal).
            await self._send(protocol.error_message(str(error), code, name))
            await self._send(protocol.final_message(name))
            return None
        context = InputContext(live, name, self._send, self.route)
        self.contexts[name] = context
        return context

    async def _close_all(self) -> None:
        """``close_socket``: contexts last flushed finish their speech (for at most ``CLOSE_SOCKET_SECONDS``), the
        others stop; each sends ``isFinal``."""
        contexts, self.contexts = list(self.contexts.values()), {}
        for context in contexts:
            if context.flushed:
                self._finish_later(context.context_id, context)
            else:
                await context.stop()
        if self._finishing:
            await asyncio.wait(list(self._finishing), timeout=CLOSE_SOCKET_SECONDS)
        closing, self._closing = list(self._closing.values()), {}
        await asyncio.gather(*(context.stop() for context in closing))

    async def _timed_out(self, settings: SocketSettings) -> None:
        contexts = [*self.contexts.values(), *self._closing.values()]
        self.contexts, self._closing = {}, {}
        await asyncio.gather(*(context.stop() for context in contexts))
        seconds = round(settings.inactivity_seconds)
        await self._refuse(
            f"Have not received a new text input within the timeout of {seconds} seconds. Streaming input "
            "terminated. Please make sure to either feed the input in the timely manner, or to send the end of input "
            'text (empty string "") when done.',
            "input_timeout_exceeded",
        )

    async def _refuse(self, message: str, error: str) -> None:
        with contextlib.suppress(WebSocketDisconnect, ConnectionError, RuntimeError):
            await self._send(protocol.error_message(message, error))
            await self.socket.close(code=protocol.POLICY_VIOLATION, reason=protocol.close_reason(message))

    async def _send(self, message: dict[str, object]) -> None:
        async with self._sending:
            await asyncio.wait_for(
                self.socket.send_text(msgspec.json.encode(message).decode()),
                self.api_config.send_timeout_seconds or None,
            )
