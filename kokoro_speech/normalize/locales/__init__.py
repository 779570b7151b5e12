"""Rules for Spanish, French, Italian, Brazilian Portuguese and Hindi: read numbers, money, dates,
times, phone numbers, units, abbreviations and ordinals the way a careful native reader does.

The rule families are shared; each language is a table (``tables.LocaleTable``). As with the
English rules, each rule claims its matches in priority order, and a rule that is switched off
still claims them, so its text stays exactly as written and no later rule reads half of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

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
from kokoro_speech.normalize.spans import ClaimedSpans, Replacement

__all__ = ["TABLES", "LocaleRule", "locale_replacements", "say_as", "table_for"]

LocaleFinder = Callable[[LocaleTable, str, NormalizationOptions], Iterator[Replacement]]


@dataclass(frozen=True)
class LocaleRule:
    name: str
    enabled: Callable[[NormalizationOptions], bool]
    find: LocaleFinder


# Earlier rules win: a date holds slashes, dots and dashes a phone number or a number would
# take; a phone number holds groups of digits; a time holds a colon; money, percentages and
# units hold the numbers they qualify; an ordinal holds the number before its ending.
RULES: tuple[LocaleRule, ...] = (
    LocaleRule("dates", lambda o: o.dates, find_dates),
    LocaleRule("phone numbers", lambda o: o.phone_numbers, find_phone_numbers),
    LocaleRule("times", lambda o: o.times, find_times),
    LocaleRule("money", lambda o: o.money, find_money),
    LocaleRule("percentages", lambda o: o.percentages, find_percentages),
    LocaleRule("units", lambda o: o.units, find_units),
    LocaleRule("ordinals", lambda o: o.numbers, find_ordinals),
    LocaleRule("numbers", lambda o: o.numbers, find_numbers),
    LocaleRule("abbreviations", lambda o: o.abbreviations, find_abbreviations),
)


def locale_replacements(
    text: str, options: NormalizationOptions, language: str, *, taken: Sequence[tuple[int, int]] = ()
) -> list[Replacement]:
    """Sorted, non-overlapping replacements for ``text`` in ``language``; spans in ``taken`` are
    left alone. A language without a table gets none."""
    table = table_for(language)
    if table is None:
        return []
    claims = ClaimedSpans(taken)
    found: list[Replacement] = []
    for rule in RULES:
        enabled = rule.enabled(options)
        for hit in rule.find(table, text, options):
            if claims.claim(hit.start, hit.end) and enabled and hit.spoken != text[hit.start : hit.end]:
                found.append(hit)
    return sorted(found, key=lambda r: r.start)
