"""The one rule engine every language's normalizer runs.

A language is a list of rules in priority order. Each rule finds its matches in the whole input
and claims the spans no earlier rule (and no span given as taken) holds; a rule that is switched
off still claims its matches, so its text stays exactly as written and no later rule reads half of
it ("$19.99" with money off stays "$19.99" rather than becoming "$nineteen point nine nine").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.normalize.spans import ClaimedSpans, Replacement

Finder = Callable[[str, NormalizationOptions], Iterator[Replacement]]


@dataclass(frozen=True)
class Rule:
    name: str
    enabled: Callable[[NormalizationOptions], bool]
    """The switch that turns it on (a rule that is off still claims its matches)."""
    find: Finder


def replacements(
    rules: Iterable[Rule], text: str, options: NormalizationOptions, *, taken: Sequence[tuple[int, int]] = ()
) -> list[Replacement]:
    """Sorted, non-overlapping replacements of ``rules`` for ``text``; spans in ``taken`` are left alone."""
    claims = ClaimedSpans(taken)
    found: list[Replacement] = []
    for rule in rules:
        enabled = rule.enabled(options)
        for hit in rule.find(text, options):
            if claims.claim(hit.start, hit.end) and enabled and hit.spoken != text[hit.start : hit.end]:
                found.append(hit)
    return sorted(found, key=lambda r: r.start)
