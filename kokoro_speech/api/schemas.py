"""Request and response bodies, as msgspec Structs."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from kokoro_speech.config import MAX_SPEED, MIN_SPEED

MODELS = ("tts-1", "tts-1-hd", "gpt-4o-mini-tts", "kokoro")
MODEL_CREATED = 1735689600  # 2025-01-01, release of Kokoro v1.0
OWNER = "kokoro-speech"

ResponseFormat = Literal["mp3", "opus", "aac", "flac", "wav", "pcm"]
StreamFormat = Literal["audio", "sse"]


class VoiceRef(msgspec.Struct):
    """OpenAI's object form of a voice: ``{"id": "..."}``."""

    id: str


class SpeechRequest(msgspec.Struct, kw_only=True):
    """Body of ``POST /v1/audio/speech`` (OpenAI's createSpeech)."""

    model: str
    input: str
    voice: str | VoiceRef
    instructions: str | None = None
    """Accepted for compatibility; Kokoro has no instruction following, the output is unchanged."""
    response_format: ResponseFormat = "mp3"
    speed: Annotated[float, msgspec.Meta(ge=MIN_SPEED, le=MAX_SPEED)] = 1.0
    stream_format: StreamFormat = "audio"

    @property
    def voice_id(self) -> str:
        return self.voice.id if isinstance(self.voice, VoiceRef) else self.voice


class Model(msgspec.Struct):
    id: str
    object: str = "model"
    created: int = MODEL_CREATED
    owned_by: str = OWNER


class ModelList(msgspec.Struct):
    data: list[Model]
    object: str = "list"


class Voice(msgspec.Struct):
    id: str
    name: str
    language: str
    gender: str
    openai_names: list[str] = msgspec.field(default_factory=list)
    """OpenAI names that map to this voice."""
    alias_of: str | None = None
    """For an OpenAI name: the Kokoro voice it speaks with."""


class VoiceList(msgspec.Struct):
    voices: list[Voice]


class Lanes(msgspec.Struct):
    total: int
    busy: int
    waiting: int
    runs_started: int
    runs_stopped: int
    runs_preempted: int


class Health(msgspec.Struct, omit_defaults=True):
    status: str
    detail: str | None = None
    lanes: Lanes | None = None
