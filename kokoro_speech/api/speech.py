"""POST /v1/audio/speech, /v1/audio/speech/timestamps and /v1/audio/phonemize."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
from collections.abc import AsyncIterator, Coroutine, Sequence
from typing import Any, TypeVar

import msgspec
import structlog
from litestar import Request, Response, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.response import Stream

from kokoro_speech.api import request_log
from kokoro_speech.api.access import ApiKey
from kokoro_speech.api.access.limits import RateLimiter
from kokoro_speech.api.closing import SpeechEvents, SpeechStream
from kokoro_speech.api.config import ApiConfig
from kokoro_speech.api.downloads import DOWNLOAD_ROUTE, Downloads
from kokoro_speech.api.errors import OpenAIError
from kokoro_speech.api.ignored import ignored_headers, unknown_fields
from kokoro_speech.api.openapi import SPEECH_ERRORS, TEXT_ERRORS, SpeechOperation, error_responses
from kokoro_speech.api.schemas import (
    MODELS,
    FastApiNormalization,
    Normalization,
    Phonemes,
    PhonemizeRequest,
    SpeechRequest,
    TimedSpeech,
)
from kokoro_speech.api.sse import speech_events
from kokoro_speech.api.voice_aliases import BadAliasError, VoiceAliases
from kokoro_speech.audio.formats import output_rate
from kokoro_speech.engine import languages, speeds
from kokoro_speech.engine.job import InputType, SpeechJob
from kokoro_speech.engine.joins import SAMPLE_RATE
from kokoro_speech.normalize import NormalizationOptions
from kokoro_speech.normalize.config import TextConfig
from kokoro_speech.normalize.ssml import is_ssml
from kokoro_speech.normalize.voice_tags import rate_tag
from kokoro_speech.speech.captions import captions
from kokoro_speech.speech.config import CaptionConfig
from kokoro_speech.speech.response import SpeechOutcome, SpeechResponse
from kokoro_speech.speech.service import SpeechService

T = TypeVar("T")
log = structlog.get_logger("kokoro_speech")

# nginx's status for a request the client closed before the answer: only ever seen in logs.
CLIENT_CLOSED_REQUEST = 499


def check_input(text: str, config: TextConfig) -> None:
    limit = config.max_input_chars
    if not text.strip():
        raise OpenAIError(400, "'input' must not be empty.", param="input", code="empty_input")
    if len(text) > limit:
        raise OpenAIError(
            400,
            f"'input' is {len(text)} characters long; the maximum is {limit}.",
            param="input",
            code="string_above_max_length",
        )


def checked_job(data: SpeechRequest, config: TextConfig) -> SpeechJob:
    """The job a request asks for, once what msgspec's schema cannot say is checked: a known model,
    an input within the configured bounds, a voice; Kokoro-FastAPI's fields read as they are there."""
    if data.model not in MODELS:
        raise OpenAIError(
            404,
            f"The model '{data.model}' does not exist. Available models: {', '.join(MODELS)}.",
            param="model",
            code="model_not_found",
        )
    check_input(data.input, config)
    try:
        aliases = VoiceAliases(data.voice_aliases)
    except BadAliasError as error:
        raise OpenAIError(400, str(error), param="voice_aliases", code="invalid_value") from None
    voice, pace = aliases.resolve(data.voice_id)
    if not voice.strip():
        raise OpenAIError(400, "'voice' must not be empty.", param="voice", code="invalid_value")
    if data.ssml and data.input_type == "phonemes":
        raise OpenAIError(
            400, "'ssml' and input_type 'phonemes' ask for two readings; send one.", param="ssml", code="invalid_value"
        )
    text, speed = data.input, data.speed
    if data.allow_voice_tags:
        # An alias's pace is its voice's: with tags it lasts until the next speaker, as there.
        text = aliases.in_tags(text if pace is None else rate_tag(pace) + " " + text)
    elif pace is not None:
        speed = speeds.clamped(speed * pace)
    # As in Kokoro-FastAPI, `ssml` reads a <speak> document as SSML and anything else as text.
    asked: InputType = "ssml" if data.ssml and is_ssml(data.input) else data.input_type
    return SpeechJob(
        text=text,
        voice=voice,
        speed=speed,
        response_format=data.response_format,
        sample_rate=data.sample_rate,
        volume=1.0 if data.volume_multiplier is None else data.volume_multiplier,
        lang=_language(data),
        input_type=input_type_of(data.input, asked, config),
        voice_tags=data.allow_voice_tags,
        normalization=_normalization(config, data.normalization, data.normalization_options),
        lexicon=data.lexicon,
    )


