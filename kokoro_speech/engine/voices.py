"""The voice catalog: Kokoro's voices, their languages, and OpenAI's names for them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from kokoro_speech.config import MODEL_MAX_TOKENS

# Kokoro's voice ids start with a language letter and a gender letter: af_heart is an
# American English female voice. The value is the language espeak-ng phonemizes with.
LANGUAGES: dict[str, str] = {
    "a": "en-us",
    "b": "en-gb",
    "e": "es",
    "f": "fr-fr",
    "h": "hi",
    "i": "it",
    "p": "pt-br",
    "j": "ja",
    "z": "cmn",
}
GENDERS: dict[str, str] = {"f": "female", "m": "male"}

# OpenAI's voice names, each mapped to the Kokoro voice closest in character.
OPENAI_VOICES: dict[str, str] = {
    "alloy": "af_alloy",
    "ash": "am_michael",
    "ballad": "bm_lewis",
    "coral": "af_heart",
    "echo": "am_echo",
    "fable": "bm_fable",
    "onyx": "am_onyx",
    "nova": "af_nova",
    "sage": "af_sarah",
    "shimmer": "af_bella",
    "verse": "am_puck",
    "marin": "af_kore",
    "cedar": "am_eric",
}

Style = NDArray[np.float32]
"""A voice pack: one 1x256 style vector per input length, shape (510, 1, 256)."""


class UnknownVoiceError(ValueError):
    """The requested voice is neither a Kokoro voice nor an OpenAI name."""


@dataclass(frozen=True)
class VoiceInfo:
    id: str
    name: str
    language: str
    gender: str
    openai_names: tuple[str, ...]


@dataclass(frozen=True)
class ResolvedVoice:
    """A voice ready for synthesis."""

    spec: str
    """Normalized name of what was asked for (the Kokoro id); part of the cache key."""
    language: str
    style: Style

    def style_for(self, tokens: int) -> NDArray[np.float32]:
        """Kokoro picks the style row by input length: n tokens use row n - 1."""
        row: NDArray[np.float32] = self.style[min(max(tokens, 1), MODEL_MAX_TOKENS) - 1]
        return row


class VoiceCatalog:
    """All voices of one voices file, looked up by Kokoro id or OpenAI name."""

    def __init__(self, styles: dict[str, Style]) -> None:
        self._styles = styles
        aliases: dict[str, list[str]] = {}
        for alias, target in OPENAI_VOICES.items():
            aliases.setdefault(target, []).append(alias)
        self._infos = {vid: _info(vid, tuple(aliases.get(vid, ()))) for vid in sorted(styles)}

    @classmethod
    def load(cls, path: Path) -> VoiceCatalog:
        with np.load(path) as npz:
            return cls({name: np.asarray(npz[name], dtype=np.float32) for name in npz.files})

    def __len__(self) -> int:
        return len(self._styles)

    def infos(self) -> list[VoiceInfo]:
        return list(self._infos.values())

    def openai_names(self) -> dict[str, str]:
        """OpenAI names available with this voices file, to their Kokoro id."""
        return {alias: target for alias, target in OPENAI_VOICES.items() if target in self._styles}

    def resolve(self, voice: str) -> ResolvedVoice:
        key = voice.strip()
        voice_id = OPENAI_VOICES.get(key.lower(), key)
        style = self._styles.get(voice_id)
        if style is None:
            raise UnknownVoiceError(
                f"Voice '{voice}' is not available. Use a Kokoro voice such as 'af_heart' or "
                f"one of OpenAI's names ({', '.join(OPENAI_VOICES)}); GET /v1/audio/voices lists them all."
            )
        return ResolvedVoice(spec=voice_id, language=self._infos[voice_id].language, style=style)


def _info(voice_id: str, openai_names: tuple[str, ...]) -> VoiceInfo:
    prefix, _, name = voice_id.partition("_")
    language = LANGUAGES.get(prefix[:1], "en-us")
    gender = GENDERS.get(prefix[1:2], "unknown")
    return VoiceInfo(voice_id, name.replace("_", " ").title(), language, gender, openai_names)
