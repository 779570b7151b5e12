"""A job's folder: what the server and every worker read and write, the one place results live.

Everything is a small file written whole and renamed into place (never half a file), so that workers on other
machines can share the folder over a network file system::

    <id>/job.json             the job as accepted (written last: a folder without it is not a job yet)
    <id>/text/<n>.txt         each piece's text
    <id>/lease/<n>.json       who makes piece n now, and when they last said so (``book.json``: the book)
    <id>/audio/<n>.pcm        a made piece: 16-bit mono samples at the model's rate
    <id>/done/<n>.json        ... its length and maker (written after its audio: it says the piece is made)
    <id>/words/<n>.json       ... its words, timed from its own start
    <id>/redone/<n>-<uuid>    one per piece taken back from a worker that stopped being heard of
    <id>/started              when its first piece was taken
    <id>/book.json            the book's length and chapters, once its file is written (it is complete)
    <id>/book.<ext>, captions.<vtt|srt>, chapters/<n>.<ext>
    <id>/cancelled.json, failed.json
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import msgspec

from kokoro_speech.engine.timing import SpokenWord
from kokoro_speech.jobs.records import BookDone, Failure, JobSpec, Lease, PieceDone

T = TypeVar("T")
BOOK = "book"
"""The unit of work that joins the pieces into the book, leased as a piece is."""


def unit_name(unit: int | str) -> str:
    return unit if isinstance(unit, str) else f"{unit:05d}"


def write_whole(path: Path, data: bytes) -> None:
    """``data`` at ``path``, whole or not at all (through a file of its own beside it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _read(path: Path, type_: type[T]) -> T | None:
    """The record at ``path``; None where there is none, or none this server can read (a job's folder is shared:
    another version, or a hand, may have written it)."""
    try:
        return msgspec.json.decode(path.read_bytes(), type=type_)
    except (FileNotFoundError, NotADirectoryError, msgspec.DecodeError):
        return None


@dataclass(frozen=True)
class Snapshot:
    """What a job's folder says now, read once for one status."""

    spec: JobSpec
    done: dict[int, PieceDone]
    running: dict[str, Lease]
    redone: int
    started_at: float | None
    book: BookDone | None
    cancelled: Failure | None
    failed: Failure | None


class JobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def folder(self, job_id: str) -> Path:
        return self.root / job_id

    # --- the job ---------------------------------------------------------------------
    def create(self, spec: JobSpec, texts: list[str]) -> None:
        folder = self.folder(spec.id)
        for index, text in enumerate(texts):
            write_whole(folder / "text" / f"{unit_name(index)}.txt", text.encode())
        write_whole(folder / "job.json", msgspec.json.encode(spec))

    def spec(self, job_id: str) -> JobSpec | None:
        if not _valid_id(job_id):
            return None
        return _read(self.folder(job_id) / "job.json", JobSpec)

    def ids(self) -> list[str]:
        with contextlib.suppress(FileNotFoundError):
            return [p.name for p in self.root.iterdir() if (p / "job.json").is_file()]
        return []

    def piece_text(self, job_id: str, index: int) -> str:
        return (self.folder(job_id) / "text" / f"{unit_name(index)}.txt").read_text()

    def delete(self, job_id: str) -> None:
        """The job's folder gone at once for every reader (renamed, then removed)."""
        folder = self.folder(job_id)
        trash = self.root / f".deleted-{job_id}-{uuid.uuid4().hex}"
        with contextlib.suppress(FileNotFoundError):
            folder.rename(trash)
            shutil.rmtree(trash, ignore_errors=True)

    # --- pieces ----------------------------------------------------------------------
    @contextlib.contextmanager
    def piece_audio(self, job_id: str, index: int) -> Iterator[Path]:
        """A file to write piece ``index``'s samples into, put in place only where the block ends normally."""
        path = self.folder(job_id) / "audio" / f"{unit_name(index)}.pcm"
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
        try:
            yield temporary
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)

    def audio_path(self, job_id: str, index: int) -> Path:
        return self.folder(job_id) / "audio" / f"{unit_name(index)}.pcm"

    def finish_piece(self, job_id: str, index: int, done: PieceDone, words: list[SpokenWord]) -> None:
        if not self._exists(job_id):
            return
        folder = self.folder(job_id)
        write_whole(folder / "words" / f"{unit_name(index)}.json", msgspec.json.encode(words))
        write_whole(folder / "done" / f"{unit_name(index)}.json", msgspec.json.encode(done))

    def is_made(self, job_id: str, unit: int | str) -> bool:
        folder = self.folder(job_id)
        return (folder / "book.json" if unit == BOOK else folder / "done" / f"{unit_name(unit)}.json").exists()

    def made_count(self, job_id: str) -> int:
        """Pieces made, counted without reading them."""
        with contextlib.suppress(FileNotFoundError):
            return sum(1 for name in os.listdir(self.folder(job_id) / "done") if name.endswith(".json"))
        return 0

    def done(self, job_id: str) -> dict[int, PieceDone]:
        found: dict[int, PieceDone] = {}
        with contextlib.suppress(FileNotFoundError):
            for path in (self.folder(job_id) / "done").glob("*.json"):
                record = _read(path, PieceDone)
                if record is not None:
                    found[int(path.stem)] = record
        return found

    def words(self, job_id: str, index: int) -> list[SpokenWord]:
        path = self.folder(job_id) / "words" / f"{unit_name(index)}.json"
        return msgspec.json.decode(path.read_bytes(), type=list[SpokenWord])

    # --- leases ----------------------------------------------------------------------
    def _lease_path(self, job_id: str, unit: int | str) -> Path:
        return self.folder(job_id) / "lease" / f"{unit_name(unit)}.json"

    def lease(self, job_id: str, unit: int | str, lease: Lease) -> None:
        if self._exists(job_id):  # a deleted job's folder is not made again by a worker still at it
            write_whole(self._lease_path(job_id, unit), msgspec.json.encode(lease))

    def _exists(self, job_id: str) -> bool:
        return (self.folder(job_id) / "job.json").exists()

    def claim(self, job_id: str, unit: int | str, lease: Lease) -> bool:
        """Lease ``unit`` only where no one holds it (one of several racing callers wins)."""
        if not self._exists(job_id):
            return False
        path = self._lease_path(job_id, unit)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "xb") as file:
                file.write(msgspec.json.encode(lease))
        except FileExistsError:
            return False
        return True

    def release(self, job_id: str, unit: int | str) -> None:
        self._lease_path(job_id, unit).unlink(missing_ok=True)

    def leases(self, job_id: str) -> dict[str, Lease]:
        found: dict[str, Lease] = {}
        with contextlib.suppress(FileNotFoundError):
            for path in (self.folder(job_id) / "lease").glob("*.json"):
                with contextlib.suppress(msgspec.DecodeError):
                    record = _read(path, Lease)
                    if record is not None:
                        found[path.stem] = record
        return found

    def take_back(self, job_id: str, unit: str, *, redone: bool = True) -> bool:
        """Take a lease from its holder (one of several racing callers wins); counted as redone unless not."""
        path = self.folder(job_id) / "lease" / f"{unit}.json"
        taken = path.with_name(f".taken-{unit}-{uuid.uuid4().hex}")
        try:
            path.rename(taken)
        except FileNotFoundError:
            return False
        taken.unlink(missing_ok=True)
        if not redone:
            return True
        marker = self.folder(job_id) / "redone" / f"{unit}-{uuid.uuid4().hex}"
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
        return True

    def mark_started(self, job_id: str) -> None:
        path = self.folder(job_id) / "started"
        if not path.exists():
            with contextlib.suppress(FileExistsError, FileNotFoundError), open(path, "x") as file:
                file.write(repr(time.time()))

    # --- the end of a job ------------------------------------------------------------
    def book_path(self, job_id: str, suffix: str) -> Path:
        return self.folder(job_id) / f"book{suffix}"

    def captions_path(self, job_id: str, caption_format: str) -> Path:
        return self.folder(job_id) / f"captions.{caption_format}"

    def chapter_path(self, job_id: str, chapter: int, suffix: str) -> Path:
        return self.folder(job_id) / "chapters" / f"{chapter}{suffix}"

    def finish_book(self, job_id: str, book: BookDone) -> None:
        write_whole(self.folder(job_id) / "book.json", msgspec.json.encode(book))

    def cancel(self, job_id: str) -> None:
        if self._exists(job_id):
            write_whole(self.folder(job_id) / "cancelled.json", msgspec.json.encode(Failure("", time.time())))

    def fail(self, job_id: str, message: str) -> None:
        if self._exists(job_id):
            write_whole(self.folder(job_id) / "failed.json", msgspec.json.encode(Failure(message, time.time())))

    def ended_at(self, job_id: str) -> float | None:
        """When the job completed, failed or was cancelled (None while it is to be made), read without its pieces."""
        folder = self.folder(job_id)
        for record in (_read(folder / "book.json", BookDone), _read(folder / "cancelled.json", Failure)):
            if record is not None:
                return record.finished_at
        failed = _read(folder / "failed.json", Failure)
        return None if failed is None else failed.finished_at

    def attempt(self, job_id: str, unit: int | str) -> int:
        """Count one more failed attempt at ``unit``; how many there have been."""
        folder = self.folder(job_id) / "attempts"
        if not self._exists(job_id):
            return 0
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{unit_name(unit)}-{uuid.uuid4().hex}").touch()
        return sum(1 for name in os.listdir(folder) if name.startswith(f"{unit_name(unit)}-"))

    def stopped(self, job_id: str) -> bool:
        """Whether the job was cancelled, failed, or deleted: no more work is done on it."""
        folder = self.folder(job_id)
        return (
            not (folder / "job.json").exists()
            or (folder / "cancelled.json").exists()
            or (folder / "failed.json").exists()
        )

    def snapshot(self, job_id: str) -> Snapshot | None:
        spec = self.spec(job_id)
        if spec is None:
            return None
        folder = self.folder(job_id)
        started: float | None = None
        with contextlib.suppress(FileNotFoundError, ValueError):
            started = float((folder / "started").read_text())
        redone = 0
        with contextlib.suppress(FileNotFoundError):
            redone = sum(1 for _ in (folder / "redone").iterdir())
        return Snapshot(
            spec=spec,
            done=self.done(job_id),
            running={unit: lease for unit, lease in self.leases(job_id).items() if lease.state == "running"},
            redone=redone,
            started_at=started,
            book=_read(folder / "book.json", BookDone),
            cancelled=_read(folder / "cancelled.json", Failure),
            failed=_read(folder / "failed.json", Failure),
        )


def _valid_id(job_id: str) -> bool:
    """An id this server made (no path can be named through it)."""
    return job_id.startswith("job_") and job_id[4:].isalnum() and len(job_id) <= 64
