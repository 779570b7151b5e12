"""The response formats, the rates they are sent at, and the settings of their encoders (no codec is loaded here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kokoro_speech.infra.settings import setting, settings_of

AudioFormat = Literal["mp3", "opus", "aac", "flac", "wav", "pcm", "ulaw", "alaw"]

MIN_SAMPLE_RATE = 8000
"""The lowest output rate a client may ask for: narrow-band telephony."""
MAX_SAMPLE_RATE = 48000
"""The highest output rate a client may ask for; above the model's 24 kHz nothing is gained but bytes."""
TELEPHONY_RATE = 8000
"""G.711's own rate, what ulaw and alaw are sent at unless another is asked for."""

# The rates each lossy codec can run at (FFmpeg's lists for libopus, libmp3lame and its own aac encoder,
# cut to MIN..MAX). An asked rate outside a list is sent at the next one above it, so nothing the client
# asked for is lost and the stream stays one that every decoder takes.
_OPUS_RATES = (8000, 12000, 16000, 24000, 48000)
_MP3_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)
_AAC_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)


@dataclass(frozen=True)
class FormatInfo:
    media_type: str
    container: str | None
    codec: str | None
    extension: str
    default_rate: int | None = None
    """The rate sent when none is asked for; None sends the model's own rate untouched."""
    rates: tuple[int, ...] | None = None
    """The only rates the codec runs at, ascending; None takes any rate exactly."""


FORMATS: dict[AudioFormat, FormatInfo] = {
    "mp3": FormatInfo("audio/mpeg", "mp3", "libmp3lame", "mp3", rates=_MP3_RATES),
    "opus": FormatInfo("audio/ogg", "ogg", "libopus", "opus", rates=_OPUS_RATES),
    "aac": FormatInfo("audio/aac", "adts", "aac", "aac", rates=_AAC_RATES),
    "flac": FormatInfo("audio/flac", "flac", "flac", "flac"),
    "wav": FormatInfo("audio/wav", "wav", "pcm_s16le", "wav"),
    "pcm": FormatInfo("audio/pcm", None, None, "pcm"),
    # Raw G.711 bytes with no header, as telephony systems take them (the rate is agreed out of band).
    "ulaw": FormatInfo("audio/basic", "mulaw", "pcm_mulaw", "ulaw", default_rate=TELEPHONY_RATE),
    "alaw": FormatInfo("audio/x-alaw-basic", "alaw", "pcm_alaw", "alaw", default_rate=TELEPHONY_RATE),
}


def output_rate(response_format: AudioFormat, asked: int | None, source_rate: int) -> int:
    """The rate the client gets for ``asked`` (None: the format's default), given audio made at ``source_rate``.

    pcm, wav, flac, ulaw and alaw are sent at exactly the asked rate. mp3, aac and opus are sent at the lowest
    rate their codec runs at that is not below the asked one (opus 22,050 and 44,100 become 24,000 and 48,000;
    mp3 and aac 10,000 becomes 11,025); a player resamples on its own, and an Ogg Opus decoder gives 48 kHz anyway.
    """
    fmt = FORMATS[response_format]
    if asked is None:
        return fmt.default_rate or source_rate
    if not MIN_SAMPLE_RATE <= asked <= MAX_SAMPLE_RATE:
        raise ValueError(f"sample rate must be between {MIN_SAMPLE_RATE} and {MAX_SAMPLE_RATE}, got {asked}")
    if fmt.rates is None:
        return asked
    return next(rate for rate in fmt.rates if rate >= asked)


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
