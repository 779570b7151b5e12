"""The chunk planner: how a text's phonemes are cut into model calls.

The first chunk is small, because the listener waits for all of it before hearing
anything; later chunks are larger, because every call has a fixed cost and the model
speaks more naturally with more context. Cuts fall at the least disruptive place that
fits: a sentence end, then a clause mark, then a space between written words, then a
space inside the reading of one written word ("three dollars | and twenty five cents"
is heard as two amounts), and only for a run with no space at all, mid-word. No chunk
exceeds the model's context.

A stream must not wait once it plays: each chunk has to be made while the audio before it
is heard. Where the machine's pace is known (seconds of synthesis per second of audio,
below one), a later chunk holds at most what the audio already made covers, so chunks grow
from the first one as fast as the machine allows. A short first sentence (a 38-phoneme
"Good morning, everyone.") is no longer followed by a 120-phoneme chunk that takes longer
to make than it takes to hear. At pace 0.3 (Zen 4) the second chunk could already hold 200
phonemes, so later chunks are at their limit at once; at 0.65 one more chunk stays at the
first one's size; at 0.9 they all stay near it; at 1 or more no size keeps up, and later chunks
stay at their limit, the fewest model calls.

Cutting inside a written word's reading only when the reading alone is longer than a chunk
came from the recognizer: "three dollars | and twenty five cents" was heard as "$3, $25", and
"one million two hundred | thirty four thousand" as "1,200, 34,567". Later chunks stay at 120
phonemes on a CPU: a process running 250-phoneme chunks peaked at about 700 MB, at 120 at about
460 MB, and the model is no slower per phoneme at that size.
"""

from __future__ import annotations

import re
from collections import deque
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
    rate: float = 1.0
    """Multiplies the request's speed (markup's ``<prosody rate>``)."""
    pause: float | None = None
    """Seconds of silence asked for after it (a pause marker or ``<break>``): exact, not the usual rest."""
    voice: str | None = None
    """Who says it, as markup names them (a key of the plan's voices); None: the request's voice."""


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


SHORT_REST = 1 / 3
"""A later chunk is not cut where that leaves less than this share of its budget to the next one: a chunk
of a word or two sounds clipped and costs a model call of its own, which is worth more than the stream's
margin the overshoot takes (never past the later chunks' limit)."""


def plan(sentences: list[str], first_limit: int, limit: int, pace: float = 0.0) -> list[Chunk]:
    """Plan the chunks for a text given as phonemized sentences.

    The first chunk holds at most ``first_limit`` symbols, the others at most ``limit``;
    sentences are packed whole into a chunk wherever they fit. ``pace``, the seconds of
    synthesis per second of audio the stream runs at, holds each later chunk to what the
    audio before it covers (never below ``first_limit``); 0 (not known) or 1 and more (no
    chunk size keeps up) leaves later chunks at ``limit``, the fewest model calls.
    """
    atoms = deque(a for s in sentences for a in split_to_fit(s, limit))
    chunks: list[str] = []
    covered = 0.0
    """Audio ahead of the listener when the next chunk starts, in phoneme symbols' worth."""
    budget = first_limit
    while atoms:
        chunk = _take(atoms, budget, limit, strict=not chunks)
        # The first chunk is all ahead when playback starts; each later one adds its audio but
        # takes pace times that long to make, during which as much is heard.
        covered = len(chunk) if not chunks else covered + (1 - pace) * len(chunk)
        chunks.append(chunk)
        budget = limit if not 0 < pace < 1 else max(first_limit, min(limit, int(covered / pace)))
    return [Chunk(c.replace(INNER_SPACE, " "), _ending(c)) for c in chunks]


def _take(atoms: deque[str], budget: int, limit: int, *, strict: bool) -> str:
    """The next chunk of at most ``budget`` symbols: whole atoms while they fit, else the head of the
    next one cut at its mildest boundary (the rest of it stays first in line). Unless ``strict``, a short
    rest (of a cut, or one short atom after the chunk) is taken along, within ``limit``, rather than left
    to a chunk of its own."""
    head = atoms.popleft()
    if len(head) > budget:
        pieces = _pack(split_to_fit(head, budget), budget)
        if len(pieces) == 1:
            head = pieces[0]  # it fits once its spaces are tidied
        elif strict or len(head) - len(pieces[0]) >= SHORT_REST * budget:
            atoms.extendleft(reversed(pieces[1:]))
            return pieces[0]
    while atoms and len(head) + 1 + len(atoms[0]) <= budget:
        head = f"{head} {atoms.popleft()}"
    if not strict and atoms and len(atoms[0]) < SHORT_REST * budget and len(head) + 1 + len(atoms[0]) <= limit:
        head = f"{head} {atoms.popleft()}"
    return head
