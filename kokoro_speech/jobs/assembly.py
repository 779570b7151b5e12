"""A job's files from its made pieces, read a block at a time (a book of hours needs no more memory than a short
one): the book with its chapter marks, one chapter alone, the captions of the whole, timed over the whole file."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import numpy as np
from numpy.typing import NDArray

from kokoro_speech.audio.book import BookFormat, ChapterMark, book_suffix, write_book
from kokoro_speech.engine.timing import SpokenWord
from kokoro_speech.jobs.records import BookDone, JobSpec, PieceDone
from kokoro_speech.jobs.store import JobStore
from kokoro_speech.speech.captions import CaptionFormat, caption_header, cue_blocks, plan_cues
from kokoro_speech.speech.config import CaptionConfig

READ_BLOCK_BYTES = 2 * 24000 * 60
"""Bytes of 16-bit samples read from a piece's file at once (a minute of audio: memory stays flat)."""


def blocks(store: JobStore, job_id: str, pieces: range) -> Iterator[NDArray[np.int16]]:
    for index in pieces:
        with open(store.audio_path(job_id, index), "rb") as file:
            while block := file.read(READ_BLOCK_BYTES):
                yield np.frombuffer(block, dtype=np.int16)


def write_book_of(store: JobStore, spec: JobSpec, done: dict[int, PieceDone], rate: int) -> BookDone:
    marks: list[ChapterMark] = []
    position = 0
    for chapter in spec.chapters:
        length = sum(done[i].samples for i in range(chapter.first_piece, chapter.first_piece + chapter.pieces))
        marks.append(ChapterMark(chapter.title, position, position + length))
        position += length
    fmt: BookFormat = spec.response_format  # type: ignore[assignment]
    path = store.book_path(spec.id, book_suffix(fmt))
    write_book(blocks(store, spec.id, range(len(spec.piece_chars))), rate, fmt, marks, path, spec.title)
    return BookDone(position, [m.end - m.start for m in marks], time.time())


def write_chapter(store: JobStore, spec: JobSpec, chapter: int, rate: int) -> None:
    """Chapter ``chapter`` alone, in the job's format, with its title."""
    found = spec.chapters[chapter]
    pieces = range(found.first_piece, found.first_piece + found.pieces)
    fmt: BookFormat = spec.response_format  # type: ignore[assignment]
    samples = sum(store.audio_path(spec.id, i).stat().st_size // 2 for i in pieces)
    marks = [ChapterMark(found.title, 0, samples)]
    path = store.chapter_path(spec.id, chapter, book_suffix(fmt))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_book(blocks(store, spec.id, pieces), rate, fmt, marks, path, found.title)


def write_captions(
    store: JobStore, spec: JobSpec, done: dict[int, PieceDone], rate: int, config: CaptionConfig
) -> None:
    """Both caption files, a piece at a time: its cues placed after every piece before it."""
    formats: tuple[CaptionFormat, ...] = ("vtt", "srt")
    for caption_format in formats:
        path = store.captions_path(spec.id, caption_format)
        # A name of its own: a book taken back from a worker thought dead may be written by two at once.
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
        try:
            with open(temporary, "w") as out:
                out.write(caption_header(caption_format))
                offset, number = 0, 1
                for index in range(len(spec.piece_chars)):
                    start = offset / rate
                    words = store.words(spec.id, index)
                    placed = [SpokenWord(w.word, w.start + start, w.end + start) for w in words]
                    cues = plan_cues(placed, config, (offset + done[index].samples) / rate)
                    for block in cue_blocks(cues, caption_format, number):
                        out.write(block)
                    number += len(cues)
                    offset += done[index].samples
            temporary.replace(path)
        finally:
            temporary.unlink(missing_ok=True)
