"""The languages the server speaks, how each is named, and which grapheme-to-phoneme it uses.

A Kokoro voice id starts with its language letter (``af_heart``: American English). The
request may name another language with ``lang``, by letter or by code. espeak-ng serves the
alphabetic languages; Japanese and Chinese need a real dictionary-based G2P (misaki's,
which is what Kokoro's own pipeline uses for its j and z voices).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

G2PKind = Literal["espeak", "japanese", "chinese"]


@dataclass(frozen=True)
class Language:
    code: str
    """The name used in the API and in ``/v1/audio/voices``."""
    letter: str
    """Kokoro's voice prefix letter."""
    name: str
    g2p: G2PKind
    espeak: str
    """espeak-ng's voice for this language (for Japanese and Chinese: for words in Latin script only)."""

    @property
    def is_english(self) -> bool:
        return self.code.startswith("en")


LANGUAGES: tuple[Language, ...] = (
    Language("en-us", "a", "American English", "espeak", "en-us"),
    Language("en-gb", "b", "British English", "espeak", "en-gb"),
    Language("es", "e", "Spanish", "espeak", "es"),
    Language("fr-fr", "f", "French", "espeak", "fr-fr"),
    Language("hi", "h", "Hindi", "espeak", "hi"),
    Language("it", "i", "Italian", "espeak", "it"),
    Language("pt-br", "p", "Brazilian Portuguese", "espeak", "pt-br"),
    Language("ja", "j", "Japanese", "japanese", "en-us"),
    Language("zh", "z", "Mandarin Chinese", "chinese", "en-us"),
)
BY_LETTER = {language.letter: language for language in LANGUAGES}
# Codes people commonly send for the same languages.
_ALIASES = {"en": "en-us", "fr": "fr-fr", "pt": "pt-br", "cmn": "zh", "zh-cn": "zh", "jp": "ja"}
_BY_NAME = {language.code: language for language in LANGUAGES} | {
    alias: next(lang for lang in LANGUAGES if lang.code == code) for alias, code in _ALIASES.items()
}


class UnknownLanguageError(ValueError):
    """The requested language is not one the server speaks."""


def supported() -> str:
    return ", ".join(f"{lang.code} ({lang.letter}, {lang.name})" for lang in LANGUAGES)


def for_voice(voice_id: str) -> Language:
    """The language of a Kokoro voice id; ids with an unknown letter are spoken as American English."""
    return BY_LETTER.get(voice_id[:1], LANGUAGES[0])


def find(name: str) -> Language:
    """A language by code, common alias or Kokoro letter, case-insensitively."""
    key = name.strip().lower().replace("_", "-")
    language = _BY_NAME.get(key) or BY_LETTER.get(key)
    if language is None:
        raise UnknownLanguageError(f"Language '{name}' is not supported. Supported: {supported()}.")
    return language
