"""The response formats and the settings of their encoders (no codec is loaded here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kokoro_speech.infra.settings import setting, settings_of

AudioFormat = Literal["mp3", "opus", "aac", "flac", "wav", "pcm"]


@dataclass(frozen=True)
class FormatInfo:
    media_type: str
    container: str | None
    codec: str | None
    extension: str


FORMATS: dict[AudioFormat, FormatInfo] = {
    "mp3": FormatInfo("audio/mpeg", "mp3", "libmp3lame", "mp3"),
    "opus": FormatInfo("audio/ogg", "ogg", "libopus", "opus"),
    "aac": FormatInfo("audio/aac", "adts", "aac", "aac"),
    "flac": FormatInfo("audio/flac", "flac", "flac", "flac"),
    "wav": FormatInfo("audio/wav", "wav", "pcm_s16le", "wav"),
    "pcm": FormatInfo("audio/pcm", None, None, "pcm"),
}


@dataclass(frozen=True)
class EncoderSettings:
    """How the lossy formats are encoded; every field changes the bytes of a response."""

    mp3_bitrate: int = setting(64000, env="KOKORO_SPEECH_MP3_BITRATE")
    """Bit rate of mp3 output in bits per second (24 kHz mono speech)."""
    aac_bitrate: int = setting(64000, env="KOKORO_SPEECH_AAC_BITRATE")
    """Bit rate of aac output in bits per second."""
    opus_bitrate: int = setting(32000, env="KOKORO_SPEECH_OPUS_BITRATE")
    """Bit rate of opus output in bits per second."""
    ogg_page_ms: int = setting(100, env="KOKORO_SPEECH_OGG_PAGE_MS")
    """Duration of one Ogg page, so a stream player gets audio every this many ms."""

    def __post_init__(self) -> None:
        for item in settings_of(EncoderSettings):
            value = getattr(self, item.path[-1])
            if value < 1:
                raise ValueError(f"{item.env} must be at least 1, got {value}")
