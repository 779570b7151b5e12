"""Money and percentages: the sign is written before the amount but said after it ("$5" -> "five
dollars")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kokoro_speech.normalize import numbers as nw
from kokoro_speech.normalize.currencies import Said, currencies_for, signs_pattern
from kokoro_speech.normalize.english.common import AFTER, BEFORE, DASH, INT, NUM, SIGN, say_count, sub_hits
from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.normalize.spans import Replacement

CURRENCIES = currencies_for("en")
SCALES = {
    "k": "thousand",
    "K": "thousand",
    "m": "million",
    "M": "million",
    "mn": "million",
    "b": "billion",
    "B": "billion",
    "bn": "billion",
    "T": "trillion",
    "tn": "trillion",
}
_SCALE_WORDS = ("thousand", "million", "billion", "trillion")
_CENT_DIGITS = 2
_SYMBOL = signs_pattern(CURRENCIES)


def _amount(name: str) -> str:
    scale_letters = "|".join(sorted(SCALES, key=len, reverse=True))
    return (
        rf"(?P<{name}>{NUM}){AFTER}"
        rf"(?:\s?(?P<{name}_word>{'|'.join(_SCALE_WORDS)})\b|(?P<{name}_letter>{scale_letters})(?![A-Za-z0-9]))?"
    )


# "-$5": the minus comes before the currency sign.
_MONEY_SIGN = rf"(?:(?<![\w.])[-−](?={_SYMBOL}))"
_MONEY = re.compile(
    rf"(?P<sign>{_MONEY_SIGN})?(?P<symbol>{_SYMBOL})\s?{_amount('a')}(?:{DASH}(?P<symbol2>{_SYMBOL})?{_amount('b')})?"
)
# Europeans often write the symbol after the amount: 5 €, 10€.
_MONEY_AFTER = re.compile(rf"(?P<sign>{SIGN})?{BEFORE}{_amount('a')}\s?(?P<symbol>{_SYMBOL})(?![\w$€£¥])")
_CENTS_SIGN = re.compile(rf"{BEFORE}(?P<amount>{INT})\s?¢")


def _scale(match: re.Match[str], name: str) -> str | None:
    word, letter = match[f"{name}_word"], match[f"{name}_letter"]
    return word or (SCALES[letter] if letter else None)


def _has_cents(amount: str) -> bool:
    return "." in amount


def say_money(currency: Said, amount: str, scale: str | None = None) -> str:
    """ "19.99" -> "nineteen dollars and ninety nine cents"; "2.5", "million" -> "two point five
    million dollars"."""
    unit, subunit = currency.unit, currency.subunit
    if scale:
        return f"{nw.decimal(amount)} {scale} {unit.plural}"
    whole, _, cents = amount.partition(".")
    whole_value = nw.value(whole or "0")  # None: too long to be one amount, so neither 0 nor 1
    if cents and (len(cents) != _CENT_DIGITS or subunit is None):
        return f"{nw.decimal(amount)} {unit.plural}"
    major = f"{nw.integer(whole or '0')} {unit.singular if whole_value == 1 else unit.plural}"
    cent_value = int(cents or "0")
    if cent_value == 0 or subunit is None:
        return major
    minor = f"{nw.cardinal(cent_value)} {subunit.singular if cent_value == 1 else subunit.plural}"
    return minor if whole_value == 0 else f"{major} and {minor}"


def _say_money(match: re.Match[str]) -> str:
    sign = "minus " if match["sign"] else ""
    currency = CURRENCIES[match["symbol"]]
    first, first_scale = match["a"], _scale(match, "a")
    groups = match.groupdict()
    if groups.get("b") is None:
        return sign + say_money(currency, first, first_scale)
    second_currency = CURRENCIES[groups.get("symbol2") or match["symbol"]]
    second, second_scale = match["b"], _scale(match, "b")
    if second_currency == currency and not _has_cents(first) and first_scale in (None, second_scale):
        # "$10-$20" -> "ten to twenty dollars", "$5-10 million" -> "five to ten million dollars".
        return f"{sign}{nw.decimal(first)} to {say_money(currency, second, second_scale)}"
    return f"{sign}{say_money(currency, first, first_scale)} to {say_money(second_currency, second, second_scale)}"


def _say_cents(match: re.Match[str]) -> str:
    return say_count(match["amount"], "cent", "cents")


def find_money(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_MONEY, text, _say_money)
    yield from sub_hits(_MONEY_AFTER, text, _say_money)
    yield from sub_hits(_CENTS_SIGN, text, _say_cents)


_PERCENT = re.compile(rf"(?P<sign>{SIGN})?{BEFORE}(?P<a>{NUM}){AFTER}(?:{DASH}(?P<b>{NUM}){AFTER})?\s?%")


def _say_percent(match: re.Match[str]) -> str:
    sign = "minus " if match["sign"] else ""
    words = sign + nw.decimal(match["a"])
    if match["b"]:
        words += f" to {nw.decimal(match['b'])}"
    return f"{words} percent"


def find_percentages(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_PERCENT, text, _say_percent)
