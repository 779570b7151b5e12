"""Text normalization before phonemization: say what is written the way a careful reader would.

Markup and emoji rules run for every language; the English rules (numbers, money, dates,
units, abbreviations...) for English. The result keeps, for every spoken character, the input
position it came from.
"""

from __future__ import annotations

from collections.abc import Sequence

from kokoro_speech.normalize.english import english_replacements
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
    "markup_replacements",
    "normalize_text",
    "pronunciations",
]


def normalize_text(
    text: str,
    options: NormalizationOptions,
    language: str,
    protected: Sequence[tuple[int, int]] = (),
) -> SpokenText:
    """The spoken form of ``text`` in ``language`` ("en-us", "fr-fr"...).

    Spans in ``protected`` (and inline pronunciations) are left exactly as written. Markup
    rules go first and win where a language rule would overlap them.
    """
    fixed = [*protected, *(m.span() for m in pronunciations(text))]
    replacements = markup_replacements(text, options, taken=fixed)
    if language.lower().startswith("en"):
        taken = [*fixed, *((r.start, r.end) for r in replacements)]
        replacements += english_replacements(text, options, taken=taken)
    return apply_replacements(text, _without_overlaps(replacements, fixed))


def _without_overlaps(replacements: list[Replacement], protected: Sequence[tuple[int, int]]) -> list[Replacement]:
    """Earlier replacements win; none may touch a protected span."""
    claims = ClaimedSpans(protected)
    return [r for r in replacements if claims.claim(r.start, r.end)]
