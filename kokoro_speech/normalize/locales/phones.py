"""Phone numbers, said in their written groups with a pause between them: digit by digit, or two
digits at a time where the language reads them so ("06 12 34 56 78" -> "zéro six, douze...")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kokoro_speech.normalize.english.common import sub_hits
from kokoro_speech.normalize.locales.numbers import shapes
from kokoro_speech.normalize.locales.tables import LocaleTable
from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.normalize.spans import Replacement

MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 8, 15
PAIR = 2
_PHONE = re.compile(
    r"(?<![\w+.,-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{1,5}(?:[ .-]\d{1,5}){1,6}(?![\w-]|[.,]\d)"
    r"|(?<![\w+])\+\d{8,15}(?![\w-]|[.,]\d)"
)


def _digit_words(table: LocaleTable) -> tuple[str, ...]:
    return table.phone_digits or table.words.digits


def _say_group(table: LocaleTable, group: str) -> str:
    if table.phone_pairs and len(group) == PAIR and not group.startswith("0"):
        return table.words.cardinal(int(group), "counting")
    if table.phone_pairs and len(group) == PAIR:
        return " ".join(_digit_words(table)[int(d)] for d in group)
    if table.phone_pairs and len(group) % PAIR == 0:
        return " ".join(_say_group(table, group[i : i + PAIR]) for i in range(0, len(group), PAIR))
    return " ".join(_digit_words(table)[int(d)] for d in group)


def say_phone(table: LocaleTable, written: str, *, checked: bool = True) -> str | None:
    """The groups as written, or None where the text is not a phone number (``checked``: where
    it has too few or too many digits to be one)."""
    groups = re.findall(r"\d+", written)
    count = sum(len(g) for g in groups)
    if not count or (checked and not MIN_PHONE_DIGITS <= count <= MAX_PHONE_DIGITS):
        return None
    international = written.lstrip().startswith("+")
    words = [_say_group(table, g) for g in groups]
    if international:
        code = groups[0]
        spoken_code = table.words.cardinal(int(code), "counting") if table.country_code_as_number else words[0]
        if len(groups) == 1:  # "+5511912345678": no groups written, none said
            spoken_code = words[0]
        words[0] = f"{table.plus} {spoken_code}"
    # The commas make the pauses people leave between the groups.
    return ", ".join(words)


def _is_number(table: LocaleTable, written: str) -> bool:
    """ "1 234 567 890" is a number in French, not a phone number."""
    return re.fullmatch(shapes(table).integer, written) is not None and not written.isdecimal()


def _say(table: LocaleTable, match: re.Match[str]) -> str | None:
    written = match.group()
    if _is_number(table, written):
        return None
    return say_phone(table, written)


def find_phone_numbers(table: LocaleTable, text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_PHONE, text, lambda m: _say(table, m))
