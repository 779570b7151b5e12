"""POST /v1/audio/speech."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from litestar import Request, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.response import ServerSentEvent, Stream

from kokoro_speech.api.errors import OpenAIError
from kokoro_speech.api.schemas import MODELS, SpeechRequest
from kokoro_speech.config import SpeechConfig
from kokoro_speech.engine.engine import NothingToSayError
from kokoro_speech.engine.scheduler import Overloaded
from kokoro_speech.engine.voices import UnknownVoiceError
from kokoro_speech.service import SpeechJob, SpeechOutcome, SpeechResponse, SpeechService

OUTCOME_STATE = "kokoro_speech_outcome"
RESPONSE_STATE = "kokoro_speech_response"


def check_request(data: SpeechRequest, config: SpeechConfig) -> None:
    """What msgspec's schema cannot say: known model, input within the configured bounds."""
    if data.model not in MODELS:
        raise OpenAIError(
            404,
            f"The model '{data.model}' does not exist. Available models: {', '.join(MODELS)}.",
            param="model",
            code="model_not_found",
        )
    if not data.input.strip():
        raise OpenAIError(400, "'input' must not be empty.", param="input", code="empty_input")
    if len(data.input) > config.max_input_chars:
        raise OpenAIError(
            400,
            f"'input' is {len(data.input)} characters long; the maximum is {config.max_input_chars}.",
            param="input",
            code="string_above_max_length",
        )
    if not data.voice_id.strip():
        raise OpenAIError(400, "'voice' must not be empty.", param="voice", code="invalid_value")


@post(
    "/audio/speech",
    status_code=200,
    summary="Create speech",
    description="OpenAI's createSpeech. `instructions` is accepted but does not change the output.",
)
async def create_speech(
    data: JSONBody[SpeechRequest],
    service: NamedDependency[SpeechService],
    config: NamedDependency[SpeechConfig],
    request: Request[Any, Any, Any],
) -> Stream:
    check_request(data, config)
    outcome = SpeechOutcome(voice=data.voice_id, response_format=data.response_format, input_chars=len(data.input))
    request.state[OUTCOME_STATE] = outcome
    job = SpeechJob(text=data.input, voice=data.voice_id, speed=data.speed, response_format=data.response_format)
    try:
        speech = await service.open(job, outcome)
    except UnknownVoiceError as error:
        raise OpenAIError(400, str(error), param="voice", code="invalid_value") from error
    except NothingToSayError as error:
        raise OpenAIError(400, str(error), param="input", code="invalid_value") from error
    except Overloaded as error:
        retry = str(config.retry_after_seconds)
        raise OpenAIError(
            503,
            "The server is overloaded; retry after a moment.",
            code="server_overloaded",
            headers={"Retry-After": retry},
        ) from error
    request.state[RESPONSE_STATE] = speech
    headers = {"X-Cache": "HIT" if outcome.cache_hit else "MISS"}
    if data.stream_format == "sse":
        return ServerSentEvent(_sse_data(speech), headers=headers)
    return Stream(speech.audio(), media_type=speech.media_type, headers=headers)


async def _sse_data(speech: SpeechResponse) -> AsyncIterator[str]:
    async for event in speech.sse():
        yield event.decode()
