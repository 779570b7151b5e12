"""One log line per request with its timings, and clean-up of abandoned streams."""

from __future__ import annotations

import os
import time
from typing import Any

import structlog
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from kokoro_speech.api.speech import OUTCOME_STATE, RESPONSE_STATE
from kokoro_speech.engine.joins import SAMPLE_RATE
from kokoro_speech.service import SpeechOutcome, SpeechResponse

log = structlog.get_logger("kokoro_speech.access")


class RequestLogMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        started = time.perf_counter()
        first_byte: float | None = None
        status = 500

        async def timed_send(message: Message) -> None:
            nonlocal first_byte, status
            if message["type"] == "http.response.start":
                status = message["status"]
                # Which worker answered: useful behind several workers, and for seeing the shared cache work.
                message["headers"] = [*message.get("headers", []), (b"x-worker-pid", str(os.getpid()).encode())]
            elif message["type"] == "http.response.body" and first_byte is None and message.get("body"):
                first_byte = time.perf_counter()
            await send(message)

        try:
            await next_app(scope, receive, timed_send)
        finally:
            state: dict[str, Any] = scope.get("state", {})
            speech: SpeechResponse | None = state.get(RESPONSE_STATE)
            if speech is not None:
                # The client may have gone mid-stream: stop the synthesis it left running.
                await speech.aclose()
            fields: dict[str, Any] = {
                "method": scope.get("method"),
                "path": scope["path"],
                "status": status,
                "ttfb_ms": round((first_byte - started) * 1000, 1) if first_byte else None,
                "total_ms": round((time.perf_counter() - started) * 1000, 1),
            }
            outcome: SpeechOutcome | None = state.get(OUTCOME_STATE)
            if outcome is not None:
                fields.update(
                    voice=outcome.voice,
                    format=outcome.response_format,
                    input_chars=outcome.input_chars,
                    audio_s=round(outcome.audio_seconds(SAMPLE_RATE), 2),
                    cache_hit=outcome.cache_hit,
                    completed=outcome.completed,
                    **{f"{k}_ms": round(v * 1000, 1) for k, v in outcome.timings.items()},
                )
            log.info("request", **fields)
