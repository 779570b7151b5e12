"""Pause markers in plain text: ``[pause:0.5s]`` or ``[pause:500ms]`` is that much silence.

The brackets keep a marker apart from anything people write (a Markdown link needs a ``(`` after
its ``]``); SSML's ``<break>`` becomes the same marker, so one path makes every pause.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

PAUSE_MARKER = re.compile(r"\[pause:\s*(?P<amount>\d+(?:\.\d+)?|\.\d+)\s*(?P<unit>ms|s)\s*\]", re.IGNORECASE)


@dataclass(frozen=True)
class PauseMark:
    start: int
    end: int
    seconds: float


def pause_marks(text: str) -> Iterator[PauseMark]:
    for match in PAUSE_MARKER.finditer(text):
        amount = float(match["amount"])
        seconds = amount / 1000 if match["unit"].lower() == "ms" else amount
        yield PauseMark(match.start(), match.end(), seconds)


def pause_marker(seconds: float) -> str:
    """The marker for ``seconds`` of silence, to the millisecond."""
    return f"[pause:{round(seconds * 1000)}ms]"
