"""Phone numbers, said in digit groups with pauses; they run before the number rules, which would
read their dashes as ranges."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kokoro_speech.normalize import numbers as nw
from kokoro_speech.normalize.english.common import sub_hits
from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.normalize.spans import Replacement

_PHONE_PATTERNS = (
    # International: +44 20 7946 0958, +1 555 123 4567.
    re.compile(r"(?<![\w+])\+\d{1,3}(?:[ .-]\(?\d{1,4}\)?){2,5}(?![\w-]|\.\d)"),
    # North American: 1-800-555-0199, (555) 123-4567, 555.123.4567.
    re.compile(r"(?<![\w+-])(?:1[ .-])?(?:\(\d{3}\)[ ]?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w-]|\.\d)"),
    # Local: 555-0199.
    re.compile(r"(?<![\w+.,-])[2-9]\d{2}-\d{4}(?![\w-]|[.,]\d)"),
)
_MIN_INTERNATIONAL_DIGITS = 8
# Toll-free area codes are said as a number ("one eight hundred"); other groups digit by digit.
_SAID_AS_NUMBER = {"800": "eight hundred", "900": "nine hundred"}
_ROUND = 100


def _say_phone(written: str) -> str | None:
    groups = re.findall(r"\d+", written)
    international = written.startswith("+")
    if international and sum(len(g) for g in groups) < _MIN_INTERNATIONAL_DIGITS:
        return None
    if len(groups) == 2 and all(int(g) % _ROUND == 0 for g in groups):
        return None  # "200-3000" is a range of round numbers, not a phone number
    words = [
        _SAID_AS_NUMBER.get(g, nw.digits(g)) if index < len(groups) - 2 else nw.digits(g)
        for index, g in enumerate(groups)
    ]
    if international:
        words[0] = f"plus {words[0]}"
    # The commas make the pauses people leave between the groups.
    return ", ".join(words)


def find_phone_numbers(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    for pattern in _PHONE_PATTERNS:
        yield from sub_hits(pattern, text, lambda m: _say_phone(m.group()))
