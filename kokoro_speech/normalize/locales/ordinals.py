"""Written ordinals: "1º", "2ª", "1.er", "1er", "2e", "3ème", "2nde", "5वां"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from kokoro_speech.normalize import numbers as nw
from kokoro_speech.normalize.english.common import sub_hits
from kokoro_speech.normalize.locales.numbers import WORD_END, digits, shapes
from kokoro_speech.normalize.locales.tables import LocaleTable
from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.normalize.spans import Replacement


@cache
def _pattern(table: LocaleTable) -> re.Pattern[str]:
    suffixes = "|".join(re.escape(s) for s in sorted(table.ordinal_suffixes, key=len, reverse=True))
    return re.compile(rf"(?<![\w.,])(?P<number>{shapes(table).integer})(?P<suffix>{suffixes}){WORD_END}")


def say_ordinal(table: LocaleTable, written: str, form: str = "m") -> str:
    """A written integer as an ordinal; too long to be one quantity, digit by digit."""
    plain = re.sub(r"\D", "", written)
    if len(plain) > nw.MAX_CARDINAL_DIGITS:
        return digits(table, plain)
    return table.words.ordinal(int(plain), form)


def _say(table: LocaleTable, match: re.Match[str]) -> str | None:
    if int(re.sub(r"\D", "", match["number"]) or "0") == 0:
        return None
    return say_ordinal(table, match["number"], table.ordinal_suffixes[match["suffix"]])


def find_ordinals(table: LocaleTable, text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_pattern(table), text, lambda m: _say(table, m))
