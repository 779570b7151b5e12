"""What one language's rules need to know: its number words, separators and vocabulary.

Each language module fills one ``LocaleTable``; the rule families read every language through
it, so a rule is written once and a language is a table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from kokoro_speech.normalize.currencies import Agreement, Noun, Said

Meridiem = Literal["am", "pm"]
Context = Literal["any", "name", "number"]


@dataclass(frozen=True)
class Abbreviation:
    spoken: str
    context: Context = "any"
    """Where it is read: anywhere, only before a name ("Sr. García"), or only before a number ("nº 5")."""


@dataclass(frozen=True)
class ClockTime:
    hour: int
    minute: int
    second: int | None = None
    meridiem: Meridiem | None = None


@dataclass(frozen=True)
class NumberWords:
    """How a language says numbers; every reader takes a non-negative value."""

    cardinal: Callable[[int, Agreement], str]
    ordinal: Callable[[int, str], str]
    """The value and an inflection named in ``LocaleTable.ordinal_suffixes`` ("m", "f"...)."""
    year: Callable[[int], str]
    digits: tuple[str, ...]
    """The ten digit words, zero first."""


# Compared and hashed by identity: there is one table per language, and rules cache what they
# build from it.
@dataclass(frozen=True, eq=False)
class LocaleTable:
    code: str
    words: NumberWords
    decimal_separator: str
    group_separators: str
    """Characters written between groups of three digits."""
    point: str
    """The word said for the decimal separator ("coma", "virgule")."""
    minus: str
    plus: str
    percent: str
    months: tuple[str, ...]
    say_time: Callable[[ClockTime], str]
    other_decimal_separator: str = ""
    """A decimal separator people also write where it cannot be a group separator ("3.5")."""
    other_point: str = ""
    indian_grouping: bool = False
    """Whether lakhs and crores group digits in twos above the thousands ("1,23,456")."""
    fraction_as_number: bool = True
    """Whether a short fraction is said as a number ("tres coma catorce") rather than digit by digit."""
    money_joiner: str = ""
    """What joins units and cents ("con", "et"); empty where nothing does."""
    scale_nouns: frozenset[str] = frozenset()
    """Number words that are nouns and take ``scale_of`` before what they count ("un millón de euros")."""
    scale_of: str = ""
    elided_scale_of: str = ""
    """``scale_of`` before a vowel, where the language elides it ("d'euros")."""
    singular_below_two: bool = False
    """Whether every amount under two takes the singular ("1,5 kilomètre", "zéro euro")."""
    currencies: Mapping[str, Said] = field(default_factory=dict)
    """What the language says for each sign or code written beside an amount (see ``currencies``)."""
    month_abbreviations: Mapping[str, int] = field(default_factory=dict)
    date_joiner: str = ""
    """The word between day, month and year ("de" in "5 de marzo de 2027")."""
    first_of_month: str = ""
    """How the first day of a month is said ("premier"), where not as a plain number."""
    meridiems: bool = False
    """Whether 12 h times with a.m./p.m. are written."""
    hour_letter: bool = False
    """Whether "15h30" and "15 h" write times."""
    dotted_time_cues: frozenset[str] = frozenset()
    """Words after which "14.30" is a time."""
    time_suffixes: tuple[str, ...] = ()
    """Words after a time that its reading already says ("h", "horas", "बजे")."""
    phone_pairs: bool = False
    """Whether phone numbers are said two digits at a time ("zéro six, douze...")."""
    country_code_as_number: bool = False
    phone_digits: tuple[str, ...] = ()
    """Digit words used in phone numbers, where they differ (Brazil's "meia" for six)."""
    units: Mapping[str, Noun] = field(default_factory=dict)
    abbreviations: Mapping[str, Abbreviation] = field(default_factory=dict)
    ordinal_suffixes: Mapping[str, str] = field(default_factory=dict)
    """Written ordinal endings and the inflection each asks for ("ª": "f")."""
