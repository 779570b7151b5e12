"""``/v1/text-to-speech/{voice_id}/stream-input`` and ``/multi-stream-input``: ElevenLabs' WebSockets for text
that arrives as a language model writes it. The voice is a Kokoro voice, one of OpenAI's names or a blend."""

from __future__ import annotations

from typing import Any

from litestar import WebSocket, websocket
from litestar.di import NamedDependency
from litestar.handlers import WebsocketRouteHandler
from litestar.params import FromPath

from kokoro_speech.api.access import ApiKeys
from kokoro_speech.api.access.limits import RateLimiter
from kokoro_speech.api.config import ApiConfig
from kokoro_speech.api.stream_input.socket import StreamInputSocket
from kokoro_speech.normalize.config import TextConfig
from kokoro_speech.speech.config import LiveConfig
from kokoro_speech.speech.worker import SpeechWorker

SINGLE_PATH = "/text-to-speech/{voice_id:str}/stream-input"
MULTI_PATH = "/text-to-speech/{voice_id:str}/multi-stream-input"


async def _serve(
    socket: WebSocket[Any, Any, Any],
    voice_id: str,
    multi: bool,
    worker: SpeechWorker,
    limiter: RateLimiter,
    access_keys: ApiKeys | None,
    api_config: ApiConfig,
    live_config: LiveConfig,
    text_config: TextConfig,
) -> None:
    route = api_config.prefix.rstrip("/") + (MULTI_PATH if multi else SINGLE_PATH).replace(":str", "")
    await StreamInputSocket(
        socket,
        voice_id,
        multi=multi,
        worker=worker,
        limiter=limiter,
        keys=access_keys,
        api_config=api_config,
        live_config=live_config,
        text_config=text_config,
        route=route,
    ).run()


def _route(path: str, name: str, *, multi: bool) -> WebsocketRouteHandler:
    """The handler of one of the two paths (the same but for whether contexts are named)."""

    @websocket(path, name=name)
    async def handler(
        socket: WebSocket[Any, Any, Any],
        voice_id: FromPath[str],
        worker: NamedDependency[SpeechWorker],
        limiter: NamedDependency[RateLimiter],
        access_keys: NamedDependency[ApiKeys | None],
        api_config: NamedDependency[ApiConfig],
        live_config: NamedDependency[LiveConfig],
        text_config: NamedDependency[TextConfig],
    ) -> None:
        await _serve(socket, voice_id, multi, worker, limiter, access_keys, api_config, live_config, text_config)

    return handler


stream_input = _route(SINGLE_PATH, "stream_input", multi=False)
multi_stream_input = _route(MULTI_PATH, "multi_stream_input", multi=True)
