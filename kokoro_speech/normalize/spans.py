"""Replacements over an input text, and the spoken text they make with its origin map.

Every character of the spoken text remembers the input position it came from, so a later
step (word timings) can tell which written word a spoken word says.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Replacement:
    """Say ``spoken`` instead of the input's ``[start, end)``; an empty ``spoken`` drops the span."""

    start: int
    end: int
    spoken: str


@dataclass(frozen=True)
class SpokenText:
    """The text to phonemize, with the input index of every character."""

    text: str
    origins: tuple[int, ...]
    """``origins[i]`` is the index in the input of the character that produced ``text[i]``."""
    replaced: tuple[Replacement, ...]
    """The replacements applied, sorted."""


def apply_replacements(text: str, replacements: Sequence[Replacement]) -> SpokenText:
    """Apply non-overlapping replacements to ``text``.

    Where a spoken replacement would touch a letter or digit of the text beside it, one space
    is put between them so that words do not run together ("MP3" -> "M P three").
    """
    ordered = tuple(sorted(replacements, key=lambda r: (r.start, r.end)))
    _check(text, ordered)
    out: list[str] = []
    origins: list[int] = []

    def emit(chars: str, origin: int) -> None:
        out.extend(chars)
        origins.extend([origin] * len(chars))

    def keep(start: int, end: int) -> None:
        out.extend(text[start:end])
        origins.extend(range(start, end))

    position = 0
    for index, replacement in enumerate(ordered):
        keep(position, replacement.start)
        spoken = replacement.spoken
        if spoken:
            if out and _joins(out[-1], spoken[0]):
                emit(" ", replacement.start)
            emit(spoken, replacement.start)
            # A replacement that follows straight on makes its own separator on its left.
            followed = index + 1 < len(ordered) and ordered[index + 1].start == replacement.end
            if not followed and replacement.end < len(text) and _joins(spoken[-1], text[replacement.end]):
                emit(" ", replacement.end)
        position = replacement.end
    keep(position, len(text))
    return SpokenText("".join(out), tuple(origins), ordered)


def _joins(left: str, right: str) -> bool:
    """Whether two characters side by side would read as one word (Chinese and Japanese are written without
    spaces between words, so a reading beside them needs none)."""
    return left.isalnum() and right.isalnum() and not (_unspaced(left) or _unspaced(right))


def _unspaced(char: str) -> bool:
    """Kana, CJK ideographs and half-width katakana."""
    return (
        "\u3040" <= char <= "\u30ff"
        or "\u3400" <= char <= "\u9fff"
        or "\uf900" <= char <= "\ufaff"
        or ("\uff66" <= char <= "\uff9f")
    )


def _check(text: str, ordered: Sequence[Replacement]) -> None:
    previous_end = 0
    for replacement in ordered:
        if not 0 <= replacement.start <= replacement.end <= len(text):
            raise ValueError(f"replacement {replacement} lies outside the text (length {len(text)})")
        if replacement.start < previous_end:
            raise ValueError(f"replacement {replacement} overlaps the one before it")
        previous_end = replacement.end


class ClaimedSpans:
    """Spans of the input already taken by a rule; a later rule may only take what is free."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in spans:
            self.force(start, end)

    def is_free(self, start: int, end: int) -> bool:
        # The spans are disjoint and sorted, so their ends are sorted too.
        index = bisect.bisect_right(self._ends, start)
        return index == len(self._starts) or self._starts[index] >= end

    def claim(self, start: int, end: int) -> bool:
        """Take ``[start, end)`` if it is free; whether it was."""
        if not self.is_free(start, end):
            return False
        self.force(start, end)
        return True

    def force(self, start: int, end: int) -> None:
        """Take ``[start, end)`` whatever it overlaps (spans given from outside may overlap)."""
        if start >= end:
            return
        first = bisect.bisect_right(self._ends, start)
        last = bisect.bisect_left(self._starts, end)
        if first < last:
            start = min(start, self._starts[first])
            end = max(end, self._ends[last - 1])
        self._starts[first:last] = [start]
        self._ends[first:last] = [end]
