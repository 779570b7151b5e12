"""Percentages: "45 %" -> "cuarenta y cinco por ciento"; a space (often a no-break one) may stand before the sign."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from kokoro_speech.normalize.english.common import sub_hits
from kokoro_speech.normalize.locales.numbers import AFTER, BEFORE, SIGN, say_written, shapes
from kokoro_speech.normalize.locales.tables import LocaleTable
from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.normalize.spans import Replacement


@cache
def _pattern(table: LocaleTable) -> re.Pattern[str]:
    return re.compile(rf"(?P<amount>{SIGN}?{BEFORE}{shapes(table).number}){AFTER}\s?%")


def _say(table: LocaleTable, match: re.Match[str]) -> str | None:
    words = say_written(table, match["amount"])
    return None if words is None else f"{words} {table.percent}"


def find_percentages(table: LocaleTable, text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_pattern(table), text, lambda m: _say(table, m))
