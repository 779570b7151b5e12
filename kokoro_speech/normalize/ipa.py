"""Phonemes written by people, in the symbols of Kokoro's vocabulary.

SSML's ``<phoneme>`` and a pronunciation lexicon's entries both come here, in one of two alphabets.
IPA: people write it in more ways than the model spells it (tie bars for affricates, ASCII
stand-ins for stress and length, a g where IPA's own letter belongs), and each becomes the
vocabulary's symbol. ``x-kokoro``: the model's own symbols, as inline pronunciations write them
(SSML and PLS leave other alphabets to "x-" names), taken as they are. Either way a symbol the
model cannot say is refused rather than silently dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

__all__ = [
    "ALPHABETS",
    "IPA_ALPHABET",
    "KOKORO_ALPHABET",
    "UnknownSymbolError",
    "describe",
    "kokoro_phonemes",
    "model_phonemes",
]

IPA_ALPHABET = "ipa"
KOKORO_ALPHABET = "x-kokoro"
ALPHABETS = (IPA_ALPHABET, KOKORO_ALPHABET)

# Tied affricates are single symbols in the vocabulary.
_TIE_BARS = "\u0361\u035c"
_TIED_AFFRICATE = re.compile(rf"([td])[{_TIE_BARS}]([ʃʒszɕʑ])")
_AFFRICATES = {"tʃ": "ʧ", "dʒ": "ʤ", "ts": "ʦ", "dz": "ʣ", "tɕ": "ʨ", "dʑ": "ʥ"}
# ASCII stand-ins for stress and length; "," and ":" are also punctuation in the vocabulary,
# which inside a pronunciation nobody means.
_ASCII_MARKS = {"'": "ˈ", ",": "ˌ", ":": "ː"}
# Syllable breaks, half length, tie bars left between other letters, and the syllabic and
# non-syllabic marks: the model has no symbol for them and the G2P drops them from its own output.
_UNSAID = frozenset(".ˑ\u0329\u030d\u032f\u0311" + _TIE_BARS)
# Symbols the vocabulary may lack, with the nearest it has: IPA's g for the Latin letter, the
# English approximant for a trill, and the rhotic vowel and dark l as plain symbols.
_NEAREST = {"g": "ɡ", "r": "ɹ", "ɝ": "ɜɹ", "ɫ": "l"}


class UnknownSymbolError(ValueError):
    """A symbol the model cannot say, nor anything near it."""

    def __init__(self, symbol: str) -> None:
        super().__init__(symbol)
        self.symbol = symbol


def model_phonemes(written: str, alphabet: str, vocabulary: Collection[str]) -> str:
    """``written`` in ``alphabet`` (one of ``ALPHABETS``), in the model's symbols, words apart by single spaces;
    raises ``UnknownSymbolError``."""
    if alphabet == IPA_ALPHABET:
        return kokoro_phonemes(written, vocabulary)
    phonemes = " ".join(written.split())
    unknown = next((symbol for symbol in phonemes if symbol != " " and symbol not in vocabulary), None)
    if unknown is not None:
        raise UnknownSymbolError(unknown)
    return phonemes


def kokoro_phonemes(ipa: str, vocabulary: Collection[str]) -> str:
    """``ipa`` in the model's symbols, words apart by single spaces; raises ``UnknownSymbolError``."""
    text = unicodedata.normalize("NFC", " ".join(ipa.split()))
    text = _TIED_AFFRICATE.sub(lambda match: _affricate(match, vocabulary), text)
    said: list[str] = []
    for written in text:
        symbol = _ASCII_MARKS.get(written, written)
        if symbol in _UNSAID:
            continue
        said.append(symbol if symbol == " " or symbol in vocabulary else _nearest(symbol, vocabulary))
    return " ".join("".join(said).split())


def describe(symbol: str) -> str:
    """A symbol as a message shows it, with its code point and name (many IPA symbols look alike)."""
    name = unicodedata.name(symbol, "")
    return f'"{symbol}" (U+{ord(symbol):04X}{" " + name if name else ""})'


def _affricate(match: re.Match[str], vocabulary: Collection[str]) -> str:
    pair = match[1] + match[2]
    single = _AFFRICATES[pair]
    return single if single in vocabulary else pair


def _nearest(symbol: str, vocabulary: Collection[str]) -> str:
    """The vocabulary's spelling of a symbol it lacks: a near sound, or its letter and diacritic apart."""
    for spelling in (_NEAREST.get(symbol, ""), unicodedata.normalize("NFD", symbol)):
        if spelling and spelling != symbol and all(part in vocabulary for part in spelling):
            return spelling
    raise UnknownSymbolError(symbol)
