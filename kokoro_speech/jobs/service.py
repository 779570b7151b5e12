"""Jobs as the API sees them: accepting one (its pieces written and queued), its status, the caller's list, a
cancel or a delete, and the files of a completed one. Jobs belong to the API key that made them: another
caller's are not found."""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from pathlib import Path

from kokoro_speech.audio.book import book_suffix
from kokoro_speech.engine.job import SpeechJob
from kokoro_speech.jobs import assembly
from kokoro_speech.jobs.config import JobsConfig
from kokoro_speech.jobs.pieces import cut
from kokoro_speech.jobs.queue import JobQueue
from kokoro_speech.jobs.records import ChapterSpec, JobSpec
from kokoro_speech.jobs.sources import Book
from kokoro_speech.jobs.status import ENDED, JobStatus, job_status
from kokoro_speech.jobs.store import JobStore


class JobNotReady(Exception):
    """The job has no audio yet (or never will: failed, cancelled)."""


class QueueUnavailable(Exception):
    """The queue could not take the job (Redis away): nothing of it was kept."""


class JobService:
    def __init__(self, store: JobStore, queue: JobQueue, config: JobsConfig, sample_rate: int) -> None:
        self.store = store
        self.queue = queue
        self.config = config
        self.sample_rate = sample_rate

    def submit(self, book: Book, speech: SpeechJob, *, owner: str, model: str, response_format: str) -> JobStatus:
        """Write the job and queue its pieces (each chapter cut where :mod:`.pieces` says)."""
        texts: list[str] = []
        chapters: list[ChapterSpec] = []
        for chapter in book.chapters:
            pieces = cut(chapter.text, self.config.piece_chars) or [chapter.title]
            chapters.append(ChapterSpec(chapter.title, len(texts), len(pieces), sum(map(len, pieces))))
            texts += pieces
        spec = JobSpec(
            id=f"job_{uuid.uuid4().hex}",
            owner=owner,
            created_at=time.time(),
            title=book.title,
            model=model,
            response_format=response_format,
            speech=replace(speech, text=""),
            chapters=chapters,
            piece_chars=[len(t) for t in texts],
        )
        self.store.create(spec, texts)
        try:
            for index in range(len(texts)):
                self.queue.put(spec.id, index)
        except Exception as error:
            # Cancelled first: a worker that took a piece already finds it stopped.
            self.store.cancel(spec.id)
            self.store.delete(spec.id)
            raise QueueUnavailable(str(error)) from error
        found = self.status(spec.id, owner)
        assert found is not None
        return found

    def status(self, job_id: str, owner: str) -> JobStatus | None:
        snapshot = self.store.snapshot(job_id)
        if snapshot is None or snapshot.spec.owner != owner:
            return None
        return job_status(snapshot, self.sample_rate)

    def list(self, owner: str) -> list[JobStatus]:
        # The owner is read from the small record first: another caller's jobs are never looked into.
        mine = [job_id for job_id in self.store.ids() if (spec := self.store.spec(job_id)) and spec.owner == owner]
        found = [s for job_id in mine if (s := self.status(job_id, owner)) is not None]
        return sorted(found, key=lambda s: s.created_at, reverse=True)

    def cancel_or_delete(self, status: JobStatus, owner: str) -> JobStatus | None:
        """Cancel a job still to be made (its status, now cancelled), or delete an ended one (None); ``status`` is
        the job's as ``owner`` read it."""
        if status.status in ENDED:
            self.store.delete(status.id)
            return None
        self.store.cancel(status.id)
        return self.status(status.id, owner)

    def book(self, status: JobStatus, chapter: int | None) -> Path:
        """The completed job's file, or one chapter's (written the first time it is asked for)."""
        spec = self._completed(status)
        suffix = book_suffix(spec.response_format)  # type: ignore[arg-type]
        if chapter is None:
            return self.store.book_path(spec.id, suffix)
        path = self.store.chapter_path(spec.id, chapter, suffix)
        if not path.exists():
            assembly.write_chapter(self.store, spec, chapter, self.sample_rate)
        return path

    def captions(self, status: JobStatus, caption_format: str) -> Path:
        return self.store.captions_path(self._completed(status).id, caption_format)

    def _completed(self, status: JobStatus) -> JobSpec:
        """The job of ``status`` (read by its owner), which must be completed and still there."""
        if status.status != "completed":
            raise JobNotReady(status.status)
        spec = self.store.spec(status.id)
        if spec is None:
            raise FileNotFoundError(status.id)  # deleted since its status was read
        return spec
