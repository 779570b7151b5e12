"""SSML ``<say-as>``: one span read as its ``interpret-as`` class asks, in any espeak-ng language.

English goes through the English readers; the other languages through their tables. A class
this does not read ("alias" is the markup's own), text it cannot read as that class, and the
languages with their own G2P (Japanese, Chinese) all give None: the span is then read as the
normalizer would read it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kokoro_speech.normalize import numbers as nw
from kokoro_speech.normalize.english.common import NUM, YEAR_DIGITS, spell
from kokoro_speech.normalize.english.dates import MONTH_ABBREVIATIONS, MONTHS
from kokoro_speech.normalize.english.dates import say_date as say_english_date
from kokoro_speech.normalize.english.times import say_clock
from kokoro_speech.normalize.locales.dates import (
    DAYS_IN_MONTH,
    MONTHS_IN_YEAR,
    month_number,
    say_date,
    say_year,
    valid_date,
)
from kokoro_speech.normalize.locales.numbers import digits, say_written
from kokoro_speech.normalize.locales.ordinals import say_ordinal
from kokoro_speech.normalize.locales.phones import say_phone
from kokoro_speech.normalize.locales.registry import table_for
from kokoro_speech.normalize.locales.tables import ClockTime, LocaleTable
from kokoro_speech.normalize.locales.times import MERIDIEM, clock_time

DEFAULT_DATE_ORDER = "dmy"
AMERICAN_DATE_ORDER = "mdy"
ISO_DATE_ORDER = "ymd"
_DATE_FIELDS = frozenset("dmy")
_DATE_TOKEN = re.compile(r"\d+|[^\W\d_]+\.?")
_TIME = re.compile(
    rf"(?P<hour>\d{{1,2}})\s?(?:[:.hH]\s?(?P<minute>\d{{2}})?(?::(?P<second>\d{{2}}))?)?\s?(?:{MERIDIEM})?"
    r"\s*(?:h|hs|hrs|horas|heures|ore|बजे)?\.?"
)
_ORDINAL_ENDING = re.compile(r"(?P<number>[\d.,\s]*\d)(?P<suffix>\D*)")
_ENGLISH_NUMBER = re.compile(rf"[-−]?{NUM}")
_ENGLISH_ORDINAL = re.compile(r"(?P<number>[\d,]+)(?i:st|nd|rd|th)?")
_OWN_G2P = frozenset({"ja", "jp", "zh", "cmn", "zh-cn"})


def _spelled(text: str, digit_words: tuple[str, ...], letter: Callable[[str], str]) -> str | None:
    """Letters one by one, digits as digit words; anything else is not said."""
    words = [digit_words[int(ch)] if ch.isdecimal() else letter(ch) for ch in text if ch.isalnum()]
    return " ".join(words) or None


def _date_order(detail: str, tokens: list[str], default: str) -> str | None:
    order = detail.strip().lower() or (ISO_DATE_ORDER if tokens and len(tokens[0]) == YEAR_DIGITS else default)
    if not order or not set(order) <= _DATE_FIELDS or len(set(order)) != len(order) or len(order) != len(tokens):
        return None
    return order


def _date_fields(
    text: str, detail: str, default: str, month_of: Callable[[str], int | None]
) -> tuple[int | None, int | None, str | None] | None:
    """Day, month and year as the SSML format names them ("dmy", "my", "y"...)."""
    tokens = _DATE_TOKEN.findall(text)
    order = _date_order(detail, tokens, default)
    if order is None:
        return None
    fields = dict(zip(order, tokens, strict=True))
    day = int(fields["d"]) if "d" in fields and fields["d"].isdecimal() else None
    month: int | None = None
    if "m" in fields:
        month = int(fields["m"]) if fields["m"].isdecimal() else month_of(fields["m"])
    year = fields.get("y")
    if ("d" in fields and day is None) or ("m" in fields and month is None):
        return None
    if year is not None and not year.isdecimal():
        return None
    if day is not None and not (valid_date(month, day) if month is not None else 1 <= day <= max(DAYS_IN_MONTH)):
        return None
    if month is not None and not 1 <= month <= MONTHS_IN_YEAR:
        return None
    return day, month, year


def _clock(text: str) -> ClockTime | None:
    match = _TIME.fullmatch(text.strip())
    if match is None:
        return None
    second = int(match["second"]) if match["second"] else None
    return clock_time(int(match["hour"]), int(match["minute"] or 0), second, match["half"])


# --- the languages with tables ------------------------------------------------------------


def _locale_ordinal(table: LocaleTable, text: str) -> str | None:
    match = _ORDINAL_ENDING.fullmatch(text.strip())
    if match is None:
        return None
    form = table.ordinal_suffixes.get(match["suffix"].strip(), "m")
    if match["suffix"].strip() and match["suffix"].strip() not in table.ordinal_suffixes:
        return None
    return say_ordinal(table, match["number"], form)


def _locale_date(table: LocaleTable, text: str, detail: str) -> str | None:
    fields = _date_fields(text, detail, DEFAULT_DATE_ORDER, lambda name: month_number(table, name))
    if fields is None:
        return None
    day, month, year = fields
    if day is None and month is None and year is not None:
        return say_year(table, year)
    return say_date(table, day, month, year)


def _locale_time(table: LocaleTable, text: str) -> str | None:
    time = _clock(text)
    return None if time is None else table.say_time(time)


def _locale_say_as(table: LocaleTable, text: str, interpret_as: str, detail: str) -> str | None:
    if interpret_as in ("characters", "spell-out"):
        return _spelled(text, table.words.digits, str.upper)
    if interpret_as == "cardinal":
        return say_written(table, text.strip())
    if interpret_as == "ordinal":
        return _locale_ordinal(table, text)
    if interpret_as == "digits":
        return digits(table, text) or None
    if interpret_as == "date":
        return _locale_date(table, text, detail)
    if interpret_as == "time":
        return _locale_time(table, text)
    if interpret_as == "telephone":
        return say_phone(table, text.strip(), checked=False)
    return None


# --- English ------------------------------------------------------------------------------


def _english_month(name: str) -> int | None:
    name = name.rstrip(".").capitalize()
    return MONTHS.index(name) + 1 if name in MONTHS else MONTH_ABBREVIATIONS.get(name)


def _english_date(text: str, detail: str, language: str) -> str | None:
    default = DEFAULT_DATE_ORDER if language == "en-gb" else AMERICAN_DATE_ORDER
    fields = _date_fields(text, detail, default, _english_month)
    if fields is None:
        return None
    day, month, year = fields
    if month is None:
        if day is not None:
            return nw.ordinal(day) + (f", {nw.year(int(year))}" if year else "")
        return nw.year(int(year)) if year else None
    order = detail.strip().lower() or default
    day_first = "d" in order and order.index("d") < order.index("m")
    return say_english_date(month, day, year, day_first=day_first)


def _english_phone(text: str) -> str | None:
    groups = re.findall(r"\d+", text)
    if not groups:
        return None
    words = [nw.digits(g) for g in groups]
    if text.strip().startswith("+"):
        words[0] = f"plus {words[0]}"
    return ", ".join(words)


def _english_say_as(text: str, interpret_as: str, detail: str, language: str) -> str | None:
    stripped = text.strip()
    if interpret_as in ("characters", "spell-out"):
        return _spelled(text, nw.DIGIT_WORDS, spell)
    if interpret_as == "cardinal":
        return nw.decimal(stripped) if _ENGLISH_NUMBER.fullmatch(stripped) else None
    if interpret_as == "ordinal":
        match = _ENGLISH_ORDINAL.fullmatch(stripped)
        return nw.ordinal_number(match["number"]) if match and match["number"].strip(",") else None
    if interpret_as == "digits":
        return nw.digits(text) or None
    if interpret_as == "date":
        return _english_date(stripped, detail, language)
    if interpret_as == "time":
        time = _clock(stripped)
        return None if time is None else say_clock(time.hour, time.minute, time.second, _half(time))
    if interpret_as == "telephone":
        return _english_phone(stripped)
    return None


def _half(time: ClockTime) -> str | None:
    return None if time.meridiem is None else time.meridiem[0]


def say_as(text: str, interpret_as: str, language: str, detail: str = "") -> str | None:
    """``text`` read as SSML's ``<say-as interpret-as=...>`` asks, in ``language``; ``detail`` is
    a date's format ("dmy", "mdy", "ymd", "my", "y"...). None where it cannot be read so."""
    code = language.strip().lower().replace("_", "-")
    if code in _OWN_G2P:
        return None
    if code in ("en", "en-us", "en-gb") or code.startswith("en-"):
        return _english_say_as(text, interpret_as, detail, code)
    table = table_for(code)
    return None if table is None else _locale_say_as(table, text, interpret_as, detail)
