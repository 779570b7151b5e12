"""The chunk planner: how a text's phonemes are cut into model calls.

The first chunk is small, because the listener waits for all of it before hearing
anything; later chunks are larger, because every call has a fixed cost and the model
speaks more naturally with more context. Cuts fall at the least disruptive place that
fits: a sentence end, then a clause mark, then a space, and only for a run with no space
at all, mid-word. No chunk exceeds the model's context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SENTENCE_MARKS = ".!?…"
CLAUSE_MARKS = ",;:—"

_CUTS = (
    re.compile(rf"(?<=[{re.escape(CLAUSE_MARKS)}])\s+"),
    re.compile(r"\s+"),
)


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
    phonemes = phonemes.strip()
    if len(phonemes) <= limit:
        return [phonemes] if phonemes else []
    for index in range(level, len(_CUTS)):
        pieces = _CUTS[index].split(phonemes)
        if len(pieces) > 1:
            return _pack([p for piece in pieces for p in split_to_fit(piece, limit, index + 1)], limit)
    return [phonemes[i : i + limit] for i in range(0, len(phonemes), limit)]


def _pack(pieces: list[str], limit: int) -> list[str]:
    """Join consecutive pieces greedily while the result fits ``limit``."""
    packed: list[str] = []
    for piece in pieces:
        if packed and len(packed[-1]) + 1 + len(piece) <= limit:
            packed[-1] = f"{packed[-1]} {piece}"
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
    return [Chunk(c, _ending(c)) for c in chunks]
