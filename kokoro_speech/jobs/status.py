"""A job's status as its clients read it (``GET /v1/audio/jobs/{id}`` and its events), from one snapshot of its
folder. Progress counts the characters of the pieces made, so it never goes back (a piece taken back from a
dead worker was never counted); the book's writing is its last hundredth."""

from __future__ import annotations

import time
from typing import Literal

import msgspec

from kokoro_speech.jobs.store import BOOK, Snapshot

JobState = Literal["queued", "running", "completed", "failed", "cancelled"]
ENDED: tuple[JobState, ...] = ("completed", "failed", "cancelled")
BOOK_SHARE = 0.01
"""The part of the progress that is the book's writing (an hour of audio takes seconds to encode)."""


class ChapterStatus(msgspec.Struct, frozen=True):
    index: int
    title: str
    status: JobState
    duration: float | None
    """Seconds of audio, once the chapter is made."""
    start: float | None
    """Where it starts in the book, in seconds, once every chapter before it is made."""


class JobError(msgspec.Struct, frozen=True):
    message: str
    type: str = "server_error"
    code: str = "job_failed"


class PieceCounts(msgspec.Struct, frozen=True):
    total: int
    made: int
    in_progress: int
    redone: int
    """Pieces taken back from a worker that stopped and made again."""


class JobStatus(msgspec.Struct, frozen=True):
    id: str
    status: JobState
    progress: float | None
    """From 0 to 1, never going back; null only while queued."""
    created_at: int
    started_at: int | None
    finished_at: int | None
    estimated_seconds_left: float | None
    title: str | None
    model: str
    voice: str
    response_format: str
    input_chars: int
    duration: float | None
    chapters: list[ChapterStatus]
    pieces: PieceCounts
    error: JobError | None
    object: Literal["audio.job"] = "audio.job"


def job_status(snapshot: Snapshot, sample_rate: int, now: float | None = None) -> JobStatus:
    spec, done = snapshot.spec, snapshot.done
    now = time.time() if now is None else now
    total = spec.input_chars or 1
    made_chars = sum(spec.piece_chars[i] for i in done)
    state: JobState
    if snapshot.cancelled is not None:
        state = "cancelled"
    elif snapshot.failed is not None:
        state = "failed"
    elif snapshot.book is not None:
        state = "completed"
    elif snapshot.started_at is not None or done:
        state = "running"
    else:
        state = "queued"
    progress: float | None = None
    if state == "completed":
        progress = 1.0
    elif state != "queued" or done:
        progress = round(made_chars / total * (1 - BOOK_SHARE), 4)
    ended = snapshot.cancelled or snapshot.failed or snapshot.book
    left: float | None = None
    if state == "running" and progress and snapshot.started_at is not None:
        left = round((now - snapshot.started_at) * (1 - progress) / progress, 1)
    running_pieces = {int(unit) for unit in snapshot.running if unit != BOOK}
    chapters = []
    position: float | None = 0.0
    for index, chapter in enumerate(spec.chapters):
        pieces = range(chapter.first_piece, chapter.first_piece + chapter.pieces)
        made = [i for i in pieces if i in done]
        seconds = sum(done[i].samples for i in made) / sample_rate if len(made) == chapter.pieces else None
        chapter_state: JobState = (
            "completed"
            if seconds is not None
            else "running"
            if made or running_pieces.intersection(pieces)
            else ("cancelled" if state == "cancelled" else "failed" if state == "failed" else "queued")
        )
        chapters.append(ChapterStatus(index, chapter.title, chapter_state, seconds, position))
        position = None if position is None or seconds is None else position + seconds
    return JobStatus(
        id=spec.id,
        status=state,
        progress=progress,
        created_at=int(spec.created_at),
        started_at=None if snapshot.started_at is None else int(snapshot.started_at),
        finished_at=None if ended is None else int(ended.finished_at),
        estimated_seconds_left=left,
        title=spec.title,
        model=spec.model,
        voice=spec.speech.voice,
        response_format=spec.response_format,
        input_chars=spec.input_chars,
        duration=None if snapshot.book is None else snapshot.book.samples / sample_rate,
        chapters=chapters,
        pieces=PieceCounts(len(spec.piece_chars), len(done), len(running_pieces), snapshot.redone),
        error=None if snapshot.failed is None else JobError(snapshot.failed.message),
    )
