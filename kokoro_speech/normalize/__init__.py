"""Text normalization before phonemization: say what is written the way a careful reader would.

Markup and emoji rules run for every language; the English rules (numbers, money, dates,
units, abbreviations...) for English, the same classes of rules for Spanish, French, Italian,
Brazilian Portuguese and Hindi, and the figures of Chinese and Japanese, all on the one rule
engine (:mod:`.rules`). The result keeps, for every spoken character, the input position it
came from.
"""

from __future__ import annotations

from collections.abc import Sequence

from kokoro_speech.normalize.cjk_numbers import cjk_replacements
from kokoro_speech.normalize.english import english_replacements
from kokoro_speech.normalize.locales import locale_replacements, say_as
from kokoro_speech.normalize.markup import markup_replacements
from kokoro_speech.normalize.options import DateOrder, NormalizationOptions
from kokoro_speech.normalize.pronunciation import INLINE_PRONUNCIATION, pronunciations
from kokoro_speech.normalize.spans import ClaimedSpans, Replacement, SpokenText, apply_replacements

__all__ = [
    "INLINE_PRONUNCIATION",
    "DateOrder",
    "NormalizationOptions",
    "Replacement",
    "SpokenText",
    "apply_replacements",
    "english_replacements",
    "locale_replacements",
    "markup_replacements",
    "normalize_text",
    "pronunciations",
    "say_as",
]


def normalize_text(
    text: str,
    options: NormalizationOptions,
    language: str,
    protected: Sequence[tuple[int, int]] = (),
    *,
    given: Sequence[Replacement] = (),
) -> SpokenText:
    """The spoken form of ``text`` in ``language`` ("en-us", "fr-fr"...).

    Spans in ``protected`` (and inline pronunciations) are left exactly as written; ``given``
    replacements (what markup such as SSML's ``say-as`` decided) are said as given. Markup rules
    go first and win where a language rule would overlap them.
    """
    fixed = [*protected, *(m.span() for m in pronunciations(text)), *((r.start, r.end) for r in given)]
    replacements = [*given, *markup_replacements(text, options, taken=fixed)]
    taken = [*fixed, *((r.start, r.end) for r in replacements)]
    code = language.lower()
    if code.startswith("en"):
        replacements += english_replacements(text, options, taken=taken)
    elif code in ("zh", "ja"):
        replacements += cjk_replacements(text, options, code, taken=tuple(taken))
    else:
        replacements += locale_replacements(text, options, language, taken=taken)
    kept = [*given, *_without_overlaps(replacements[len(given) :], fixed)]
    return apply_replacements(text, kept)


def _without_overlaps(replacements: list[Replacement], protected: Sequence[tuple[int, int]]) -> list[Replacement]:
    """Earlier replacements win; none may touch a protected span."""
    claims = ClaimedSpans(protected)
    return [r for r in replacements if claims.claim(r.start, r.end)]
