"""Version numbers: "3.12" after a product name is "three point twelve", not a decimal."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kokoro_speech.normalize import numbers as nw
from kokoro_speech.normalize.english.common import previous_word, sub_hits, word_set
from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.normalize.spans import Replacement

_VERSION_TAGGED = re.compile(r"(?<![\w.])(?:v(?P<v>\d+(?:\.\d+)*)|V(?P<V>\d+(?:\.\d+)+))(?![\w]|\.\d)")
_VERSION_DOTTED = re.compile(r"(?<![\w.])\d+(?:\.\d+){2,}(?![\w]|\.\d)")
_VERSION_PAIR = re.compile(r"(?<![\w.])\d+\.\d+(?![\w]|\.\d)")
# Names after which "3.12" is a version ("three point twelve"), not a decimal ("three point one two").
VERSIONED_NAMES = word_set(
    """python java node node.js ruby rust go php perl swift kotlin scala typescript javascript django rails react
    angular vue windows macos ios ipados android ubuntu debian fedora linux kernel firefox chrome safari version
    release build update patch firmware gpt llama claude gemini bluetooth usb http tls ssl html unity blender
    postgresql mysql"""
)
_MIXED_CASE_NAME = re.compile(r"^[A-Za-z]+[A-Z][a-z]*$|^[a-z]+[A-Z][A-Za-z]*$")


def say_version(dotted: str) -> str:
    """ "3.12" -> "three point twelve": each part is a number of its own."""
    return " point ".join(nw.integer(part) for part in dotted.split("."))


def _versioned_name(word: str) -> bool:
    # iOS, macOS, PostgreSQL: a capital after the first letter marks a product name.
    return word.lower() in VERSIONED_NAMES or (any(c.islower() for c in word) and bool(_MIXED_CASE_NAME.match(word)))


def find_versions(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_VERSION_TAGGED, text, lambda m: "version " + say_version(m["v"] or m["V"]))
    yield from sub_hits(_VERSION_DOTTED, text, lambda m: say_version(m.group()))
    for match in _VERSION_PAIR.finditer(text):
        if _versioned_name(previous_word(text, match.start())):
            yield Replacement(match.start(), match.end(), say_version(match.group()))
