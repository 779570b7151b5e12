"""English rules: rewrite what espeak-ng misreads the way a careful American reader says it.

Rules run in a fixed priority order (``RULES``), by the one rule engine (:mod:`..rules`).
"""

from __future__ import annotations

from collections.abc import Sequence

from kokoro_speech.normalize.english.abbreviations import (
    ABBREVIATIONS,
    AMBIGUOUS_ABBREVIATIONS,
    Abbreviation,
    Ambiguous,
    find_abbreviations,
)
from kokoro_speech.normalize.english.acronyms import (
    ACRONYMS_THAT_ARE_WORDS,
    LETTER_ACRONYMS,
    SHORT_WORDS,
    WORD_ACRONYMS,
    find_acronyms,
    pronounceable,
)
from kokoro_speech.normalize.english.addresses import find_addresses
from kokoro_speech.normalize.english.common import spell, word_set
from kokoro_speech.normalize.english.dates import MONTH_ABBREVIATIONS, MONTHS, find_dates, say_date
from kokoro_speech.normalize.english.money import CURRENCIES, SCALES, find_money, find_percentages, say_money
from kokoro_speech.normalize.english.numerals import (
    DIGIT_BY_DIGIT,
    FRACTION_DENOMINATORS,
    FRACTION_IDIOMS,
    YEAR_CUES,
    find_decades,
    find_fractions,
    find_numbers,
    find_ordinals,
    find_ranges,
    find_ratios,
    find_years,
)
from kokoro_speech.normalize.english.phones import find_phone_numbers
from kokoro_speech.normalize.english.symbols import SYMBOLS, find_symbols
from kokoro_speech.normalize.english.times import find_times, say_clock
from kokoro_speech.normalize.english.units import PER_WORDS, UNITS, find_units
from kokoro_speech.normalize.english.versions import VERSIONED_NAMES, find_versions, say_version
from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.normalize.rules import Finder, Rule, replacements
from kokoro_speech.normalize.spans import Replacement

# The tables and readers that were public when the rules lived in one module stay importable here.
__all__ = [
    "ABBREVIATIONS",
    "ACRONYMS_THAT_ARE_WORDS",
    "AMBIGUOUS_ABBREVIATIONS",
    "CURRENCIES",
    "DIGIT_BY_DIGIT",
    "FRACTION_DENOMINATORS",
    "FRACTION_IDIOMS",
    "LETTER_ACRONYMS",
    "MONTHS",
    "MONTH_ABBREVIATIONS",
    "PER_WORDS",
    "RULES",
    "SCALES",
    "SHORT_WORDS",
    "SYMBOLS",
    "UNITS",
    "VERSIONED_NAMES",
    "WORD_ACRONYMS",
    "YEAR_CUES",
    "Abbreviation",
    "Ambiguous",
    "Finder",
    "Rule",
    "english_replacements",
    "pronounceable",
    "say_clock",
    "say_date",
    "say_money",
    "say_version",
    "spell",
    "word_set",
]


def english_replacements(
    text: str, options: NormalizationOptions, *, taken: Sequence[tuple[int, int]] = ()
) -> list[Replacement]:
    """Sorted, non-overlapping replacements for ``text``; spans in ``taken`` are left alone."""
    return replacements(RULES, text, options, taken=taken)


# Earlier rules win: an address holds digits and dots; a phone number holds dashes that would
# read as ranges; a date holds slashes that would read as fractions; a time holds a colon that
# would read as a ratio; money and units hold the numbers they qualify.
RULES: tuple[Rule, ...] = (
    Rule("urls", lambda o: o.urls, find_addresses),
    Rule("phone numbers", lambda o: o.phone_numbers, find_phone_numbers),
    Rule("dates", lambda o: o.dates, find_dates),
    Rule("times", lambda o: o.times, find_times),
    Rule("money", lambda o: o.money, find_money),
    Rule("percentages", lambda o: o.percentages, find_percentages),
    Rule("versions", lambda o: o.versions, find_versions),
    Rule("decades", lambda o: o.numbers, find_decades),
    Rule("units", lambda o: o.units, find_units),
    Rule("ranges", lambda o: o.numbers, find_ranges),
    Rule("fractions", lambda o: o.numbers, find_fractions),
    Rule("ordinals", lambda o: o.numbers, find_ordinals),
    Rule("years", lambda o: o.numbers, find_years),
    Rule("ratios", lambda o: o.numbers, find_ratios),
    Rule("numbers", lambda o: o.numbers, find_numbers),
    Rule("abbreviations", lambda o: o.abbreviations, find_abbreviations),
    Rule("acronyms", lambda o: o.acronyms, find_acronyms),
    Rule("symbols", lambda o: o.symbols, find_symbols),
)
