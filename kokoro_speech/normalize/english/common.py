"""Pieces the English rules share, so that they agree on what a number looks like and where a
sentence ends."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from kokoro_speech.normalize import numbers as nw
from kokoro_speech.normalize.spans import Replacement


def word_set(words: str) -> frozenset[str]:
    """A table written as words separated by white space."""
    return frozenset(words.split())


# An integer with correct thousands separators, or a plain run of digits.
INT = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)"
NUM = rf"(?:{INT}(?:\.\d+)?|\.\d+)"
# A minus sign only where it cannot be a hyphen or a range dash ("x-5", "10-20").
SIGN = r"(?:(?<![\w.])[-−](?=\.?\d))"
# A number stands alone: no digit or decimal point joined to it.
BEFORE = r"(?<![\d.])"
AFTER = r"(?!\d|\.\d)"
DASH = r"(?:-|\s?[–—]\s?)"
YEAR_DIGITS, SHORT_YEAR_DIGITS = 4, 2

# espeak-ng reads a lone capital A before a word as the article "uh"; "eh" it says as the letter.
_LETTER_SOUNDS = {"A": "eh"}


def spell(letters: str) -> str:
    """Letters said one by one: "FBI" -> "F B I"."""
    return " ".join(_LETTER_SOUNDS.get(ch, ch) for ch in letters.upper())


def say_count(written: str, singular: str, plural: str) -> str:
    """A count and its noun: ("5", "cent", "cents") -> "five cents"."""
    return f"{nw.integer(written)} {singular if nw.is_one(written) else plural}"


def sub_hits(pattern: re.Pattern[str], text: str, say: Callable[[re.Match[str]], str | None]) -> Iterator[Replacement]:
    """One replacement per match that ``say`` can read; None skips the match."""
    for match in pattern.finditer(text):
        spoken = say(match)
        if spoken is not None:
            yield Replacement(match.start(), match.end(), spoken)


# How far around a match the context checks look: a few words, never the whole text.
_CONTEXT_CHARS = 80


def text_before(text: str, start: int) -> str:
    return text[max(0, start - _CONTEXT_CHARS) : start]


def text_after(text: str, end: int) -> str:
    return text[end : end + _CONTEXT_CHARS]


def _ends_sentence(text: str, end: int, *, strict: bool = False) -> bool:
    """Whether a full stop that ends an abbreviation at ``end`` also ends its sentence.

    ``strict``: only at the end of the text or of a line (after titles such as "Dr.", a
    capital that follows is a name, not a new sentence)."""
    rest = text_after(text, end)
    following = rest.lstrip(" \t")
    if not following or following[0] in "\r\n":
        return True
    return not strict and rest[:1].isspace() and following[0].isupper()


def sentence_stop(text: str, match_end: int, *, strict: bool = False) -> str:
    """A full stop where the one closing the span also ends the sentence, else nothing."""
    return "." if text[match_end - 1] == "." and _ends_sentence(text, match_end, strict=strict) else ""


_LAST_WORD = re.compile(r"(\S+)[ \t]+$")


def previous_word(text: str, start: int) -> str:
    match = _LAST_WORD.search(text_before(text, start))
    return match.group(1) if match else ""


def sentence_initial(text: str, start: int) -> bool:
    before = text_before(text, start).rstrip(" \t\"'“‘(")
    return not before or before[-1] in ".!?:\n"
