"""GET /v1/models, /v1/models/{id} and /v1/audio/voices."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath

from kokoro_speech.api.errors import OpenAIError
from kokoro_speech.api.openapi import LIST_ERRORS, error_responses
from kokoro_speech.api.schemas import MODELS, Model, ModelList, Voice, VoiceList
from kokoro_speech.service import SpeechService


@get("/models", summary="List models", responses=error_responses(*LIST_ERRORS))
async def list_models() -> ModelList:
    return ModelList(data=[Model(id=m) for m in MODELS])


@get("/models/{model_id:str}", summary="Retrieve a model", responses=error_responses(*LIST_ERRORS, 400, 404))
async def get_model(model_id: FromPath[str]) -> Model:
    if model_id not in MODELS:
        raise OpenAIError(404, f"The model '{model_id}' does not exist.", param="model", code="model_not_found")
    return Model(id=model_id)


@get("/audio/voices", summary="List voices", responses=error_responses(*LIST_ERRORS))
async def list_voices(service: NamedDependency[SpeechService]) -> VoiceList:
    catalog = service.engine.voices
    infos = {info.id: info for info in catalog.infos()}
    voices = [
        Voice(i.id, i.name, i.language.code, i.language.name, i.gender, list(i.openai_names)) for i in infos.values()
    ]
    for alias, target in catalog.openai_names().items():
        info = infos[target]
        voices.append(Voice(alias, alias.title(), info.language.code, info.language.name, info.gender, alias_of=target))
    return VoiceList(voices=voices)
