"""The chunk planner: how a text's phonemes are cut into model calls.

The first chunk is small, because the listener waits for all of it before hearing
anything; later chunks are larger, because every call has a fixed cost and the model
speaks more naturally with more context. Cuts fall at the least disruptive place that
fits: a sentence end, then a clause mark, then a space between written words, then a
space inside the reading of one written word ("three dollars | and twenty five cents"
is heard as two amounts), and only for a run with no space at all, mid-word. No chunk
exceeds the model's context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SENTENCE_MARKS = ".!?…"
CLAUSE_MARKS = ",;:—"
INNER_SPACE = "\u00a0"
"""Joins the phoneme words of one written word ("$3.25": "θɹˈiː dˈɑːlɚz ænd ..."); a chunk is cut
there only when nothing milder fits. Chunks come out with plain spaces."""

_CUTS = (
    re.compile(rf"(?<=[{re.escape(CLAUSE_MARKS)}])[ {INNER_SPACE}]+"),
    re.compile(r" +"),
    re.compile(f"{INNER_SPACE}+"),
)
_JOINERS = (" ", " ", INNER_SPACE)
"""What the pieces cut at each level are packed back together with."""


@dataclass(frozen=True)
class Chunk:
    phonemes: str
    ends: str
    """What the chunk ends on: "sentence", "clause" or "word"; decides the pause after it."""


def _ending(phonemes: str) -> str:
    mark = phonemes.rstrip("\"')]”’ ")[-1:]
    if mark in SENTENCE_MARKS:
        return "sentence"
    if mark in CLAUSE_MARKS:
        return "clause"
    return "word"


def split_to_fit(phonemes: str, limit: int, level: int = 0) -> list[str]:
    """Cut ``phonemes`` into pieces of at most ``limit`` symbols at the mildest boundary."""
    phonemes = phonemes.strip(" " + INNER_SPACE)
    if len(phonemes) <= limit:
        return [phonemes] if phonemes else []
    for index in range(level, len(_CUTS)):
        pieces = _CUTS[index].split(phonemes)
        if len(pieces) > 1:
            return _pack([p for piece in pieces for p in split_to_fit(piece, limit, index + 1)], limit, _JOINERS[index])
    return [phonemes[i : i + limit] for i in range(0, len(phonemes), limit)]


def _pack(pieces: list[str], limit: int, joiner: str = " ") -> list[str]:
    """Join consecutive pieces greedily while the result fits ``limit``."""
    packed: list[str] = []
    for piece in pieces:
        if packed and len(packed[-1]) + 1 + len(piece) <= limit:
            packed[-1] = f"{packed[-1]}{joiner}{piece}"
        else:
            packed.append(piece)
    return packed


def plan(sentences: list[str], first_limit: int, limit: int) -> list[Chunk]:
    """Plan the chunks for a text given as phonemized sentences.

    The first chunk holds at most ``first_limit`` symbols, the others at most ``limit``;
    sentences are packed whole into a chunk wherever they fit.
    """
    atoms = [a for s in sentences for a in split_to_fit(s, limit)]
    if not atoms:
        return []
    head = split_to_fit(atoms[0], first_limit)
    first = _pack(head, first_limit)
    chunks = [first[0]]
    rest = first[1:] + atoms[1:]
    if len(head) == 1:
        # The first sentence fit whole: let following short sentences share the chunk.
        while rest and len(chunks[0]) + 1 + len(rest[0]) <= first_limit:
            chunks[0] = f"{chunks[0]} {rest.pop(0)}"
    chunks += _pack(rest, limit)
    return [Chunk(c.replace(INNER_SPACE, " "), _ending(c)) for c in chunks]
