"""Where text that arrives a few words at a time (a language model writing it) is cut into what is spoken next.

A piece is spoken once it is a whole sentence, so that it is read with a sentence's prosody and its first audio
leaves as soon as its last word is in. A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or
brackets after it) followed by a space, at a line break (a heading or a list item ends there), and at ``。！？``.
Streamed text rarely has the space yet when the mark arrives (``" kitchen"``, ``"."``, then ``" Next"`` a token
later). ``!``, ``?`` and ``…`` at the very end of the text end the sentence at once. A full stop there is undecided:
what follows decides (``"example."`` then ``"com"`` is one word, ``3.`` then ``5`` one number), and where nothing
follows, :meth:`TextBuffer.settle` (called once the writer has paused, see :mod:`.live`) ends the sentence, unless
the stop follows a single letter (an initial) or a usual abbreviation (``Dr.``), which wait for what follows or for a
flush.

A sentence still unfinished at ``clause_at`` characters is spoken up to its last clause mark (``,;:—`` followed by
a space), and one with none at ``word_at`` up to its last space, so the listener is not kept waiting by a long one
and nothing held grows without bound. ``schedule`` gives both lengths piece by piece (ElevenLabs'
``chunk_length_schedule``: the n-th piece's, the last one for every later piece).

Pure logic: no model, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

SENTENCE_MARKS = ".!?…"
WIDE_SENTENCE_MARKS = "。！？"
"""Chinese and Japanese sentence ends: no space follows them."""
CLOSERS = "\"'”’)]»"
CLAUSE_MARKS = ",;:—"
ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sr",
        "jr",
        "st",
        "vs",
        "etc",
        "eg",
        "ie",
        "no",
        "nos",
        "fig",
        "figs",
        "approx",
        "dept",
        "est",
        "inc",
        "ltd",
        "co",
        "corp",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mt",
        "ft",
        "sgt",
        "capt",
        "col",
        "gen",
        "gov",
        "lt",
        "rev",
        "hon",
    ]
)
"""Words a full stop may follow without ending the sentence (lower case, dots removed: ``e.g.`` is ``eg``)."""
_LAST_WORD = re.compile(r"([^\s]+)$")
_CLAUSE_CUT = re.compile(rf"[{re.escape(CLAUSE_MARKS)}][{re.escape(CLOSERS)}]*(?=\s)")


@dataclass(frozen=True)
class CutLengths:
    clause_at: int
    """An unfinished sentence this long is spoken up to its last clause mark."""
    word_at: int
    """One this long with no clause mark, up to its last space."""


class TextBuffer:
    """Text as it arrives, given back in pieces ready to be spoken."""

    def __init__(self, lengths: CutLengths, schedule: Sequence[int] = ()) -> None:
        if any(length < 1 for length in schedule):
            raise ValueError("every length of a schedule must be at least 1")
        self._lengths = lengths
        self._schedule = list(schedule)
        self._text = ""
        self._scanned = 0
        """Where the search for a sentence end goes on from: the text before it ends none."""
        self._undecided: int | None = None
        """Where the text ends in a full stop that a pause would make a sentence's end: the end of its marks."""
        self.pieces = 0
        """Pieces given so far."""

    @property
    def held(self) -> str:
        """What is held back: not yet a piece."""
        return self._text

    @property
    def undecided(self) -> bool:
        """Whether the text ends in a full stop that ends the sentence if nothing follows it (see :meth:`settle`)."""
        return self._undecided is not None

    def add(self, text: str) -> list[str]:
        """Take ``text``; the pieces it completes, in order."""
        self._text += text
        done: list[str] = []
        while (cut := self._next_cut()) is not None:
            self._cut(cut, done)
        return done

    def settle(self) -> list[str]:
        """The writer paused: a full stop that ends the text ends its sentence (see :attr:`undecided`)."""
        done: list[str] = []
        if self._undecided is not None:
            self._cut(self._undecided, done)
            self._undecided = None
        return done

    def _cut(self, cut: int, done: list[str]) -> None:
        piece, self._text = self._text[:cut].strip(), self._text[cut:]
        self._scanned = 0
        if piece:
            done.append(piece)
            self.pieces += 1
        if not self._text.strip():
            self._text = ""

    def flush(self) -> str | None:
        """Whatever is held, as a piece of its own (None when only spaces are)."""
        piece, self._text, self._scanned, self._undecided = self._text.strip(), "", 0, None
        if not piece:
            return None
        self.pieces += 1
        return piece

    # --- where to cut ------------------------------------------------------------------
    def _next_cut(self) -> int | None:
        """Where the first piece ready to be spoken ends, or None while there is none."""
        self._undecided = None
        text = self._text
        start = max(0, self._scanned)
        for index in range(start, len(text)):
            char = text[index]
            if char == "\n" and text[:index].strip():
                return index + 1
            if char in WIDE_SENTENCE_MARKS:
                return _after_closers(text, index + 1)
            if char in SENTENCE_MARKS:
                end = _after_marks(text, index)
                if end == len(text):
                    ending = self._ending_at_end(text, index)
                    if ending == "end":
                        return end
                    # Undecided until more comes (or a pause settles it): scanned again from this mark.
                    self._undecided = end if ending == "pause" else None
                    self._scanned = index
                    return self._long_cut()
                if text[end].isspace() and not self._is_abbreviation(text, index):
                    return end
        self._scanned = len(text)
        return self._long_cut()

    def _ending_at_end(self, text: str, mark: int) -> str:
        """What the marks at the very end of the text, the first at ``mark``, make of it: "end" (surely a sentence's
        end), "pause" (its end unless something follows) or "wait" (what follows decides)."""
        if text[mark] != "." or text[mark:].rstrip(CLOSERS) != ".":
            return "end"  # "!", "?", "…", or "..." (an ellipsis)
        word = _LAST_WORD.search(text[:mark])
        if word is None:
            return "end"
        letters = word.group(1).strip(CLOSERS + "(\"'“‘").replace(".", "")
        if not letters:
            return "end"
        if (len(letters) == 1 and letters.isalpha()) or letters.lower() in ABBREVIATIONS:
            return "wait"
        return "pause"

    @staticmethod
    def _is_abbreviation(text: str, mark: int) -> bool:
        if text[mark] != ".":
            return False
        word = _LAST_WORD.search(text[:mark])
        if word is None:
            return False
        letters = word.group(1).strip(CLOSERS + "(\"'“‘").replace(".", "")
        if len(letters) == 1 and letters.isalpha():
            return True  # an initial: "J. R. R. Tolkien"
        # A number ending a line's first word is a list's "1." (the line break ends it).
        line_start = text.rfind("\n", 0, mark) + 1
        if letters.isdigit() and not text[line_start : word.start()].strip():
            return True
        return letters.lower() in ABBREVIATIONS

    def _long_cut(self) -> int | None:
        """Where an unfinished sentence that is already long is cut (never past ``word_at``), or None while it
        may grow."""
        lengths = self._current_lengths()
        text = self._text
        length = len(text.strip())
        # Text that came in one large piece is cut within the longest piece allowed, not at its own end.
        limit = len(text) - len(text.lstrip()) + lengths.word_at
        if length >= lengths.clause_at:
            clauses = [m.end() for m in _CLAUSE_CUT.finditer(text, 0, limit)]
            if clauses:
                return clauses[-1]
        if length >= lengths.word_at:
            space = max(text.rfind(" ", 0, limit), text.rfind("\n", 0, limit))
            if space > 0 and text[:space].strip():
                return space
            return limit  # one endless word: held no longer
        return None

    def _current_lengths(self) -> CutLengths:
        if not self._schedule:
            return self._lengths
        length = self._schedule[min(self.pieces, len(self._schedule) - 1)]
        return CutLengths(clause_at=length, word_at=length)


def _after_marks(text: str, index: int) -> int:
    """The end of a run of sentence marks starting at ``index``, with its closing quotes and brackets."""
    while index < len(text) and text[index] in SENTENCE_MARKS:
        index += 1
    return _after_closers(text, index)


def _after_closers(text: str, index: int) -> int:
    while index < len(text) and text[index] in CLOSERS:
        index += 1
    return index
