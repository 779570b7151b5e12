"""POST /v1/audio/speech, /v1/audio/speech/timestamps and /v1/audio/phonemize."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import msgspec
from litestar import Request, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.response import ServerSentEvent, Stream

from kokoro_speech.api.errors import OpenAIError
from kokoro_speech.api.schemas import MODELS, Normalization, Phonemes, PhonemizeRequest, SpeechRequest, TimedSpeech
from kokoro_speech.config import SpeechConfig, normalization_options
from kokoro_speech.engine import languages
from kokoro_speech.engine.engine import NothingToSayError, SpeechInput
from kokoro_speech.engine.languages import UnknownLanguageError
from kokoro_speech.engine.scheduler import Overloaded
from kokoro_speech.engine.timing import SpokenWord
from kokoro_speech.engine.voices import UnknownVoiceError
from kokoro_speech.normalize import NormalizationOptions
from kokoro_speech.service import (
    SpeechJob,
    SpeechOutcome,
    SpeechResponse,
    SpeechService,
)

# nginx's status for a request the client closed before the answer: only ever seen in logs.
CLIENT_CLOSED_REQUEST = 499
OUTCOME_STATE = "kokoro_speech_outcome"
RESPONSE_STATE = "kokoro_speech_response"


def check_input(text: str, config: SpeechConfig) -> None:
    if not text.strip():
        raise OpenAIError(400, "'input' must not be empty.", param="input", code="empty_input")
    if len(text) > config.max_input_chars:
        raise OpenAIError(
            400,
            f"'input' is {len(text)} characters long; the maximum is {config.max_input_chars}.",
            param="input",
            code="string_above_max_length",
        )


def check_request(data: SpeechRequest, config: SpeechConfig) -> None:
    """What msgspec's schema cannot say: known model, input within the configured bounds."""
    if data.model not in MODELS:
        raise OpenAIError(
            404,
            f"The model '{data.model}' does not exist. Available models: {', '.join(MODELS)}.",
            param="model",
            code="model_not_found",
        )
    check_input(data.input, config)
    if not data.voice_id.strip():
        raise OpenAIError(400, "'voice' must not be empty.", param="voice", code="invalid_value")


def _normalization(config: SpeechConfig, override: Normalization | None) -> NormalizationOptions:
    overrides = msgspec.structs.asdict(override) if override is not None else {}
    return normalization_options(config, **overrides)


@contextmanager
def openai_errors(config: SpeechConfig) -> Iterator[None]:
    """The engine's refusals as OpenAI errors."""
    try:
        yield
    except UnknownVoiceError as error:
        raise OpenAIError(400, str(error), param="voice", code="invalid_value") from error
    except UnknownLanguageError as error:
        raise OpenAIError(400, str(error), param="lang", code="unsupported_language") from error
    except NothingToSayError as error:
        raise OpenAIError(400, str(error), param="input", code="invalid_value") from error
    except Overloaded as error:
        raise OpenAIError(
            503,
            "The server is overloaded; retry after a moment.",
            code="server_overloaded",
            headers={"Retry-After": str(config.retry_after_seconds)},
        ) from error


async def _open(
    data: SpeechRequest, service: SpeechService, config: SpeechConfig, request: Request[Any, Any, Any]
) -> SpeechResponse:
    check_request(data, config)
    outcome = SpeechOutcome(voice=data.voice_id, response_format=data.response_format, input_chars=len(data.input))
    request.state[OUTCOME_STATE] = outcome
    job = SpeechJob(
        text=data.input,
        voice=data.voice_id,
        speed=data.speed,
        response_format=data.response_format,
        lang=data.lang,
        input_type=data.input_type,
        normalization=_normalization(config, data.normalization),
    )
    with openai_errors(config):
        speech = await service.open(job, outcome)
    request.state[RESPONSE_STATE] = speech
    return speech


