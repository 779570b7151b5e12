"""Abbreviations: titles before a name ("Sr. García", "M. Dupont"), "nº" before a number, and
the rest anywhere; a full stop that also ends the sentence is kept."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from kokoro_speech.normalize.english.common import sentence_stop, sub_hits
from kokoro_speech.normalize.locales.tables import Abbreviation, LocaleTable
from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.normalize.spans import Replacement

# A name follows: a capital, or a letter of a script without case (Devanagari). A hyphen joins
# a title to a place name ("St-Étienne").
_NAME_FOLLOWS = re.compile(r"(?:[ \t]+|-)(?P<letter>[^\W\d_])")
_NUMBER_FOLLOWS = re.compile(r"[ \t]?\d")


@cache
def _pattern(table: LocaleTable) -> re.Pattern[str]:
    names = "|".join(re.escape(a) for a in sorted(table.abbreviations, key=len, reverse=True))
    return re.compile(rf"(?<![\w.])(?:{names})(?!\w)")


def _fits(abbreviation: Abbreviation, text: str, end: int) -> bool:
    if abbreviation.context == "number":
        return bool(_NUMBER_FOLLOWS.match(text, end))
    if abbreviation.context == "name":
        name = _NAME_FOLLOWS.match(text, end)
        return name is not None and not name["letter"].islower()
    return True


def _say(table: LocaleTable, match: re.Match[str], text: str) -> str | None:
    abbreviation = table.abbreviations[match.group()]
    if not _fits(abbreviation, text, match.end()):
        return None
    if abbreviation.context != "any":
        return abbreviation.spoken
    return abbreviation.spoken + sentence_stop(text, match.end())


def find_abbreviations(table: LocaleTable, text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_pattern(table), text, lambda m: _say(table, m, text))
