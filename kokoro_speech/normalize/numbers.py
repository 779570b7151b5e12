"""Number words, the American way: spaces between words, no hyphens, no "and" inside a number."""

from __future__ import annotations

import re

from num2words import num2words

DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

# Beyond this many digits nobody reads a number as one quantity; it is read digit by digit.
MAX_CARDINAL_DIGITS = 15
_TOO_LONG = 10**MAX_CARDINAL_DIGITS

# Denominators said with their own words rather than as an ordinal ("three quarters").
_DENOMINATOR_WORDS = {2: ("half", "halves"), 4: ("quarter", "quarters")}

_FIRST_YEAR, _LAST_YEAR = 1000, 9999
_CENTURY = 100
_DECADE = 10

_BRITISH_AND = re.compile(r"\band\b")
_SEPARATORS = re.compile(r"[-,]")


def _american(words: str) -> str:
    """num2words writes "one hundred and twenty-three"; Americans say "one hundred twenty three"."""
    return " ".join(_BRITISH_AND.sub(" ", _SEPARATORS.sub(" ", words)).split())


def cardinal(number: int) -> str:
    """42 -> "forty two"; negative numbers start with "minus". Beyond ``MAX_CARDINAL_DIGITS``
    digit by digit (num2words gives absurd scale words there, then overflows)."""
    if abs(number) >= _TOO_LONG:
        return ("minus " if number < 0 else "") + digits(str(abs(number)))
    return _american(num2words(number, lang="en"))


def ordinal(number: int) -> str:
    """22 -> "twenty second". Beyond ``MAX_CARDINAL_DIGITS`` digit by digit, the last digit an
    ordinal: "... four fifth"."""
    if number >= _TOO_LONG:
        return _digits_then_ordinal(str(number))
    return _american(num2words(number, lang="en", to="ordinal"))


def _digits_then_ordinal(written: str) -> str:
    return f"{digits(written[:-1])} {ordinal(int(written[-1]))}"


def digits(text: str) -> str:
    """Digit by digit: "0199" -> "zero one nine nine"; anything but digits is skipped."""
    return " ".join(DIGIT_WORDS[int(ch)] for ch in text if ch.isdecimal())


def too_long(text: str) -> bool:
    """Whether a written integer (thousands separators allowed) has too many digits to be said
    as one quantity."""
    return len(text.replace(",", "")) > MAX_CARDINAL_DIGITS


def value(text: str) -> int | None:
    """A written integer's value, or None where it is too long to be one (converting thousands
    of digits is slow, and Python refuses beyond 4300)."""
    return None if too_long(text) else int(text.replace(",", ""))


def integer(text: str) -> str:
    """An integer as written, thousands separators allowed: "1,234" -> "one thousand two hundred
    thirty four". Leading zeros ("007") and very long numbers are read digit by digit."""
    plain = text.replace(",", "")
    if (len(plain) > 1 and plain.startswith("0")) or too_long(plain):
        return digits(plain)
    return cardinal(int(plain))


def quantity(text: str) -> str:
    """A written integer's value, leading zeros dropped: "007" -> "seven"; digit by digit where
    it is too long."""
    number = value(text)
    return digits(text) if number is None else cardinal(number)


def ordinal_number(text: str) -> str:
    """A written ordinal's number, thousands separators allowed: "1,000" -> "one thousandth";
    digit by digit where it is too long, the last digit an ordinal."""
    number = value(text)
    return _digits_then_ordinal(text.replace(",", "")) if number is None else ordinal(number)


def decimal(text: str) -> str:
    """A number as written: optional sign, separators, decimals: "-3.14" -> "minus three point one four"."""
    sign = ""
    if text[:1] in "-−":
        sign, text = "minus ", text[1:]
    whole, _, fraction = text.partition(".")
    words = integer(whole) if whole else ""
    if fraction:
        words = f"{words} point {digits(fraction)}".strip()
    return sign + words


def is_one(text: str) -> bool:
    """Whether a written amount takes the singular ("1 kilogram", but "1.0 kilograms")."""
    return text.lstrip("-−") == "1"


def year(number: int) -> str:
    """A year as it is said: 1998 -> "nineteen ninety eight", 2007 -> "two thousand seven",
    1900 -> "nineteen hundred", 1905 -> "nineteen oh five", 2027 -> "twenty twenty seven"."""
    if not _FIRST_YEAR <= number <= _LAST_YEAR:
        return cardinal(number)
    century, rest = divmod(number, _CENTURY)
    if rest == 0:
        return cardinal(number) if century % _DECADE == 0 else f"{cardinal(century)} hundred"
    if century % _DECADE == 0 and rest < _DECADE:
        return cardinal(number)
    if rest < _DECADE:
        return f"{cardinal(century)} oh {cardinal(rest)}"
    return f"{cardinal(century)} {cardinal(rest)}"


def short_year(text: str) -> str:
    """A two-digit year: "27" -> "twenty seven", "05" -> "oh five"."""
    value = int(text)
    return f"oh {cardinal(value)}" if len(text) == 2 and value < _DECADE else cardinal(value)


def plural(words: str) -> str:
    """The plural of a number's last word: "nineteen ninety" -> "nineteen nineties"."""
    head, _, last = words.rpartition(" ")
    if last.endswith("y"):
        last = last[:-1] + "ies"
    elif last.endswith("x"):
        last += "es"
    else:
        last += "s"
    return f"{head} {last}".strip()


def fraction(numerator: int, denominator: int) -> str:
    """3/4 -> "three quarters", 2/3 -> "two thirds", 1/2 -> "one half"."""
    return f"{cardinal(numerator)} {_denominator(denominator, plural_form=numerator != 1)}"


def mixed_fraction(whole: str, numerator: int, denominator: int) -> str:
    """("1", 1, 2) -> "one and a half", ("2", 3, 4) -> "two and three quarters"; the whole number
    as written, since it may be too long to be one quantity."""
    count = "a" if numerator == 1 else cardinal(numerator)
    return f"{quantity(whole)} and {count} {_denominator(denominator, plural_form=numerator != 1)}"


def _denominator(denominator: int, *, plural_form: bool) -> str:
    if denominator in _DENOMINATOR_WORDS:
        singular, plural_word = _DENOMINATOR_WORDS[denominator]
        return plural_word if plural_form else singular
    word = ordinal(denominator)
    return word + "s" if plural_form else word
