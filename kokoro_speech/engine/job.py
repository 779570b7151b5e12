"""What one request asks for, checked once at the edge and carried unchanged to the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from kokoro_speech.audio.formats import AudioFormat
from kokoro_speech.normalize.options import NormalizationOptions

InputType = Literal["text", "ssml", "phonemes"]


@dataclass(frozen=True)
class SpeechJob:
    """One speech request in the server's own terms: its limits checked, its normalization resolved.

    The HTTP layer makes it from OpenAI's request body, the command line from its arguments; the
    service, the cache key and the engine all read this one object.
    """

    text: str
    voice: str
    """A Kokoro voice id, an OpenAI name or a blend spec, as given."""
    speed: float = 1.0
    response_format: AudioFormat = "mp3"
    sample_rate: int | None = None
    """The rate the audio is sent at; None: the format's own (the model's 24 kHz, or 8 kHz for G.711)."""
    volume: float = 1.0
    """Multiplies the level of the audio (Kokoro-FastAPI's ``volume_multiplier``)."""
    lang: str | None = None
    """A language overriding the voice's, by code or letter."""
    input_type: InputType = "text"
    voice_tags: bool = False
    """Whether plain text's ``[voice:...]`` and ``[rate:...]`` tags switch speaker and rate."""
    normalization: NormalizationOptions = field(default_factory=NormalizationOptions)
    owner: str = ""
    """Whose results it may share: empty for everyone, else the caller whose own they are (an API key's id
    where keys keep their results apart), part of its result cache key."""
    lexicon: str | None = None
    """A pronunciation lexicon of the request's own (a W3C PLS 1.0 document), said over the server's; read by
    the engine, which refuses it (MarkupError) before any audio where it cannot be read."""