def _language(data: SpeechRequest) -> str | None:
    """``lang``, or Kokoro-FastAPI's ``lang_code`` (the same codes and letters); both must name one language."""
    if data.lang is not None and data.lang_code is not None:
        same = languages.find(data.lang).code == languages.find(data.lang_code).code
        if not same:
            raise OpenAIError(
                400,
                f"'lang' ({data.lang}) and 'lang_code' ({data.lang_code}) name different languages; send one.",
                param="lang_code",
                code="invalid_value",
            )
    return data.lang if data.lang is not None else data.lang_code


def unused_fields(data: SpeechRequest) -> list[str]:
    """Fields this server knows but that change nothing in this request."""
    unused = ["instructions"] if data.instructions else []
    if data.normalization_options is not None and data.normalization_options.optional_pluralization_normalization:
        unused.append("normalization_options.optional_pluralization_normalization")
    if not data.return_download_link:
        unused += [name for name in ("download_format", "return_timing") if getattr(data, name)]
    elif data.stream_format == "sse":
        unused.append("return_download_link")  # events carry their audio; there is no one file to save
    if data.stream_format == "sse" and not data.stream:
        unused.append("stream")  # events are a stream by nature
    return unused


def input_type_of(text: str, asked: InputType, config: TextConfig) -> InputType:
    """How the input is read: text that starts with ``<speak>`` is SSML, where the server reads SSML."""
    if asked == "ssml" and not config.ssml:
        raise OpenAIError(
            400, "SSML is turned off on this server (KOKORO_SPEECH_SSML).", param="input_type", code="invalid_value"
        )
    if asked == "text" and config.ssml and is_ssml(text):
        return "ssml"
    return asked


def _normalization(
    config: TextConfig, override: Normalization | None, fastapi: FastApiNormalization | None = None
) -> NormalizationOptions:
    """The server's normalization with the request's switches; this server's names win over Kokoro-FastAPI's."""
    overrides = {k: v for k, v in (fastapi.switches() if fastapi is not None else {}).items() if v is not None}
    if override is not None:
        overrides |= {k: v for k, v in msgspec.structs.asdict(override).items() if v is not None}
    return config.normalization_for(**overrides)


def caller_key(request: Request[Any, Any, Any]) -> ApiKey | None:
    """The API key the caller was authenticated with, where keys are on."""
    key = request.scope.get("user")
    return key if isinstance(key, ApiKey) else None


async def admit(limiter: RateLimiter, request: Request[Any, Any, Any], chars: int) -> dict[str, str]:
    """Count the request against its caller's limits (its API key, else its address): the rate limit headers
    to answer with, or a 429 before any work starts."""
    key = caller_key(request)
    caller = f"key:{key.id}" if key else f"address:{request.client.host if request.client else 'unknown'}"
    return await limiter.admit(caller, key, chars)


async def open_speech(
    data: SpeechRequest,
    service: SpeechService,
    limiter: RateLimiter,
    request: Request[Any, Any, Any],
    api_config: ApiConfig,
    text_config: TextConfig,
) -> tuple[SpeechResponse, dict[str, str]]:
    """The response to a speech request, checked and admitted, and the headers to answer it with."""
    job = checked_job(data, text_config)
    key = caller_key(request)
    if key is not None and api_config.cache_per_key:
        # The key's digest, the same on every server sharing the cache (its id in the logs is per deployment).
        job = dataclasses.replace(job, owner=key.digest.hex())
    outcome = SpeechOutcome(voice=job.voice, response_format=job.response_format, input_chars=len(job.text))
    request_log.describe(request, outcome)
    limits = await admit(limiter, request, len(job.text))
    timeout = api_config.request_timeout_seconds
    deadline = asyncio.get_running_loop().time() + timeout if timeout else None
    try:
        async with asyncio.timeout_at(deadline):
            # Until its first chunk is made a request sends nothing, so a client that leaves while it waits
            # for a lane would go unnoticed: the connection is watched, and its job leaves the queue at once.
            speech = await until_disconnected(request, service.open(job, outcome))
    except TimeoutError:
        outcome.timed_out = True
        raise OpenAIError(
            504,
            f"The request took longer than this server's limit of {timeout:g} s before its first audio; "
            "retry with a shorter input, or later.",
            code="timeout",
        ) from None
    if speech is None:
        raise _client_closed()
    speech.deadline = deadline
    speech.max_samples = round(api_config.max_audio_seconds * SAMPLE_RATE)
    return speech, {"X-Cache": "HIT" if speech.outcome.cache_hit else "MISS", **limits}


