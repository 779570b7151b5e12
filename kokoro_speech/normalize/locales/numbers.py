"""Numbers as each language writes them ("1.234,56", "1 234,56", "1,23,456") and says them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from kokoro_speech.normalize import numbers as nw
from kokoro_speech.normalize.currencies import Agreement, Noun
from kokoro_speech.normalize.english.common import sub_hits
from kokoro_speech.normalize.locales.tables import LocaleTable
from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.normalize.spans import Replacement

# A minus sign only where it cannot be a hyphen or a range dash ("x-5", "10-20").
SIGN = r"(?:(?<![\w.,])[-−](?=\d))"
# A number stands alone: no digit or separator joined to it.
BEFORE = r"(?<![\d.,])"
AFTER = r"(?!\d|[.,]\d)"
# The end of a word, Devanagari vowel signs included (they are not ``\w``); the danda ends a
# sentence, so it may follow.
WORD_END = r"(?![\w\u0900-\u0963\u0970-\u097F])"

# Fractions this long or shorter are said as a number ("tres coma catorce"); longer ones digit by digit.
MAX_FRACTION_AS_NUMBER = 2
_THOUSANDS = 3
_VOWELS = "aeiouyàâéèêëîïôûh"


@dataclass(frozen=True)
class WrittenNumber:
    whole: str
    """The integer part's digits, separators removed."""
    fraction: str | None = None
    point: str = ""
    """The word for the separator the fraction was written with."""

    @property
    def is_one(self) -> bool:
        return self.fraction is None and self.whole == "1"


@dataclass(frozen=True)
class NumberShapes:
    """One language's written numbers as regular expressions."""

    integer: str
    number: str
    parse: re.Pattern[str]


@cache
def shapes(table: LocaleTable) -> NumberShapes:
    groups = re.escape(table.group_separators)
    grouped = rf"\d{{1,3}}(?:[{groups}]\d{{{_THOUSANDS}}})+(?!\d)"
    if table.indian_grouping:
        grouped = rf"\d{{1,2}}(?:[{groups}]\d{{2}})+[{groups}]\d{{{_THOUSANDS}}}(?!\d)|{grouped}"
    decimal = re.escape(table.decimal_separator)
    integer = rf"(?:{grouped}|\d+)"
    pieces = [rf"(?P<grouped>{grouped})(?:{decimal}(?P<grouped_fraction>\d+))?"]
    if table.other_decimal_separator:
        other = re.escape(table.other_decimal_separator)
        pieces.append(rf"(?P<other_whole>\d+){other}(?P<other_fraction>\d+)(?!\d)")
    pieces.append(rf"(?P<plain>\d+)?(?:{decimal}(?P<plain_fraction>\d+))?")
    parse = re.compile("|".join(pieces))
    plain_number = (
        rf"(?:{grouped})(?:{decimal}\d+)?"
        + (rf"|\d+{re.escape(table.other_decimal_separator)}\d+(?!\d)" if table.other_decimal_separator else "")
        + rf"|\d+(?:{decimal}\d+)?|{decimal}\d+"
    )
    return NumberShapes(integer, rf"(?:{plain_number})", parse)


def parse(table: LocaleTable, written: str) -> WrittenNumber | None:
    """A written number's parts, or None where it is not one number of this language."""
    match = shapes(table).parse.fullmatch(written)
    if match is None or not written:
        return None
    if match["grouped"] is not None:
        whole = re.sub(r"\D", "", match["grouped"])
        return WrittenNumber(whole, match["grouped_fraction"], table.point)
    if match.groupdict().get("other_whole") is not None:
        return WrittenNumber(match["other_whole"], match["other_fraction"], table.other_point)
    return WrittenNumber(match["plain"] or "0", match["plain_fraction"], table.point)


def digits(table: LocaleTable, text: str) -> str:
    """Digit by digit: "0199" -> "cero uno nueve nueve"; anything but digits is skipped."""
    return " ".join(table.words.digits[int(ch)] for ch in text if ch.isdecimal())


def integer(table: LocaleTable, whole: str, agreement: Agreement = "counting") -> str:
    """An integer's digits as a quantity; leading zeros ("007") and very long numbers digit by digit."""
    if (len(whole) > 1 and whole.startswith("0")) or len(whole) > nw.MAX_CARDINAL_DIGITS:
        return digits(table, whole)
    return table.words.cardinal(int(whole), agreement)


def quantity(table: LocaleTable, whole: str, agreement: Agreement = "counting") -> str:
    """An integer's value, leading zeros dropped ("05" -> "cinco")."""
    if len(whole) > nw.MAX_CARDINAL_DIGITS:
        return digits(table, whole)
    return table.words.cardinal(int(whole), agreement)


def fraction(table: LocaleTable, written: str) -> str:
    """What follows the decimal separator: leading zeros one by one, then a short rest as a number
    ("05" -> "cero cinco", "14" -> "catorce"), a long one digit by digit."""
    rest = written.lstrip("0")
    zeros = [table.words.digits[0]] * (len(written) - len(rest))
    if not rest:
        return " ".join(zeros)
    if table.fraction_as_number and len(rest) <= MAX_FRACTION_AS_NUMBER:
        return " ".join([*zeros, table.words.cardinal(int(rest), "counting")])
    return " ".join([*zeros, digits(table, rest)])


def say_number(table: LocaleTable, number: WrittenNumber, agreement: Agreement = "counting") -> str:
    if number.fraction is None:
        return integer(table, number.whole, agreement)
    return f"{integer(table, number.whole)} {number.point} {fraction(table, number.fraction)}"


def say_written(table: LocaleTable, written: str, agreement: Agreement = "counting") -> str | None:
    """A number as written, sign included: "-3,5" -> "menos tres coma cinco"."""
    sign = ""
    if written[:1] in "-−":
        sign, written = f"{table.minus} ", written[1:]
    number = parse(table, written)
    return None if number is None else sign + say_number(table, number, agreement)


def takes_singular(table: LocaleTable, number: WrittenNumber) -> bool:
    if table.singular_below_two:
        return int(number.whole or "0") < 2 if len(number.whole) <= nw.MAX_CARDINAL_DIGITS else False
    return number.is_one


def of_scale(table: LocaleTable, words: str, noun: str) -> str:
    """ "un millón" + "euros" -> "un millón de euros"; French elides before a vowel ("d'euros")."""
    if not table.scale_of or words.rpartition(" ")[2] not in table.scale_nouns:
        return f"{words} {noun}"
    if table.elided_scale_of and noun[:1].lower() in _VOWELS:
        return f"{words} {table.elided_scale_of}{noun}"
    return f"{words} {table.scale_of} {noun}"


def say_count(table: LocaleTable, number: WrittenNumber, noun: Noun) -> str:
    """A number and what it counts, agreeing with it: "21" + libra -> "veintiuna libras"."""
    words = say_number(table, number, noun.agreement)
    return of_scale(table, words, noun.singular if takes_singular(table, number) else noun.plural)


def find_numbers(table: LocaleTable, text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    pattern = _number_pattern(table)
    yield from sub_hits(pattern, text, lambda m: say_written(table, m.group()))


@cache
def _number_pattern(table: LocaleTable) -> re.Pattern[str]:
    return re.compile(rf"{SIGN}?{BEFORE}{shapes(table).number}{AFTER}")
