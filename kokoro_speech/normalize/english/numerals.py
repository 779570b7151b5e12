"""Numbers no earlier rule claimed: decades, ranges, fractions, ordinals, years, ratios and the
rest. Order matters here too: each shape is tried before the plain number inside it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kokoro_speech.normalize import numbers as nw
from kokoro_speech.normalize.english.common import (
    AFTER,
    BEFORE,
    DASH,
    INT,
    NUM,
    SHORT_YEAR_DIGITS,
    SIGN,
    YEAR_DIGITS,
    previous_word,
    sub_hits,
    word_set,
)
from kokoro_speech.normalize.english.dates import MONTHS
from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.normalize.spans import Replacement

# --- decades: "the 1990s", "the '90s" ------------------------------------------------------

_DECADE = re.compile(
    r"(?<![\w.,'’])(?P<year>1[1-9]\d0|20\d0)['’]?s(?![\w'’])"
    r"|(?<![\w.,])['’]?(?P<short>[1-9]0)['’]?s(?![\w'’])"
)


def _say_decade(match: re.Match[str]) -> str:
    if match["year"]:
        return nw.plural(nw.year(int(match["year"])))
    return nw.plural(nw.cardinal(int(match["short"])))


def find_decades(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_DECADE, text, _say_decade)


# --- ranges: "10-20", "1990-95" -----------------------------------------------------------

_RANGE = re.compile(rf"(?<![\d][-–—]){BEFORE}(?P<a>{NUM}){AFTER}{DASH}(?P<b>{NUM}){AFTER}(?![-–—]\d)")
_FIRST_READ_YEAR, _LAST_READ_YEAR = 1100, 2099
_CENTURY = 100


def _is_year(written: str) -> bool:
    return len(written) == YEAR_DIGITS and written.isdecimal() and _FIRST_READ_YEAR <= int(written) <= _LAST_READ_YEAR


def _say_range(match: re.Match[str]) -> str:
    first, second = match["a"], match["b"]
    if _is_year(first) and _is_year(second) and int(second) > int(first):
        return f"{nw.year(int(first))} to {nw.year(int(second))}"
    if (
        _is_year(first)
        and len(second) == SHORT_YEAR_DIGITS
        and second.isdecimal()
        and int(second) > int(first) % _CENTURY
    ):
        return f"{nw.year(int(first))} to {nw.short_year(second)}"  # 1990-95
    return f"{nw.decimal(first)} to {nw.decimal(second)}"


def find_ranges(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_RANGE, text, _say_range)


# --- fractions: "1/2", "2 3/4" --------------------------------------------------------------

_MIXED_FRACTION = re.compile(r"(?<![\w/.,])(?P<whole>\d+)\s(?P<num>\d+)/(?P<den>\d+)(?![\w/]|\.\d)")
_FRACTION = re.compile(r"(?<![\w/.,])(?P<num>\d+)/(?P<den>\d+)(?![\w/]|\.\d)")
# Written like fractions, said otherwise.
FRACTION_IDIOMS = {
    "24/7": "twenty four seven",
    "50/50": "fifty fifty",
    "9/11": "nine eleven",
    "20/20": "twenty twenty",
}
# Denominators a reader says as a fraction; others are read "X over Y".
FRACTION_DENOMINATORS = frozenset({*range(2, 11), 12, 16, 32, 64, 100})


def _said_denominator(written: str) -> int | None:
    value = nw.value(written)
    return value if value in FRACTION_DENOMINATORS else None


def _say_mixed_fraction(match: re.Match[str]) -> str | None:
    numerator, denominator = nw.value(match["num"]), _said_denominator(match["den"])
    if numerator is None or denominator is None or not 0 < numerator < denominator:
        return None
    # The whole number goes as written: it may be too long to be one quantity.
    return nw.mixed_fraction(match["whole"], numerator, denominator)


def _say_fraction(match: re.Match[str]) -> str | None:
    if match.group() in FRACTION_IDIOMS:
        return FRACTION_IDIOMS[match.group()]
    # A numerator too long to be a quantity (None) is read digit by digit, "over" the denominator.
    numerator, denominator = nw.value(match["num"]), _said_denominator(match["den"])
    if numerator and denominator is not None:
        return nw.fraction(numerator, denominator)
    return f"{nw.integer(match['num'])} over {nw.integer(match['den'])}"


def find_fractions(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_MIXED_FRACTION, text, _say_mixed_fraction)
    yield from sub_hits(_FRACTION, text, _say_fraction)


# --- ordinals: "22nd" -----------------------------------------------------------------------

_ORDINAL = re.compile(rf"(?<![\w.])(?P<num>{INT})(?i:st|nd|rd|th)(?![\w])")


def find_ordinals(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_ORDINAL, text, lambda m: nw.ordinal_number(m["num"]))


# --- years: "in 1998" -----------------------------------------------------------------------

_YEAR = re.compile(r"(?<![\w.,$€£¥°-])(?P<year>1[1-9]\d\d|20\d\d)(?![\w%°]|[.,]\d)")
# A four-digit number is a year after these words, or where no noun follows it.
YEAR_CUES = word_set(
    """in since from by until till before after during year circa c. ca. around of between through early late mid
    spring summer autumn fall winter the ©"""
) | {m.lower() for m in MONTHS}
_ERA = re.compile(r"\s+(?:AD|BC|BCE|CE|A\.D\.|B\.C\.)(?!\w)")
_WORD_FOLLOWS = re.compile(r"[ \t]+[A-Za-z]")


def _say_year_number(match: re.Match[str], text: str) -> str:
    value = int(match["year"])
    cue = previous_word(text, match.start()).lower().rstrip(",")
    if cue in YEAR_CUES or _ERA.match(text, match.end()) or not _WORD_FOLLOWS.match(text, match.end()):
        return nw.year(value)
    return nw.cardinal(value)  # "1500 apples"


def find_years(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_YEAR, text, lambda m: _say_year_number(m, text))


# --- ratios: "16:9" -------------------------------------------------------------------------

_RATIO = re.compile(r"(?<![\w:.])(?P<a>\d+):(?P<b>\d+)(?![\w:]|\.\d)")


def find_ratios(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_RATIO, text, lambda m: f"{nw.integer(m['a'])} to {nw.integer(m['b'])}")


# --- every other number ---------------------------------------------------------------------

# Numbers everyone says digit by digit.
DIGIT_BY_DIGIT = frozenset({"911"})
_NUMBER = re.compile(rf"(?P<sign>{SIGN})?{BEFORE}(?P<num>{NUM}){AFTER}")


def _say_number(match: re.Match[str]) -> str:
    if match.group() in DIGIT_BY_DIGIT:
        return nw.digits(match.group())
    return ("minus " if match["sign"] else "") + nw.decimal(match["num"])


def find_numbers(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_NUMBER, text, _say_number)
