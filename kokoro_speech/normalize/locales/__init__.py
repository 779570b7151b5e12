"""Rules for Spanish, French, Italian, Brazilian Portuguese and Hindi: read numbers, money, dates,
times, phone numbers, units, abbreviations and ordinals the way a careful native reader does.

The rule families are shared; each language is a table (``tables.LocaleTable``), and its rules
are the families read through that table, run by the one rule engine (:mod:`..rules`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence

from kokoro_speech.normalize.locales.abbreviations import find_abbreviations
from kokoro_speech.normalize.locales.dates import find_dates
from kokoro_speech.normalize.locales.money import find_money
from kokoro_speech.normalize.locales.numbers import find_numbers
from kokoro_speech.normalize.locales.ordinals import find_ordinals
from kokoro_speech.normalize.locales.percentages import find_percentages
from kokoro_speech.normalize.locales.phones import find_phone_numbers
from kokoro_speech.normalize.locales.registry import TABLES, table_for
from kokoro_speech.normalize.locales.say_as import say_as
from kokoro_speech.normalize.locales.tables import LocaleTable
from kokoro_speech.normalize.locales.times import find_times
from kokoro_speech.normalize.locales.units import find_units
from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.normalize.rules import Rule, replacements
from kokoro_speech.normalize.spans import Replacement

__all__ = ["TABLES", "locale_replacements", "say_as", "table_for"]

Family = Callable[[LocaleTable, str, NormalizationOptions], Iterator[Replacement]]
"""A rule family: one kind of rewrite, for any language's table."""


# Earlier rules win: a date holds slashes, dots and dashes a phone number or a number would
# take; a phone number holds groups of digits; a time holds a colon; money, percentages and
# units hold the numbers they qualify; an ordinal holds the number before its ending.
FAMILIES: tuple[tuple[str, Callable[[NormalizationOptions], bool], Family], ...] = (
    ("dates", lambda o: o.dates, find_dates),
    ("phone numbers", lambda o: o.phone_numbers, find_phone_numbers),
    ("times", lambda o: o.times, find_times),
    ("money", lambda o: o.money, find_money),
    ("percentages", lambda o: o.percentages, find_percentages),
    ("units", lambda o: o.units, find_units),
    ("ordinals", lambda o: o.numbers, find_ordinals),
    ("numbers", lambda o: o.numbers, find_numbers),
    ("abbreviations", lambda o: o.abbreviations, find_abbreviations),
)


@functools.cache
def rules_for(table: LocaleTable) -> tuple[Rule, ...]:
    """The rule families read through one language's table."""
    return tuple(Rule(name, enabled, functools.partial(find, table)) for name, enabled, find in FAMILIES)


def locale_replacements(
    text: str, options: NormalizationOptions, language: str, *, taken: Sequence[tuple[int, int]] = ()
) -> list[Replacement]:
    """Sorted, non-overlapping replacements for ``text`` in ``language``; spans in ``taken`` are
    left alone. A language without a table gets none."""
    table = table_for(language)
    return [] if table is None else replacements(rules_for(table), text, options, taken=taken)
