"""Making a job's work in a process that holds the model: a piece (its text to 16-bit samples on disk, its words
beside them) or the book (the pieces joined into one file with chapter marks, and its captions).

A piece is made as a stream is, a chunk ahead, but its chunks wait behind every request's (they run at the
lanes' lowest priority and give a lane up to a listener): a server that makes jobs and answers requests keeps
its requests' first audio as it was. While it works, the maker renews its lease; a worker that stops renewing
it (killed, cut off) has its piece taken back and made by another (see :mod:`.reaper`).
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np
import structlog
from numpy.typing import NDArray

from kokoro_speech.audio.encoders import to_int16
from kokoro_speech.engine.engine import ChunkAudio, NothingToSayError, Speaker, SpeechEngine, SpeechPlan
from kokoro_speech.engine.job import SpeechJob
from kokoro_speech.engine.scheduler import Overloaded, Priority
from kokoro_speech.engine.timing import SpokenWord, WordTimeline
from kokoro_speech.jobs import assembly
from kokoro_speech.jobs.config import JobsConfig
from kokoro_speech.jobs.queue import JobQueue
from kokoro_speech.jobs.records import JobSpec, Lease, PieceDone
from kokoro_speech.jobs.store import BOOK, JobStore
from kokoro_speech.speech.config import CaptionConfig
from kokoro_speech.speech.tasks import mark_seen

log = structlog.get_logger("kokoro_speech")

RENEWALS_PER_LEASE = 4
"""A lease is renewed this many times within its length, so one late renewal never loses it."""
MAX_ATTEMPTS = 3
"""Tries at one unit before its job fails: a passing fault (a full disk, a network file system's hiccup) does not
cost a book of hours."""
TEXT_RETRY_SECONDS = 0.2
"""How long a piece waits before it asks again for a text thread whose queue was full."""


class JobStopped(Exception):
    """The job was cancelled or deleted while a piece of it was being made."""


class JobMaker:
    def __init__(
        self,
        engine: SpeechEngine,
        store: JobStore,
        queue: JobQueue,
        config: JobsConfig,
        captions: CaptionConfig,
        worker: str,
    ) -> None:
        self.engine = engine
        self.store = store
        self.queue = queue
        self.config = config
        self.captions = captions
        self.worker = worker
        self._renewals = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kokoro-job-lease")

    async def make(self, job_id: str, unit: int | str) -> None:
        """Make ``unit`` of the job (a piece's index, or ``BOOK``) unless it is made, stopped or gone. Cancelled
        (the worker stops), it gives the unit back to the queue for another. A unit that fails is tried again by
        the next worker to take it, ``MAX_ATTEMPTS`` times in all, before its job fails."""
        spec = await asyncio.to_thread(self._take, job_id, unit)
        if spec is None:
            return
        renewing = asyncio.create_task(self._keep_lease(job_id, unit))
        try:
            if unit == BOOK:
                await self._book(spec)
            else:
                await self._piece(spec, int(unit))
        except asyncio.CancelledError:
            self.store.release(job_id, unit)
            self.queue.put(job_id, unit)
            raise
        except JobStopped:
            log.info("job stopped while a piece was made", job=job_id, unit=unit)
        except Exception as error:
            await asyncio.to_thread(self._failed, job_id, unit, error)
            return
        finally:
            renewing.cancel()
        await asyncio.to_thread(self._made, spec, unit)

    def _take(self, job_id: str, unit: int | str) -> JobSpec | None:
        """The job, with ``unit`` leased to this worker; None where there is nothing to make."""
        spec = self.store.spec(job_id)
        if spec is None:
            # Deleted while queued, or this worker's folder is not the server's: said, since the second never ends.
            log.warning(
                "job not in this worker's jobs folder (deleted, or not the server's KOKORO_SPEECH_JOBS_DIR)",
                job=job_id,
                unit=unit,
                folder=str(self.store.root),
            )
            return None
        if self.store.stopped(job_id) or self.store.is_made(job_id, unit):
            return None
        self._renew(job_id, unit)
        self.store.mark_started(job_id)
        return spec

    def _made(self, spec: JobSpec, unit: int | str) -> None:
        self.store.release(spec.id, unit)
        if unit != BOOK:
            self.queue_book_when_complete(spec)

    def _failed(self, job_id: str, unit: int | str, error: Exception) -> None:
        if self.store.stopped(job_id):  # deleted under it: its folder went with the piece's file
            log.info("job stopped while a piece was made", job=job_id, unit=unit)
            return
        attempts = self.store.attempt(job_id, unit)
        if attempts < MAX_ATTEMPTS:
            log.warning("job unit failed, queued again", job=job_id, unit=unit, attempt=attempts, error=str(error))
            self.store.release(job_id, unit)
            self.queue.put(job_id, unit)
            return
        log.error("job failed", job=job_id, unit=unit, attempts=attempts, exc_info=error)
        self.store.fail(job_id, f"The job could not be made: {type(error).__name__}: {error}")

    def queue_book_when_complete(self, spec: JobSpec) -> None:
        """Once every piece is made, the book is queued, once (whoever finds it complete first)."""
        if self.store.stopped(spec.id) or self.store.made_count(spec.id) < len(spec.piece_chars):
            return
        if self.store.claim(spec.id, BOOK, Lease("queued", self.worker, time.time())):
            self.queue.put(spec.id, BOOK)

    def _renew(self, job_id: str, unit: int | str) -> None:
        self.store.lease(job_id, unit, Lease("running", self.worker, time.time()))

    async def _keep_lease(self, job_id: str, unit: int | str) -> None:
        # On a thread of its own: a busy pool (status polls, chapters being encoded) must not let a lease lapse.
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.config.lease_seconds / RENEWALS_PER_LEASE)
            try:
                await loop.run_in_executor(self._renewals, self._renew, job_id, unit)
            except Exception as error:  # the next renewal may do; the lease outlives several missed
                log.warning("job lease not renewed", job=job_id, unit=unit, error=str(error))

    # --- a piece ---------------------------------------------------------------------
    async def _piece(self, spec: JobSpec, index: int) -> None:
        started = time.perf_counter()
        text = await asyncio.to_thread(self.store.piece_text, spec.id, index)
        job = replace(spec.speech, text=text)
        speaker = self.engine.speaker(job)
        plan = await self._plan(job, speaker)
        rate = self.engine.sample_rate
        words: list[SpokenWord] = []
        samples = 0
        with self.store.piece_audio(spec.id, index) as path, open(path, "wb") as out:
            if plan is not None:
                timeline = WordTimeline(plan.words, rate)
                pending = self._launch(plan, 0)
                try:
                    for chunk_index in range(len(plan.chunks)):
                        chunk = await pending
                        if chunk_index + 1 < len(plan.chunks):
                            pending = self._launch(plan, chunk_index + 1)
                        if await asyncio.to_thread(self.store.stopped, spec.id):
                            raise JobStopped(spec.id)
                        await asyncio.to_thread(out.write, self._samples(chunk.pcm, spec).tobytes())
                        samples += len(chunk.pcm)
                        words += timeline.add(chunk.words, chunk.tempo, len(chunk.pcm))
                    words += timeline.finish()
                finally:
                    pending.cancel()
                if index + 1 < len(spec.piece_chars):
                    # The rest its last punctuation calls for, as between two sentences of one request.
                    rest = np.zeros(round(self.engine.rest_after(plan) * rate), dtype=np.int16)
                    out.write(rest.tobytes())
                    samples += len(rest)
        done = PieceDone(samples=samples, worker=self.worker, seconds=time.perf_counter() - started)
        await asyncio.to_thread(self.store.finish_piece, spec.id, index, done, words)
        log.info("job piece made", job=spec.id, piece=index, seconds=round(done.seconds, 2), samples=samples)

    def _samples(self, pcm: NDArray[np.float32], spec: JobSpec) -> NDArray[np.int16]:
        return to_int16(pcm * spec.speech.volume if spec.speech.volume != 1.0 else pcm)

    async def _plan(self, job: SpeechJob, speaker: Speaker) -> SpeechPlan | None:
        while True:
            try:
                return await self.engine.plan_async(job, speaker)
            except NothingToSayError:
                return None
            except Overloaded:
                await asyncio.sleep(TEXT_RETRY_SECONDS)

    def _launch(self, plan: SpeechPlan, index: int) -> asyncio.Task[ChunkAudio]:
        task = asyncio.ensure_future(self.engine.synthesize(plan, index, Priority.BACKGROUND))
        task.add_done_callback(mark_seen)
        return task

    # --- the book --------------------------------------------------------------------
    async def _book(self, spec: JobSpec) -> None:
        done = await asyncio.to_thread(self.store.done, spec.id)
        missing = [i for i in range(len(spec.piece_chars)) if i not in done]
        if missing:
            raise RuntimeError(f"pieces {missing[:5]} are not made")
        await asyncio.to_thread(self._write_book, spec, done)

    def _write_book(self, spec: JobSpec, done: dict[int, PieceDone]) -> None:
        rate = self.engine.sample_rate
        book = assembly.write_book_of(self.store, spec, done, rate)
        assembly.write_captions(self.store, spec, done, rate, self.captions)
        self.store.finish_book(spec.id, book)
        log.info("job book written", job=spec.id, seconds=round(book.samples / rate, 1), chapters=len(spec.chapters))
