"""Where a chapter is cut into pieces, each made by one worker at a time: at paragraphs, else at sentence ends,
else at spaces, so that every piece ends where speech would pause anyway and the pieces join without a seam."""

from __future__ import annotations

import re
from collections.abc import Iterator

_PARAGRAPHS = re.compile(r"\n\s*\n")
# A sentence's end, its closing quote or bracket kept with it (lookbehinds must be of fixed width: two of them).
_SENTENCE_ENDS = re.compile(r"(?<=[.!?…。！？][\"'”’)\]])\s+|(?<=[.!?…。！？])\s+")
_SPACES = re.compile(r"\s+")


def cut(text: str, limit: int) -> list[str]:
    """``text`` as pieces of at most ``limit`` characters (a single longer word stands alone), in order; what
    lies between them is whitespace only."""
    pieces: list[str] = []
    current = ""
    for part in _parts(text.strip(), limit):
        joined = f"{current}\n\n{part}" if current else part
        if current and len(joined) > limit:
            pieces.append(current)
            current = part
        else:
            current = joined
    if current:
        pieces.append(current)
    return pieces


def _parts(text: str, limit: int) -> Iterator[str]:
    """Paragraphs, each within ``limit`` (a longer one as its sentences, or its words, gathered to fit)."""
    for paragraph in _PARAGRAPHS.split(text):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if len(paragraph) <= limit:
            yield paragraph
            continue
        yield from _gather(_split_keep(paragraph, _SENTENCE_ENDS, limit), limit, " ")


def _split_keep(text: str, pattern: re.Pattern[str], limit: int) -> Iterator[str]:
    for sentence in pattern.split(text):
        sentence = sentence.strip()
        if not sentence:
            continue
        if len(sentence) <= limit:
            yield sentence
        else:
            yield from _gather(iter(_SPACES.split(sentence)), limit, " ")


def _gather(parts: Iterator[str], limit: int, glue: str) -> Iterator[str]:
    current = ""
    for part in parts:
        joined = f"{current}{glue}{part}" if current else part
        if current and len(joined) > limit:
            yield current
            current = part
        else:
            current = joined
    if current:
        yield current
