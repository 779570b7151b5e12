"""Speaker and rate tags in plain text, as Kokoro-FastAPI writes them: ``[voice:am_michael]`` and ``[rate:1.2]``.

A voice tag hands the text after it to that voice (a voice id, an OpenAI name or a blend), in the voice's
language, at the usual rate; a rate tag multiplies the request's speed for the text after it, until the next
tag. Tags are read only where the request asks for them (``allow_voice_tags``): without it, brackets are words
like any other. A tag is blanked, not removed, so every position in the text still names the same word.
"""

from __future__ import annotations

import re

from kokoro_speech.normalize.marked import MarkedText, Voicing

# Kokoro-FastAPI's grammar: a voice name may hold the blend operators and weights (and spaces), a rate is a plain
# number. Every run is possessive and ends at a character it cannot hold, so the work is linear in the text.
VOICE_NAME = r"[a-zA-Z0-9_][a-zA-Z0-9_+\-(). ]*+"
"""What a tag may name: a voice, an OpenAI name or a blend (Kokoro-FastAPI's rule)."""
CONTROL_TAG = re.compile(
    rf"\[voice:\s*+(?P<voice>{VOICE_NAME})\]|\[rate:\s*+(?P<rate>\d++(?:\.\d++)?+)\s*+\]", re.IGNORECASE
)


def can_tag(voice: str) -> bool:
    """Whether ``voice`` can be named in a tag (a name with "]" in it would end the tag early)."""
    return re.fullmatch(VOICE_NAME, voice.strip()) is not None


def voice_tag(voice: str) -> str:
    return f"[voice:{voice.strip()}]"


def rate_tag(rate: float) -> str:
    return f"[rate:{rate:g}]"


class VoiceTagError(ValueError):
    """A tag that names no speed (``[rate:0]``)."""


def voice_tagged(text: str) -> MarkedText:
    """``text`` with its tags blanked, and who says each stretch after a tag at which rate."""
    voicings: list[Voicing] = []
    voice: str | None = None
    rate = 1.0
    blanked = list(text)
    start = 0
    for match in CONTROL_TAG.finditer(text):
        _close(voicings, start, match.start(), voice, rate)
        if match["voice"] is not None:
            voice, rate = match["voice"].strip(), 1.0
        else:
            rate = float(match["rate"])
            if rate <= 0:
                raise VoiceTagError(f'"{match.group()}" asks for no speed; a rate must be above 0.')
        blanked[match.start() : match.end()] = " " * (match.end() - match.start())
        start = match.end()
    _close(voicings, start, len(text), voice, rate)
    return MarkedText("".join(blanked), voicings=tuple(voicings))


def _close(voicings: list[Voicing], start: int, end: int, voice: str | None, rate: float) -> None:
    if end <= start or (voice is None and rate == 1.0):
        return
    last = voicings[-1] if voicings else None
    if last is not None and last.end == start and (last.voice, last.rate) == (voice, rate):
        voicings[-1] = Voicing(last.start, end, rate=rate, voice=voice)
    else:
        voicings.append(Voicing(start, end, rate=rate, voice=voice))
