"""What a job's folder holds, as msgspec structures: what was asked (written once, when it is accepted), what
each piece made, the book, and who holds a piece now."""

from __future__ import annotations

from typing import Literal

import msgspec

from kokoro_speech.engine.job import SpeechJob


class ChapterSpec(msgspec.Struct, frozen=True):
    title: str
    first_piece: int
    pieces: int
    chars: int


class JobSpec(msgspec.Struct, frozen=True):
    """A job as accepted: everything a worker needs besides its piece's text."""

    id: str
    owner: str
    """The API key's id that made it (empty where keys are off): only it sees the job."""
    created_at: float
    title: str | None
    model: str
    response_format: str
    speech: SpeechJob
    """The speech of every piece but its text (voice, speed, language, normalization, lexicon)."""
    chapters: list[ChapterSpec]
    piece_chars: list[int]
    """Characters of each piece, in order (progress counts them)."""

    @property
    def input_chars(self) -> int:
        return sum(self.piece_chars)

    def chapter_of(self, piece: int) -> int:
        for index, chapter in enumerate(self.chapters):
            if chapter.first_piece <= piece < chapter.first_piece + chapter.pieces:
                return index
        raise IndexError(piece)


class PieceDone(msgspec.Struct, frozen=True):
    """A made piece: its audio is ``samples`` 16-bit samples beside this record (its words apart from it, read
    only for captions)."""

    samples: int
    worker: str
    seconds: float
    """How long it took to make."""


class BookDone(msgspec.Struct, frozen=True):
    samples: int
    chapter_samples: list[int]
    finished_at: float


class Lease(msgspec.Struct, frozen=True):
    """Who makes a piece (or the book) and when it last said so; ``queued``: handed to the queue, no one yet."""

    state: Literal["queued", "running"]
    worker: str
    renewed_at: float


class Failure(msgspec.Struct, frozen=True):
    message: str
    finished_at: float
