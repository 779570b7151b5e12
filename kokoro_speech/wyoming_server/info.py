"""What a Wyoming ``describe`` is answered with: one TTS program, every Kokoro voice with its language.

Languages are BCP 47 tags (``en-US``), as Home Assistant shows and matches them; each voice speaks one, so Home
Assistant's list of voices per language holds each voice once. The same for every worker: Home Assistant asks
whichever the kernel gives its connection, and keeps the first answer.
"""

from __future__ import annotations

from collections.abc import Iterable

from wyoming.info import Attribution, Info, TtsProgram, TtsVoice

from kokoro_speech.engine.voices import VoiceInfo
from kokoro_speech.version import __version__

PROGRAM = "kokoro-speech"
ATTRIBUTION = Attribution(name="hexgrad", url="https://huggingface.co/hexgrad/Kokoro-82M")


def language_tag(code: str) -> str:
    """``en-us`` as ``en-US``: the region in capitals."""
    language, _, region = code.partition("-")
    return f"{language}-{region.upper()}" if region else language


def wyoming_info(voices: Iterable[VoiceInfo]) -> Info:
    return Info(
        tts=[
            TtsProgram(
                name=PROGRAM,
                attribution=ATTRIBUTION,
                installed=True,
                description="Kokoro-82M text to speech",
                version=__version__,
                voices=[
                    TtsVoice(
                        name=voice.id,
                        attribution=ATTRIBUTION,
                        installed=True,
                        description=f"{voice.name} ({voice.language.name})",
                        version=None,
                        languages=[language_tag(voice.language.code)],
                    )
                    for voice in voices
                ],
                supports_synthesize_streaming=True,
            )
        ]
    )
