"""Dates: numeric ones are day-month-year in these languages (05/03/2027), ISO ones year first,
and written ones name the month ("5 de marzo de 2027", "1er janvier"). They run before the
phone and number rules, which would take their digits."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from kokoro_speech.normalize.english.common import YEAR_DIGITS, sub_hits
from kokoro_speech.normalize.locales.numbers import WORD_END
from kokoro_speech.normalize.locales.tables import LocaleTable
from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.normalize.spans import Replacement

DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
MONTHS_IN_YEAR = 12
# A two-digit year below the pivot is this century's ("27" -> 2027), the rest the last one's ("99" -> 1999).
TWO_DIGIT_YEAR_PIVOT = 50
_THIS_CENTURY, _LAST_CENTURY = 2000, 1900

_ISO = re.compile(r"(?<![\w./-])(?P<year>\d{4})(?P<sep>[-/.])(?P<month>\d{2})(?P=sep)(?P<day>\d{2})(?![\w/-]|\.\d)")
_NUMERIC = re.compile(
    r"(?<![\w/.-])(?P<day>\d{1,2})(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})(?![\w/-]|\.\d)"
)


def valid_date(month: int, day: int) -> bool:
    return 1 <= month <= MONTHS_IN_YEAR and 1 <= day <= DAYS_IN_MONTH[month - 1]


def say_year(table: LocaleTable, written: str) -> str:
    value = int(written)
    if len(written) != YEAR_DIGITS:
        value += _THIS_CENTURY if value < TWO_DIGIT_YEAR_PIVOT else _LAST_CENTURY
    return table.words.year(value)


def say_day(table: LocaleTable, day: int, *, ordinal: bool = False) -> str:
    if ordinal:
        return table.words.ordinal(day, "m")
    return table.first_of_month if day == 1 and table.first_of_month else table.words.cardinal(day, "counting")


def say_date(
    table: LocaleTable, day: int | None, month: int | str | None, year: str | None, *, ordinal_day: bool = False
) -> str:
    """Any of day, month (a number or the name as written) and year, in the language's order:
    (5, 3, "2027") -> "cinco de marzo de dos mil veintisiete"."""
    joiner = f" {table.date_joiner} " if table.date_joiner else " "
    parts: list[str] = []
    if day is not None:
        parts.append(say_day(table, day, ordinal=ordinal_day))
    if month is not None:
        parts.append(table.months[month - 1] if isinstance(month, int) else month)
    if year is not None:
        parts.append(say_year(table, year))
    # The joiner stands only between the parts that are there ("marzo de 2027", "5 de marzo").
    return joiner.join(parts)


def _month_names(table: LocaleTable) -> str:
    names = [*table.months, *table.month_abbreviations]
    return "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))


def _joiner(table: LocaleTable) -> str:
    return rf"(?:{table.date_joiner}\s+)?" if table.date_joiner else ""


@cache
def _written_date(table: LocaleTable) -> re.Pattern[str]:
    suffixes = "|".join(re.escape(s) for s in sorted(table.ordinal_suffixes, key=len, reverse=True))
    return re.compile(
        rf"(?<![\w.,])(?P<day>\d{{1,2}})(?P<suffix>{suffixes})?\s+{_joiner(table)}(?P<month>(?i:{_month_names(table)}))"
        rf"{WORD_END}(?:,?\s+{_joiner(table)}(?P<year>\d{{4}})(?!\d))?"
    )


@cache
def _month_and_year(table: LocaleTable) -> re.Pattern[str]:
    return re.compile(
        rf"(?<![\w.])(?P<month>(?i:{_month_names(table)})){WORD_END}\s+{_joiner(table)}(?P<year>\d{{4}})(?![\d.,]\d|\d)"
    )


def month_number(table: LocaleTable, name: str) -> int | None:
    lowered = name.lower()
    for index, month in enumerate(table.months):
        if month.lower() == lowered:
            return index + 1
    return next((n for written, n in table.month_abbreviations.items() if written.lower() == lowered), None)


def _month_as_said(table: LocaleTable, written: str, month: int) -> int | str:
    """A full name stays as written; an abbreviation is said as the month's full name."""
    return written if written.lower() in (m.lower() for m in table.months) else month


def _say_written(table: LocaleTable, match: re.Match[str]) -> str | None:
    day, month = int(match["day"]), month_number(table, match["month"])
    if month is None or not valid_date(month, day):
        return None
    # "1.º de mayo" is said as written, "primero"; "1 de mayo" as the language says the first.
    ordinal_day = match["suffix"] is not None and not table.first_of_month
    return say_date(table, day, _month_as_said(table, match["month"], month), match["year"], ordinal_day=ordinal_day)


def _say_month_and_year(table: LocaleTable, match: re.Match[str]) -> str | None:
    month = month_number(table, match["month"])
    if month is None:
        return None
    return say_date(table, None, _month_as_said(table, match["month"], month), match["year"])


def _say_numeric(table: LocaleTable, match: re.Match[str]) -> str | None:
    day, month, year = int(match["day"]), int(match["month"]), match["year"]
    if len(year) != YEAR_DIGITS and match["sep"] != "/":
        return None  # "1.2.27" is more likely a version than a date
    if not valid_date(month, day) and valid_date(day, month):
        day, month = month, day  # 12/25/2027 can only be read one way
    return say_date(table, day, month, year) if valid_date(month, day) else None


def _say_iso(table: LocaleTable, match: re.Match[str]) -> str | None:
    day, month = int(match["day"]), int(match["month"])
    return say_date(table, day, month, match["year"]) if valid_date(month, day) else None


def find_dates(table: LocaleTable, text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_ISO, text, lambda m: _say_iso(table, m))
    yield from sub_hits(_written_date(table), text, lambda m: _say_written(table, m))
    yield from sub_hits(_month_and_year(table), text, lambda m: _say_month_and_year(table, m))
    yield from sub_hits(_NUMERIC, text, lambda m: _say_numeric(table, m))
