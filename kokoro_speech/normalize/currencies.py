"""Currencies: how each is written beside an amount, and what each language calls it.

One table for every language's money rule, so that a currency one language reads is read in all
of them. A sign that means another currency in one language (``¥``: the yen, but the yuan in
Chinese) says so in :data:`LOCAL_SIGNS`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Literal

Agreement = Literal["counting", "masculine", "feminine"]
"""How a number agrees with what it counts: "uno" when counting, "un euro", "una libra"."""


@dataclass(frozen=True)
class Noun:
    """A word said after a number, in the singular and the plural."""

    singular: str
    plural: str
    feminine: bool = False

    @property
    def agreement(self) -> Agreement:
        return "feminine" if self.feminine else "masculine"


@dataclass(frozen=True)
class Said:
    """What one language says for one currency: its unit and, where it has one, its hundredth."""

    unit: Noun
    subunit: Noun | None = None
    """Cents and their kin: read for an amount with exactly two decimals."""


@dataclass(frozen=True)
class Currency:
    code: str
    """ISO 4217."""
    written: tuple[str, ...]
    """The signs and codes written before or after an amount."""
    said: Mapping[str, Said]
    """By language code."""


def _said(unit: tuple[str, str], subunit: tuple[str, str] | None = None, *, feminine: bool = False) -> Said:
    return Said(Noun(*unit, feminine=feminine), Noun(*subunit) if subunit else None)


CURRENCIES: tuple[Currency, ...] = (
    Currency(
        "USD",
        ("$", "US$", "USD"),
        {
            "en": _said(("dollar", "dollars"), ("cent", "cents")),
            "es": _said(("dólar", "dólares"), ("centavo", "centavos")),
            "fr-fr": _said(("dollar", "dollars"), ("cent", "cents")),
            "it": _said(("dollaro", "dollari"), ("centesimo", "centesimi")),
            "pt-br": _said(("dólar", "dólares"), ("centavo", "centavos")),
            "hi": _said(("डॉलर", "डॉलर"), ("सेंट", "सेंट")),
            "zh": _said(("美元", "美元")),
            "ja": _said(("ドル", "ドル")),
        },
    ),
    Currency(
        "EUR",
        ("€", "EUR"),
        {
            "en": _said(("euro", "euros"), ("cent", "cents")),
            "es": _said(("euro", "euros"), ("céntimo", "céntimos")),
            "fr-fr": _said(("euro", "euros"), ("centime", "centimes")),
            "it": _said(("euro", "euro"), ("centesimo", "centesimi")),
            "pt-br": _said(("euro", "euros"), ("centavo", "centavos")),
            "hi": _said(("यूरो", "यूरो"), ("सेंट", "सेंट")),
            "zh": _said(("欧元", "欧元")),
            "ja": _said(("ユーロ", "ユーロ")),
        },
    ),
    Currency(
        "GBP",
        ("£", "GBP"),
        {
            "en": _said(("pound", "pounds"), ("penny", "pence")),
            "es": _said(("libra", "libras"), ("penique", "peniques"), feminine=True),
            "fr-fr": _said(("livre", "livres"), ("penny", "pence"), feminine=True),
            "it": _said(("sterlina", "sterline"), ("penny", "pence"), feminine=True),
            "pt-br": _said(("libra", "libras"), ("pêni", "pence"), feminine=True),
            "hi": _said(("पाउंड", "पाउंड"), ("पेंस", "पेंस")),
            "zh": _said(("英镑", "英镑")),
            "ja": _said(("ポンド", "ポンド")),
        },
    ),
    Currency(
        "BRL",
        ("R$", "BRL"),
        {
            "en": _said(("real", "reais"), ("centavo", "centavos")),
            "es": _said(("real", "reales"), ("centavo", "centavos")),
            "fr-fr": _said(("réal", "réais"), ("centavo", "centavos")),
            "it": _said(("real", "reais"), ("centavo", "centavos")),
            "pt-br": _said(("real", "reais"), ("centavo", "centavos")),
            "hi": _said(("रियाल", "रियाल"), ("सेंटावो", "सेंटावो")),
            "zh": _said(("雷亚尔", "雷亚尔")),
            "ja": _said(("レアル", "レアル")),
        },
    ),
    Currency(
        "INR",
        ("₹", "Rs.", "Rs", "रु.", "INR"),
        {
            "en": _said(("rupee", "rupees"), ("paisa", "paise")),
            "es": Said(Noun("rupia", "rupias", feminine=True), Noun("paisa", "paisas", feminine=True)),
            "fr-fr": _said(("roupie", "roupies"), ("paisa", "paisas"), feminine=True),
            "it": _said(("rupia", "rupie"), ("paisa", "paise"), feminine=True),
            "pt-br": _said(("rupia", "rupias"), ("paisa", "paisas"), feminine=True),
            "hi": _said(("रुपया", "रुपये"), ("पैसा", "पैसे")),
            "zh": _said(("卢比", "卢比")),
            "ja": _said(("ルピー", "ルピー")),
        },
    ),
    Currency(
        "JPY",
        ("¥", "￥", "JPY"),
        {
            "en": _said(("yen", "yen")),
            "es": _said(("yen", "yenes")),
            "fr-fr": _said(("yen", "yens")),
            "it": _said(("yen", "yen")),
            "pt-br": _said(("iene", "ienes")),
            "hi": _said(("येन", "येन")),
            "zh": _said(("日元", "日元")),
            "ja": _said(("円", "円")),
        },
    ),
    Currency(
        "CNY",
        ("CNY", "RMB"),
        {
            "en": _said(("yuan", "yuan")),
            "es": _said(("yuan", "yuanes")),
            "fr-fr": _said(("yuan", "yuans")),
            "it": _said(("yuan", "yuan")),
            "pt-br": _said(("iuane", "iuanes")),
            "hi": _said(("युआन", "युआन")),
            "zh": _said(("元", "元")),
            "ja": _said(("元", "元")),
        },
    ),
)

LOCAL_SIGNS: Mapping[str, Mapping[str, str]] = {"zh": {"¥": "CNY", "￥": "CNY"}}
"""Signs a language reads as another currency than the table's: in Chinese text ``¥`` is the yuan."""


def signs_pattern(written: Iterable[str], *, word_start: bool = True) -> str:
    """A regular expression for any of ``written``, longest first (so "US$" is not read as "$"). With
    ``word_start``, a code or sign that starts with a letter ("USD", "R$") must not end a word; "$" may."""
    return (
        "(?:"
        + "|".join(
            ("(?<!\\w)" if word_start and sign[0].isalpha() else "") + re.escape(sign)
            for sign in sorted(written, key=len, reverse=True)
        )
        + ")"
    )


@cache
def currencies_for(language: str) -> dict[str, Said]:
    """What ``language`` says for each sign or code written beside an amount."""
    by_code = {currency.code: currency for currency in CURRENCIES}
    said = {written: currency.said[language] for currency in CURRENCIES for written in currency.written}
    for written, code in LOCAL_SIGNS.get(language, {}).items():
        said[written] = by_code[code].said[language]
    return said
