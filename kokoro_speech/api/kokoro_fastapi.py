"""Kokoro-FastAPI's own routes, answering in its shapes, so that its users switch by changing the URL.

Under the API prefix: the download of a saved response (``GET /v1/download/{name}``) and voice combination
(``POST /v1/audio/voices/combine``). At the root, as there: ``/dev/captioned_speech`` (base64 audio with each
word's ``start_time`` and ``end_time``; one JSON object per line while it streams, its default),
``/dev/phonemize``, ``/dev/generate_from_phonemes`` and ``/dev/dialogue``. Every request is checked, admitted and
counted as ``/v1/audio/speech`` is; errors are OpenAI's shape, as everywhere on this server.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import Body, FromPath, JSONBody
from litestar.response import File

from kokoro_speech.api.access.limits import RateLimiter
from kokoro_speech.api.closing import SpeechStream
from kokoro_speech.api.config import ApiConfig
from kokoro_speech.api.downloads import DOWNLOAD_ROUTE, Downloads
from kokoro_speech.api.errors import OpenAIError
from kokoro_speech.api.openapi import (
    SPEECH_ERRORS,
    TEXT_ERRORS,
    AudioOperation,
    BinaryOperation,
    CaptionedOperation,
    error_responses,
)
from kokoro_speech.api.schemas import (
    CaptionedSpeech,
    CaptionedSpeechRequest,
    DialogueRequest,
    FastApiPhonemes,
    FastApiPhonemizeRequest,
    GenerateFromPhonemesRequest,
    PhonemizeRequest,
    SpeechRequest,
    WordTimestamp,
)
from kokoro_speech.api.speech import ignored, open_speech, phonemes_of, whole_answer
from kokoro_speech.api.voice_files import combined_voice
from kokoro_speech.engine.timing import SpokenWord
from kokoro_speech.normalize.config import TextConfig
from kokoro_speech.speech.response import SpeechResponse
from kokoro_speech.speech.service import SpeechService
from kokoro_speech.speech.worker import SpeechWorker

NDJSON = "application/x-ndjson"


def _stamps(words: list[SpokenWord]) -> list[WordTimestamp]:
    return [WordTimestamp(w.word, w.start, w.end) for w in words if w.word]


async def _caption_lines(speech: SpeechResponse, media_type: str, with_words: bool) -> AsyncIterator[bytes]:
    """One object per piece of audio: its bytes and the words it completes (a word's end may come with the
    next piece's audio, as the stream carries it)."""
    waiting: list[SpokenWord] = []
    async for piece in speech.pieces_in_time():
        waiting += piece.words
        if not piece.data:
            continue
        stamps, waiting = (_stamps(waiting) if with_words else []), []
        line = CaptionedSpeech(base64.b64encode(piece.data).decode(), media_type, stamps)
        yield msgspec.json.encode(line) + b"\n"
    if waiting and with_words:
        yield msgspec.json.encode(CaptionedSpeech("", media_type, _stamps(waiting))) + b"\n"


@post(
    "/captioned_speech",
    status_code=200,
    operation_class=CaptionedOperation,
    responses=error_responses(*SPEECH_ERRORS),
    summary="Captioned speech (Kokoro-FastAPI)",
    description=(
        "Kokoro-FastAPI's captioned speech: the speech request's fields and `return_timestamps`. Streamed "
        "(`stream: true`, the default), one JSON object per line, each with a piece of one continuous file; "
        "otherwise one object with the whole file."
    ),
)
async def captioned_speech(
    data: JSONBody[CaptionedSpeechRequest],
    service: NamedDependency[SpeechService],
    limiter: NamedDependency[RateLimiter],
    request: Request[Any, Any, Any],
    api_config: NamedDependency[ApiConfig],
    text_config: NamedDependency[TextConfig],
) -> SpeechStream | Response[CaptionedSpeech]:
    # Its download link is not made here: the lines carry the audio (named, not silently dropped).
    unused = ["return_download_link"] if data.return_download_link else []
    report = await ignored(request, data, "dev/captioned_speech", unused)
    speech, headers = await open_speech(data, service, limiter, request, api_config, text_config)
    headers |= report
    with_words = data.return_timestamps and service.engine.backend.has_durations
    if data.stream:
        lines = _caption_lines(speech, speech.media_type, with_words)
        return SpeechStream(
            speech, lines, send_timeout=api_config.send_timeout_seconds, media_type=NDJSON, headers=headers
        )
    whole = await whole_answer(request, speech, speech.collect())
    stamps = _stamps(whole.words) if with_words else None
    answer = CaptionedSpeech(base64.b64encode(whole.audio).decode(), speech.media_type, stamps)
    return Response(answer, headers=headers)


@post(
    "/phonemize",
    status_code=200,
    responses=error_responses(*TEXT_ERRORS),
    summary="Phonemize (Kokoro-FastAPI)",
    description="Kokoro-FastAPI's phonemize: `text` and `language` (a Kokoro letter or a code) to phonemes, tokens.",
)
async def dev_phonemize(
    data: JSONBody[FastApiPhonemizeRequest],
    service: NamedDependency[SpeechService],
    limiter: NamedDependency[RateLimiter],
    request: Request[Any, Any, Any],
    text_config: NamedDependency[TextConfig],
) -> Response[FastApiPhonemes]:
    report = await ignored(request, data, "dev/phonemize")
    asked = PhonemizeRequest(input=data.text, lang=data.language)
    found, limits = await phonemes_of(asked, service, limiter, request, text_config)
    return Response(FastApiPhonemes(found.phonemes, found.tokens), headers=limits | report)


@post(
    "/generate_from_phonemes",
    status_code=200,
    operation_class=AudioOperation,
    responses=error_responses(*SPEECH_ERRORS),
    summary="Speech from phonemes (Kokoro-FastAPI)",
    description="Kokoro-FastAPI's phoneme input: `phonemes` (Kokoro's symbols) said by `voice`, as a WAV stream.",
)
async def generate_from_phonemes(
    data: JSONBody[GenerateFromPhonemesRequest],
    service: NamedDependency[SpeechService],
    limiter: NamedDependency[RateLimiter],
    request: Request[Any, Any, Any],
    api_config: NamedDependency[ApiConfig],
    text_config: NamedDependency[TextConfig],
) -> SpeechStream:
    report = await ignored(request, data, "dev/generate_from_phonemes")
    asked = SpeechRequest(input=data.phonemes, voice=data.voice, input_type="phonemes", response_format="wav")
    speech, headers = await open_speech(asked, service, limiter, request, api_config, text_config)
    headers |= report
    return SpeechStream(
        speech,
        speech.audio(),
        send_timeout=api_config.send_timeout_seconds,
        media_type=speech.media_type,
        headers=headers,
    )


@post(
    "/dialogue",
    status_code=200,
    operation_class=AudioOperation,
    responses=error_responses(*SPEECH_ERRORS),
    summary="Dialogue (Kokoro-FastAPI)",
    description="Kokoro-FastAPI's dialogue: `turns` of `voice` and `text`, said in order, as one speech request.",
)
async def dialogue(
    data: JSONBody[DialogueRequest],
    service: NamedDependency[SpeechService],
    limiter: NamedDependency[RateLimiter],
    request: Request[Any, Any, Any],
    api_config: NamedDependency[ApiConfig],
    text_config: NamedDependency[TextConfig],
) -> SpeechStream | Response[bytes]:
    try:
        asked = data.speech_request()
    except ValueError as error:
        raise OpenAIError(400, str(error), param="turns", code="invalid_value") from None
    report = await ignored(request, data, "dev/dialogue")
    speech, headers = await open_speech(asked, service, limiter, request, api_config, text_config)
    headers |= report
    if not asked.stream:
        whole = await whole_answer(request, speech, speech.collect())
        return Response(bytes(whole.audio), media_type=speech.media_type, headers=headers)
    return SpeechStream(
        speech,
        speech.audio(),
        send_timeout=api_config.send_timeout_seconds,
        media_type=speech.media_type,
        headers=headers,
    )


class Unloaded(msgspec.Struct):
    status: str = "unloaded"


@post(
    "/unload",
    status_code=200,
    responses=error_responses(401, 403, 409, 500, 503),
    summary="Unload the model (Kokoro-FastAPI)",
    description=(
        "Frees this worker's model memory until the next request loads it again (`KOKORO_SPEECH_DEV_UNLOAD` "
        "allows it; `KOKORO_SPEECH_IDLE_UNLOAD_SECONDS` does it by itself after that long idle)."
    ),
)
async def unload(worker: NamedDependency[SpeechWorker], api_config: NamedDependency[ApiConfig]) -> Unloaded:
    if not api_config.dev_unload:
        raise OpenAIError(
            403,
            "Unloading the model is turned off on this server (KOKORO_SPEECH_DEV_UNLOAD).",
            code="permission_denied",
        )
    worker.require_service()
    if not await worker.unload():
        raise OpenAIError(409, "The model is running a request; try again once it is idle.", code="model_busy")
    return Unloaded()


@get(
    f"{DOWNLOAD_ROUTE}/{{name:str}}",
    operation_class=AudioOperation,
    summary="Download a saved response (Kokoro-FastAPI)",
    description="The whole file of a response made with `return_download_link` (its `X-Download-Path`).",
    responses=error_responses(400, 401, 404),
)
async def download(name: FromPath[str], downloads: NamedDependency[Downloads]) -> File:
    path = downloads.find(name)
    if path is None:
        raise OpenAIError(
            404,
            "No such download: it was never made, is not finished yet, or is past its time.",
            code="not_found",
        )
    return File(path, filename=name, content_disposition_type="attachment")


@post(
    "/audio/voices/combine",
    status_code=200,
    operation_class=BinaryOperation,
    responses=error_responses(400, 401, 408, 413, 500, 503),
    summary="Combine voices (Kokoro-FastAPI)",
    description=(
        'Kokoro-FastAPI\'s voice combination: a blend (`"af_bella(2)+af_sky"`) or a list of voices, answered '
        "with the mixed voice pack as a PyTorch file (`.pt`, a (510, 1, 256) float32 tensor), as Kokoro loads one."
    ),
)
async def combine_voices(
    data: Annotated[str | list[str], Body()],
    service: NamedDependency[SpeechService],
) -> Response[bytes]:
    spec = data if isinstance(data, str) else "+".join(data)
    name, payload = combined_voice(service.engine.voices, spec)
    return Response(
        payload,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{name}.pt"'},
    )
