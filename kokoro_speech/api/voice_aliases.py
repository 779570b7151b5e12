"""Kokoro-FastAPI's ``voice_aliases``: short names a request gives its voices, usable as ``voice`` and in
``[voice:...]`` tags, each with a pace of its own if it says one.

A name is matched as written first, then without regard to case; an alias's target is not looked up again. A
target must be something a tag can name, or a tag that names its alias would be read out as words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from kokoro_speech.api.schemas import VoiceAlias
from kokoro_speech.normalize.voice_tags import CONTROL_TAG, can_tag, rate_tag, voice_tag


class BadAliasError(ValueError):
    """An alias whose target no tag could name."""


class VoiceAliases:
    def __init__(self, aliases: Mapping[str, str | VoiceAlias] | None) -> None:
        self._exact = {name.strip(): _target(value) for name, value in (aliases or {}).items()}
        for name, (target, _) in self._exact.items():
            if not can_tag(target):
                raise BadAliasError(f"The alias '{name}' names '{target}', which is not a voice, name or blend.")
        self._folded = {name.casefold(): target for name, target in self._exact.items()}

    def resolve(self, voice: str) -> tuple[str, float | None]:
        """The voice a name stands for and the pace it brings (None: its own), or the name itself."""
        name = voice.strip()
        found = self._exact.get(name) or self._folded.get(name.casefold())
        return found if found is not None else (voice, None)

    def in_tags(self, text: str) -> str:
        """``text`` with every tag that names an alias naming its voice instead, followed by its pace."""
        if not self._exact:
            return text

        def named(match: re.Match[str]) -> str:
            if match["voice"] is None:
                return match.group()
            voice, rate = self.resolve(match["voice"])
            return voice_tag(voice) + (rate_tag(rate) if rate is not None else "")

        return CONTROL_TAG.sub(named, text)


def _target(value: str | VoiceAlias) -> tuple[str, float | None]:
    return (value, None) if isinstance(value, str) else (value.voice, value.rate)
