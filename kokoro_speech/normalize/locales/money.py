"""Money: the sign may be written before or after the amount, and is said after it, with cents
where the amount has exactly two decimals ("12,50 €" -> "doce euros con cincuenta céntimos")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from kokoro_speech.normalize.currencies import Said, signs_pattern
from kokoro_speech.normalize.english.common import sub_hits
from kokoro_speech.normalize.locales.numbers import (
    AFTER,
    BEFORE,
    SIGN,
    WrittenNumber,
    parse,
    say_count,
    shapes,
)
from kokoro_speech.normalize.locales.tables import LocaleTable
from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.normalize.spans import Replacement

CENT_DIGITS = 2
_MONEY_SIGN = r"(?:(?<![\w.,])[-−])"


def say_money(table: LocaleTable, currency: Said, number: WrittenNumber) -> str:
    cents = number.fraction
    subunit = currency.subunit
    if cents is None or len(cents) != CENT_DIGITS or subunit is None:
        return say_count(table, number, currency.unit)
    units = WrittenNumber(number.whole)
    cent_count = WrittenNumber(cents.lstrip("0") or "0")
    if cent_count.whole == "0":
        return say_count(table, units, currency.unit)
    minor = say_count(table, cent_count, subunit)
    if units.whole.strip("0") == "":
        return minor
    joiner = f" {table.money_joiner} " if table.money_joiner else " "
    return say_count(table, units, currency.unit) + joiner + minor


@cache
def _patterns(table: LocaleTable) -> tuple[re.Pattern[str], re.Pattern[str]]:
    # The sign before an amount gets a lookbehind of its own below, which the sign after one must not have.
    symbols = signs_pattern(table.currencies, word_start=False)
    number = shapes(table).number
    before = re.compile(rf"(?P<sign>{_MONEY_SIGN})?(?<![\w$])(?P<symbol>{symbols})\s?(?P<amount>{number}){AFTER}")
    after = re.compile(rf"(?P<sign>{SIGN})?{BEFORE}(?P<amount>{number}){AFTER}\s?(?P<symbol>{symbols})(?![\w$€£¥₹])")
    return before, after


def _say(table: LocaleTable, match: re.Match[str]) -> str | None:
    number = parse(table, match["amount"])
    if number is None:
        return None
    sign = f"{table.minus} " if match["sign"] else ""
    return sign + say_money(table, table.currencies[match["symbol"]], number)


def find_money(table: LocaleTable, text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    for pattern in _patterns(table):
        yield from sub_hits(pattern, text, lambda m: _say(table, m))
