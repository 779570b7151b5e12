"""Dates with month names or numbers; numeric ones follow the configured day/month order, and
they run before the fraction and range rules, which would take their slashes and dashes."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kokoro_speech.normalize import numbers as nw
from kokoro_speech.normalize.english.common import YEAR_DIGITS, sub_hits
from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.normalize.spans import Replacement

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTH_ABBREVIATIONS = {
    "Jan": 1,
    "Feb": 2,
    "Mar": 3,
    "Apr": 4,
    "Jun": 6,
    "Jul": 7,
    "Aug": 8,
    "Sep": 9,
    "Sept": 9,
    "Oct": 10,
    "Nov": 11,
    "Dec": 12,
}
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MONTH = (
    r"(?P<month>(?:"
    + "|".join(MONTHS)
    + r")\b|(?:"
    + "|".join(sorted(MONTH_ABBREVIATIONS, key=len, reverse=True))
    + r")\b\.?)"
)
_ORDINAL_SUFFIX = r"(?:st|nd|rd|th)"
_YEAR4 = r"(?P<year>\d{4})(?!\d)"
_DATE_ISO = re.compile(
    r"(?<![\w./-])(?P<year>\d{4})(?P<sep>[-/.])(?P<month>\d{2})(?P=sep)(?P<day>\d{2})(?![\w/-]|\.\d)"
)
_DATE_MONTH_FIRST = re.compile(
    rf"\b{_MONTH}\s+(?P<day>\d{{1,2}}){_ORDINAL_SUFFIX}?(?:[-–](?P<day2>\d{{1,2}}){_ORDINAL_SUFFIX}?)?(?![\w:])"
    rf"(?:,?\s+{_YEAR4})?"
)
_DATE_DAY_FIRST = re.compile(
    rf"(?<![\w.,])(?:(?P<the>[Tt]he)\s+)?(?P<day>\d{{1,2}}){_ORDINAL_SUFFIX}?\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR4})?"
)
_DATE_MONTH_YEAR = re.compile(rf"\b{_MONTH}\s+{_YEAR4}")
_DATE_NUMERIC = re.compile(
    r"(?<![\w/.-])(?P<first>\d{1,2})(?P<sep>[/.-])(?P<second>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})(?![\w/-]|\.\d)"
)
_MONTHS_IN_YEAR = 12


def _month_number(name: str) -> int:
    name = name.rstrip(".")
    return MONTHS.index(name) + 1 if name in MONTHS else MONTH_ABBREVIATIONS[name]


def _valid_date(month: int, day: int) -> bool:
    return 1 <= month <= _MONTHS_IN_YEAR and 1 <= day <= _DAYS_IN_MONTH[month - 1]


def _say_year(written: str) -> str:
    return nw.year(int(written)) if len(written) == YEAR_DIGITS else nw.short_year(written)


def say_date(month: int, day: int | None, year: str | None, *, day_first: bool = False, the: str = "the") -> str:
    """March fifth, twenty twenty seven / the fifth of March, twenty twenty seven."""
    name = MONTHS[month - 1]
    if day is None:
        words = name
    elif day_first:
        words = f"{the} {nw.ordinal(day)} of {name}"
    else:
        words = f"{name} {nw.ordinal(day)}"
    if year is not None:
        words += (", " if day is not None else " ") + _say_year(year)
    return words


def _say_month_first(match: re.Match[str]) -> str | None:
    month, day = _month_number(match["month"]), int(match["day"])
    if not _valid_date(month, day):
        return None
    if match["day2"]:
        last = int(match["day2"])
        if not _valid_date(month, last) or last <= day:
            return None
        year = f", {_say_year(match['year'])}" if match["year"] else ""
        return f"{MONTHS[month - 1]} {nw.ordinal(day)} to {nw.ordinal(last)}{year}"
    return say_date(month, day, match["year"])


def _say_day_first(match: re.Match[str]) -> str | None:
    month, day = _month_number(match["month"]), int(match["day"])
    if not _valid_date(month, day):
        return None
    return say_date(month, day, match["year"], day_first=True, the=match["the"] or "the")


def _say_numeric_date(match: re.Match[str], order: str) -> str | None:
    first, second, year = int(match["first"]), int(match["second"]), match["year"]
    if len(year) != YEAR_DIGITS and match["sep"] != "/":
        return None  # "1.2.27" is more likely a version than a date
    month, day = (first, second) if order == "mdy" else (second, first)
    if not _valid_date(month, day) and _valid_date(day, month):
        month, day = day, month  # 25/12/2027 can only be read one way
    if not _valid_date(month, day):
        return None
    return say_date(month, day, year, day_first=order == "dmy")


def _say_iso_date(match: re.Match[str]) -> str | None:
    month, day = int(match["month"]), int(match["day"])
    return say_date(month, day, match["year"]) if _valid_date(month, day) else None


def find_dates(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_DATE_ISO, text, _say_iso_date)
    yield from sub_hits(_DATE_MONTH_FIRST, text, _say_month_first)
    yield from sub_hits(_DATE_DAY_FIRST, text, _say_day_first)
    yield from sub_hits(_DATE_MONTH_YEAR, text, lambda m: say_date(_month_number(m["month"]), None, m["year"]))
    yield from sub_hits(_DATE_NUMERIC, text, lambda m: _say_numeric_date(m, options.date_order))
