"""GET /v1/models, /v1/models/{id}, /v1/audio/models and /v1/audio/voices."""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath, Parameter

from kokoro_speech.api.errors import OpenAIError
from kokoro_speech.api.openapi import LIST_ERRORS, error_responses
from kokoro_speech.api.schemas import (
    MODELS,
    AudioModel,
    AudioModelList,
    Model,
    ModelList,
    ModelVoice,
    ModelWithVoices,
    Voice,
    VoiceIdList,
    VoiceList,
    VoiceListFormat,
)
from kokoro_speech.speech.service import SpeechService


@get("/models", summary="List models", responses=error_responses(*LIST_ERRORS))
async def list_models() -> ModelList:
    return ModelList(data=[Model(id=m) for m in MODELS])


@get(
    "/models/{model_id:str}",
    summary="Retrieve a model",
    description="OpenAI's model object; extension: `voices`, the voices it speaks with (as Speaches lists them).",
    responses=error_responses(*LIST_ERRORS, 400, 404),
)
async def get_model(model_id: FromPath[str], service: NamedDependency[SpeechService]) -> ModelWithVoices:
    if model_id not in MODELS:
        raise OpenAIError(404, f"The model '{model_id}' does not exist.", param="model", code="model_not_found")
    voices = [ModelVoice(i.id, i.language.code, i.gender) for i in service.engine.voices.infos()]
    return ModelWithVoices(id=model_id, voices=voices)


@get(
    "/audio/models",
    summary="List speech models",
    description="Extension: the speech models in the shape Open WebUI reads from a speech server.",
    responses=error_responses(*LIST_ERRORS),
)
async def list_audio_models() -> AudioModelList:
    return AudioModelList(models=[AudioModel(id=m, name=m) for m in MODELS])


@get(
    "/audio/voices",
    summary="List voices",
    description=(
        "Extension: the Kokoro voices, then the OpenAI names and the voice each speaks with. `limit` keeps the "
        "first ones; `format=strings` (or Kokoro-FastAPI's `legacy=true`) lists the ids alone, for clients that "
        "expect plain strings."
    ),
    responses=error_responses(*LIST_ERRORS, 400),
)
async def list_voices(
    service: NamedDependency[SpeechService],
    limit: Annotated[int | None, Parameter(ge=1, description="At most this many voices.")] = None,
    format: Annotated[
        VoiceListFormat, Parameter(description="`objects` (each voice described) or `strings` (the ids alone).")
    ] = "objects",
    legacy: Annotated[
        bool, Parameter(description="Kokoro-FastAPI's plain list: the Kokoro voice ids alone, as strings.")
    ] = False,
) -> VoiceList | VoiceIdList:
    catalog = service.engine.voices
    infos = {info.id: info for info in catalog.infos()}
    voices = [
        Voice(i.id, i.name, i.language.code, i.language.name, i.gender, list(i.openai_names)) for i in infos.values()
    ]
    for alias, target in catalog.openai_names().items():
        info = infos[target]
        voices.append(Voice(alias, alias.title(), info.language.code, info.language.name, info.gender, alias_of=target))
    voices = voices[:limit]
    if legacy:
        # Kokoro-FastAPI's list: the voices themselves, which its clients offer as they are.
        return VoiceIdList(voices=list(infos)[:limit])
    if format == "strings":
        return VoiceIdList(voices=[v.id for v in voices])
    return VoiceList(voices=voices)