@post(
    "/audio/speech",
    status_code=200,
    summary="Create speech",
    description=(
        "OpenAI's createSpeech. `instructions` is accepted but does not change the output. Extensions: "
        "`lang`, `input_type`, `normalization`, and `timestamps` (word timings in SSE delta events)."
    ),
)
async def create_speech(
    data: JSONBody[SpeechRequest],
    service: NamedDependency[SpeechService],
    config: NamedDependency[SpeechConfig],
    request: Request[Any, Any, Any],
) -> Stream:
    if data.timestamps and data.stream_format != "sse":
        raise OpenAIError(
            400,
            "'timestamps' needs stream_format 'sse'; for a whole file with word timings use "
            "POST /v1/audio/speech/timestamps.",
            param="timestamps",
            code="invalid_value",
        )
    if data.timestamps and not service.engine.model.has_durations:
        raise _no_timestamps()
    speech = await _open(data, service, config, request)
    headers = {"X-Cache": "HIT" if speech.outcome.cache_hit else "MISS"}
    if data.stream_format == "sse":
        return ServerSentEvent(_sse_data(speech, data.timestamps), headers=headers)
    return Stream(speech.audio(), media_type=speech.media_type, headers=headers)


@post(
    "/audio/speech/timestamps",
    status_code=200,
    summary="Create speech with word timestamps",
    description="Extension: the same body as createSpeech; answers the whole audio (base64) and each word's times.",
)
async def create_timed_speech(
    data: JSONBody[SpeechRequest],
    service: NamedDependency[SpeechService],
    config: NamedDependency[SpeechConfig],
    request: Request[Any, Any, Any],
) -> TimedSpeech:
    if not service.engine.model.has_durations:
        raise _no_timestamps()
    speech = await _open(data, service, config, request)
    audio = bytearray()
    words: list[SpokenWord] = []

    async def collect() -> None:
        async for piece in speech.pieces():
            audio.extend(piece.data)
            words.extend(piece.words)

    # Nothing is sent before the whole answer exists, so a client that leaves would go unnoticed
    # until then: watch the connection and stop the synthesis when it closes.
    collecting = asyncio.ensure_future(collect())
    leaving = asyncio.ensure_future(_disconnected(request))
    try:
        await asyncio.wait({collecting, leaving}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        leaving.cancel()
    if not collecting.done():
        collecting.cancel()
        await speech.aclose()
        raise OpenAIError(CLIENT_CLOSED_REQUEST, "The client closed the request.", code="client_closed_request")
    collecting.result()
    return TimedSpeech(
        audio=base64.b64encode(audio).decode(),
        response_format=data.response_format,
        content_type=speech.media_type,
        duration=round(speech.outcome.audio_seconds(service.engine.sample_rate), 3),
        words=words,
        usage=speech.usage(),
    )


@post(
    "/audio/phonemize",
    status_code=200,
    summary="Phonemize text",
    description="Extension: the phonemes and model tokens the server would speak for `input`.",
)
async def phonemize(
    data: JSONBody[PhonemizeRequest],
    service: NamedDependency[SpeechService],
    config: NamedDependency[SpeechConfig],
) -> Phonemes:
    check_input(data.input, config)
    engine = service.engine
    with openai_errors(config):
        if data.lang is not None:
            language = languages.find(data.lang)
        elif data.voice is not None:
            language = engine.voices.resolve(data.voice).language
        else:
            language = languages.LANGUAGES[0]
        speech = SpeechInput(data.input, language, _normalization(config, data.normalization))
        reading = await engine.read_async(speech)
    phonemes = " ".join(reading.phoneme_sentences())
    return Phonemes(phonemes=phonemes, tokens=engine.phonemizer.tokenize(phonemes), lang=language.code)


async def _disconnected(request: Request[Any, Any, Any]) -> None:
    """Returns when the client has closed the connection (the body has been read already)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


def _no_timestamps() -> OpenAIError:
    return OpenAIError(
        400,
        "Word timestamps are turned off on this server (KOKORO_SPEECH_WORD_TIMESTAMPS=false).",
        param="timestamps",
        code="timestamps_unavailable",
    )


async def _sse_data(speech: SpeechResponse, with_words: bool) -> AsyncIterator[str]:
    async for event in speech.sse(with_words):
        yield event.decode()