async def ignored(
    request: Request[Any, Any, Any], data: msgspec.Struct, route: str, unused: Sequence[str] = ()
) -> dict[str, str]:
    """The header naming the body's fields that change nothing (see :mod:`.ignored`), ``unused`` among them."""
    # The body is in hand already (the data was decoded from it); its field names are read again here.
    document = msgspec.json.decode(await request.body())
    known = unused_fields(data) if isinstance(data, SpeechRequest) else []
    return ignored_headers([*unknown_fields(document, type(data)), *known, *unused], route)


@post(
    "/audio/speech",
    status_code=200,
    operation_class=SpeechOperation,
    responses=error_responses(*SPEECH_ERRORS),
    summary="Create speech",
    description=(
        "OpenAI's createSpeech. `instructions` is accepted but does not change the output. Extensions: "
        "`lang`, `input_type`, `normalization`, and `timestamps` (word timings in SSE delta events)."
    ),
)
async def create_speech(
    data: JSONBody[SpeechRequest],
    service: NamedDependency[SpeechService],
    limiter: NamedDependency[RateLimiter],
    request: Request[Any, Any, Any],
    api_config: NamedDependency[ApiConfig],
    text_config: NamedDependency[TextConfig],
    caption_config: NamedDependency[CaptionConfig],
    downloads: NamedDependency[Downloads],
) -> Stream | Response[bytes]:
    if data.timestamps and data.stream_format != "sse":
        raise OpenAIError(
            400,
            "'timestamps' needs stream_format 'sse'; for a whole file with word timings use "
            "POST /v1/audio/speech/timestamps.",
            param="timestamps",
            code="invalid_value",
        )
    if data.captions is not None and data.stream_format != "sse":
        raise OpenAIError(
            400,
            "'captions' needs stream_format 'sse' (they come in the done event); for a whole file with its "
            "captions use POST /v1/audio/speech/timestamps.",
            param="captions",
            code="invalid_value",
        )
    if (data.timestamps or data.captions is not None) and not service.engine.backend.has_durations:
        raise _no_timestamps("timestamps" if data.timestamps else "captions")
    report = await ignored(request, data, "speech")
    speech, headers = await open_speech(data, service, limiter, request, api_config, text_config)
    headers |= report
    if data.stream_format == "sse":
        return SpeechEvents(
            speech,
            speech_events(speech, data.timestamps, data.captions, caption_config),
            send_timeout=api_config.send_timeout_seconds,
            headers=headers,
        )
    audio = speech.audio()
    if data.return_download_link:
        name = downloads.new_name(data.download_format or data.response_format)
        headers["X-Download-Path"] = f"{DOWNLOAD_ROUTE}/{name}"
        if data.return_timing:
            headers["X-Timing-Path"] = f"{DOWNLOAD_ROUTE}/{name}.json"
        rate = output_rate(data.response_format, data.sample_rate, SAMPLE_RATE)
        saved = data.download_format or data.response_format
        audio = downloads.saving(speech, data.response_format, saved, rate, data.sample_rate, name, data.return_timing)
    if not data.stream:
        return await _whole(request, speech, audio, headers)
    return SpeechStream(
        speech, audio, send_timeout=api_config.send_timeout_seconds, media_type=speech.media_type, headers=headers
    )


async def _whole(
    request: Request[Any, Any, Any], speech: SpeechResponse, audio: AsyncIterator[bytes], headers: dict[str, str]
) -> Response[bytes]:
    """Kokoro-FastAPI's ``stream: false``: the whole file in one answer, with its length."""

    async def joined() -> bytes:
        return b"".join([piece async for piece in audio])

    return Response(await whole_answer(request, speech, joined()), media_type=speech.media_type, headers=headers)


async def whole_answer(request: Request[Any, Any, Any], speech: SpeechResponse, work: Coroutine[Any, Any, T]) -> T:
    """What ``work`` makes of the whole of ``speech`` (nothing is sent before it exists, so the connection is
    watched meanwhile: a client that leaves stops the synthesis)."""
    try:
        whole = await until_disconnected(request, work)
    finally:
        speech.close()
    if whole is None:
        raise _client_closed()
    return whole


