"""OpenAI's speech events: the audio of a response framed as server-sent events."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator

import msgspec
import structlog

from kokoro_speech.api.errors import error_body, server_error_message
from kokoro_speech.engine.timing import SpokenWord
from kokoro_speech.speech.captions import CaptionFormat, captions
from kokoro_speech.speech.config import CaptionConfig
from kokoro_speech.speech.response import SpeechResponse, StreamFailed


async def speech_events(
    speech: SpeechResponse,
    with_words: bool,
    caption_format: CaptionFormat | None,
    caption_config: CaptionConfig,
) -> AsyncIterator[str]:
    """``speech.audio.delta`` events with base64 audio, then ``speech.audio.done`` with the usage.

    Extensions: ``with_words`` adds to each delta the timings of the words its audio completes;
    ``caption_format`` adds to the done event the captions of the whole clip.
    """
    waiting: list[SpokenWord] = []
    spoken: list[SpokenWord] = []
    try:
        async for piece in speech.pieces_in_time():
            waiting.extend(piece.words)
            spoken.extend(piece.words)
            if not piece.data:
                continue
            event: dict[str, object] = {"type": "speech.audio.delta", "audio": base64.b64encode(piece.data).decode()}
            if with_words:
                event["words"], waiting = waiting, []
            yield msgspec.json.encode(event).decode()
    except StreamFailed:
        # Said as an event too, in OpenAI's error shape, for clients that read events rather than the connection.
        message = server_error_message(
            "The speech stopped early: the server had an error while making it.",
            structlog.contextvars.get_contextvars().get("request_id"),
        )
        error = {"type": "error", **error_body(message, "server_error", None, "internal_error")}
        yield msgspec.json.encode(error).decode()
        raise
    if speech.outcome.timed_out:
        return  # no done event: the client can tell the audio is not whole
    done: dict[str, object] = {"type": "speech.audio.done", "usage": speech.usage()}
    if with_words and waiting:
        done["words"] = waiting
    if caption_format is not None:
        done["captions"] = captions(spoken, caption_format, caption_config, speech.outcome.audio_seconds)
    yield msgspec.json.encode(done).decode()
