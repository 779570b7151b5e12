"""Units after a number ("5 km" -> "cinco kilómetros"): espeak-ng would spell the abbreviations.
The number agrees with the unit ("una tonelada", "une minute")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from kokoro_speech.normalize.english.common import sub_hits
from kokoro_speech.normalize.locales.numbers import AFTER, BEFORE, SIGN, parse, say_count, shapes
from kokoro_speech.normalize.locales.tables import LocaleTable
from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.normalize.spans import Replacement


@cache
def _pattern(table: LocaleTable) -> re.Pattern[str]:
    names = "|".join(re.escape(u) for u in sorted(table.units, key=len, reverse=True))
    return re.compile(
        rf"(?P<sign>{SIGN})?{BEFORE}(?P<amount>{shapes(table).number}){AFTER}\s?(?P<unit>{names})(?![\w'’/²³])"
    )


def _say(table: LocaleTable, match: re.Match[str]) -> str | None:
    number = parse(table, match["amount"])
    if number is None:
        return None
    sign = f"{table.minus} " if match["sign"] else ""
    return sign + say_count(table, number, table.units[match["unit"]])


def find_units(table: LocaleTable, text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_pattern(table), text, lambda m: _say(table, m))