@post(
    "/audio/speech/timestamps",
    status_code=200,
    responses=error_responses(*SPEECH_ERRORS, 504),
    summary="Create speech with word timestamps",
    description=(
        "Extension: the same body as createSpeech; answers the whole audio (base64), each word's times and, with "
        "`captions`, the captions of the clip (WebVTT or SRT)."
    ),
)
async def create_timed_speech(
    data: JSONBody[SpeechRequest],
    service: NamedDependency[SpeechService],
    limiter: NamedDependency[RateLimiter],
    request: Request[Any, Any, Any],
    api_config: NamedDependency[ApiConfig],
    text_config: NamedDependency[TextConfig],
    caption_config: NamedDependency[CaptionConfig],
) -> Response[TimedSpeech]:
    if not service.engine.backend.has_durations:
        raise _no_timestamps()
    report = await ignored(request, data, "speech/timestamps")
    speech, headers = await open_speech(data, service, limiter, request, api_config, text_config)
    try:
        # Nothing is sent before the whole answer exists, so a client that leaves would go unnoticed
        # until then: the connection is watched meanwhile.
        whole = await until_disconnected(request, speech.collect())
    finally:
        speech.close()
    if whole is None:
        raise _client_closed()
    if speech.outcome.timed_out:
        raise OpenAIError(
            504,
            f"The request took longer than this server's limit of {api_config.request_timeout_seconds:g} s.",
            code="timeout",
        )
    timed = TimedSpeech(
        audio=await asyncio.to_thread(_base64, whole.audio),
        response_format=data.response_format,
        content_type=speech.media_type,
        duration=round(speech.outcome.audio_seconds, 3),
        words=whole.words,
        usage=speech.usage(),
        captions=None
        if data.captions is None
        else captions(whole.words, data.captions, caption_config, speech.outcome.audio_seconds),
    )
    return Response(timed, headers=headers | report)


@post(
    "/audio/phonemize",
    status_code=200,
    responses=error_responses(*TEXT_ERRORS),
    summary="Phonemize text",
    description="Extension: the phonemes and model tokens the server would speak for `input`.",
)
async def phonemize(
    data: JSONBody[PhonemizeRequest],
    service: NamedDependency[SpeechService],
    limiter: NamedDependency[RateLimiter],
    request: Request[Any, Any, Any],
    text_config: NamedDependency[TextConfig],
) -> Response[Phonemes]:
    report = await ignored(request, data, "phonemize")
    found, limits = await phonemes_of(data, service, limiter, request, text_config)
    return Response(found, headers=limits | report)


async def phonemes_of(
    data: PhonemizeRequest,
    service: SpeechService,
    limiter: RateLimiter,
    request: Request[Any, Any, Any],
    text_config: TextConfig,
) -> tuple[Phonemes, dict[str, str]]:
    """The phonemes of a phonemize request, checked and admitted, and the rate limit headers."""
    check_input(data.input, text_config)
    limits = await admit(limiter, request, len(data.input))
    engine = service.engine
    job = SpeechJob(
        text=data.input,
        voice=data.voice or "",
        input_type=input_type_of(data.input, "text", text_config),
        normalization=_normalization(text_config, data.normalization),
        lexicon=data.lexicon,
    )
    if data.lang is not None:
        language = languages.find(data.lang)
    elif data.voice is not None:
        language = engine.speaker(job).language
    else:
        language = languages.LANGUAGES[0]
    # Read after every waiting speech request's plan, and refused (503) while too many wait; nothing is sent
    # before the reading is whole, so the connection is watched meanwhile.
    reading = await until_disconnected(request, engine.read_async(job, language))
    if reading is None:
        raise _client_closed()
    phonemes = " ".join(reading.phoneme_sentences())
    return Phonemes(phonemes=phonemes, tokens=engine.phonemizer.tokenize(phonemes), lang=language.code), limits


async def until_disconnected(request: Request[Any, Any, Any], work: Coroutine[Any, Any, T]) -> T | None:
    """The result of ``work``, or None if the client closes the connection first (``work`` is then
    cancelled, as it is when the handler itself is)."""
    working = asyncio.ensure_future(work)
    leaving = asyncio.ensure_future(_disconnected(request))
    try:
        await asyncio.wait({working, leaving}, return_when=asyncio.FIRST_COMPLETED)
        if leaving.done() and not leaving.cancelled() and leaving.exception() is not None:
            # The connection could not be watched: the client may still be there, so the work goes on.
            log.warning("could not watch the connection", error=repr(leaving.exception()))
            await asyncio.wait({working})
    finally:
        leaving.cancel()
        if not working.done():
            working.cancel()
    return working.result() if working.done() and not working.cancelled() else None


async def _disconnected(request: Request[Any, Any, Any]) -> None:
    """Returns when the client has closed the connection (the body has been read already)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


def _client_closed() -> OpenAIError:
    return OpenAIError(CLIENT_CLOSED_REQUEST, "The client closed the request.", code="client_closed_request")


def _base64(audio: bytes | bytearray) -> str:
    return base64.b64encode(audio).decode()


def _no_timestamps(param: str = "timestamps") -> OpenAIError:
    return OpenAIError(
        400,
        "Word timestamps (and the captions made from them) are turned off on this server "
        "(KOKORO_SPEECH_WORD_TIMESTAMPS=false).",
        param=param,
        code="timestamps_unavailable",
    )
