"""What keeps jobs moving when workers or the queue fail, and their folders from piling up. Every few seconds the
server looks at each job still to be made:

- a unit whose worker stopped renewing its lease (killed, cut off) is taken back and queued again, so another
  worker makes it within seconds;
- a unit neither made, held nor waiting in the queue, twice in a row (a worker killed between taking it and
  leasing it, an entry a restarted Redis lost), is queued again;
- a job whose every piece is made gets its book queued, where the worker that made the last one died first;

and deletes jobs past their time."""

from __future__ import annotations

import time
from collections.abc import Callable

import structlog

from kokoro_speech.infra import metrics
from kokoro_speech.jobs.config import JobsConfig
from kokoro_speech.jobs.queue import JobQueue, Unit
from kokoro_speech.jobs.records import Lease
from kokoro_speech.jobs.store import BOOK, JobStore

log = structlog.get_logger("kokoro_speech")


class Reaper:
    def __init__(
        self, store: JobStore, queue: JobQueue, config: JobsConfig, clock: Callable[[], float] = time.time
    ) -> None:
        self.store = store
        self.queue = queue
        self.config = config
        self.clock = clock
        self._missing: set[Unit] = set()
        """Units found neither made, held nor queued at the last look."""

    def sweep(self) -> int:
        """One look at every job, the metrics set from it; the units queued again."""
        queued = in_flight = 0
        missing: set[Unit] = set()
        waiting: set[Unit] | None = None
        for job_id in self.store.ids():
            try:
                ended = self.store.ended_at(job_id)
                if ended is not None:
                    if self.clock() - ended > self.config.expire_seconds:
                        self.store.delete(job_id)
                        log.info("job expired", job=job_id)
                    continue
                queued += self._take_back(job_id)
                leases = self.store.leases(job_id)  # as they are once the silent ones are taken back
                in_flight += sum(1 for held in leases.values() if held.state == "running" and not self._silent(held))
                if waiting is None:
                    waiting = self.queue.pending_units()
                missing |= self._lost(job_id, leases, waiting)
            except Exception:  # one job's trouble (a record nobody can read) holds up no other
                log.exception("looking after a job failed", job=job_id)
        for job_id, unit in missing & self._missing:
            if self._queue_again(job_id, unit):
                queued += 1
                log.warning("job unit lost by the queue, queued again", job=job_id, unit=unit)
        self._missing = missing
        metrics.JOBS_QUEUED.set(self.queue.pending())
        metrics.JOB_PIECES_IN_FLIGHT.set(in_flight)
        return queued

    def _take_back(self, job_id: str) -> int:
        taken = 0
        for unit, lease in self.store.leases(job_id).items():
            if lease.state != "running" or not self._silent(lease):
                continue
            if unit != BOOK and self.store.is_made(job_id, int(unit)):
                self.store.release(job_id, int(unit))  # made; its worker died before it let go
                continue
            if self.store.take_back(job_id, unit):
                self._queue_again(job_id, unit if unit == BOOK else int(unit))
                metrics.JOB_PIECES_REDONE.inc()
                taken += 1
                log.warning("job unit taken back from a silent worker", job=job_id, unit=unit, worker=lease.worker)
        return taken

    def _lost(self, job_id: str, leases: dict[str, Lease], waiting: set[Unit]) -> set[Unit]:
        """Units of the job that are neither made, held (leased) nor waiting in the queue."""
        spec = self.store.spec(job_id)
        if spec is None or self.store.stopped(job_id):
            return set()
        done = self.store.made_count(job_id)
        pieces = len(spec.piece_chars)
        if done == pieces:
            book = leases.get(BOOK)
            if book is None or (book.state == "queued" and (job_id, BOOK) not in waiting):
                return {(job_id, BOOK)}
            return set()
        made = self.store.done(job_id)
        return {
            (job_id, index)
            for index in range(pieces)
            if index not in made and f"{index:05d}" not in leases and (job_id, index) not in waiting
        }

    def _queue_again(self, job_id: str, unit: int | str) -> bool:
        """Queue ``unit`` once more; the book under a "queued" lease, so that of several looking, one queues it."""
        if unit == BOOK:
            # A "queued" lease the queue lost is taken first: whoever takes it queues the book.
            lease = self.store.leases(job_id).get(BOOK)
            if lease is not None and not self.store.take_back(job_id, BOOK, redone=False):
                return False
            if not self.store.claim(job_id, BOOK, Lease("queued", "reaper", self.clock())):
                return False
        self.queue.put(job_id, unit)
        return True

    def _silent(self, lease: Lease) -> bool:
        return self.clock() - lease.renewed_at > self.config.lease_seconds
