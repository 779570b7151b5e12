"""What keeps jobs moving when workers fail, and their folders from piling up: the server looks every few
seconds for a unit whose worker stopped renewing its lease (killed, cut off), takes it back and queues it again,
so another worker makes it within seconds; it queues a complete job's book where the worker that made its last
piece died first; and it deletes jobs past their time."""

from __future__ import annotations

import time
from collections.abc import Callable

import structlog

from kokoro_speech.infra import metrics
from kokoro_speech.jobs.config import JobsConfig
from kokoro_speech.jobs.queue import JobQueue
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

    def sweep(self) -> int:
        """One look at every job; the units taken back."""
        taken = 0
        for job_id in self.store.ids():
            snapshot = self.store.snapshot(job_id)
            if snapshot is None:
                continue
            ended = snapshot.book or snapshot.cancelled or snapshot.failed
            if ended is not None:
                if self.clock() - ended.finished_at > self.config.expire_seconds:
                    self.store.delete(job_id)
                    log.info("job expired", job=job_id)
                continue
            taken += self._take_back(job_id)
            leases = self.store.leases(job_id)
            complete = len(self.store.done(job_id)) == len(snapshot.spec.piece_chars)
            if (
                complete
                and BOOK not in leases
                and self.store.claim(job_id, BOOK, Lease("queued", "reaper", self.clock()))
            ):
                self.queue.put(job_id, BOOK)
        return taken

    def _take_back(self, job_id: str) -> int:
        taken = 0
        for unit, lease in self.store.leases(job_id).items():
            if lease.state != "running" or not self._silent(lease):
                continue
            if unit != BOOK and self.store.is_made(job_id, int(unit)):
                self.store.release(job_id, int(unit))  # made; its worker died before it let go
                continue
            if self.store.take_back(job_id, unit):
                self.queue.put(job_id, unit if unit == BOOK else int(unit))
                metrics.JOB_PIECES_REDONE.inc()
                taken += 1
                log.warning("job piece taken back from a silent worker", job=job_id, unit=unit, worker=lease.worker)
        return taken

    def count(self) -> None:
        """The queue's length and the pieces in hand into the metrics."""
        metrics.JOBS_QUEUED.set(self.queue.pending())
        in_flight = 0
        for job_id in self.store.ids():
            leases = self.store.leases(job_id).values()
            in_flight += sum(1 for lease in leases if lease.state == "running" and not self._silent(lease))
        metrics.JOB_PIECES_IN_FLIGHT.set(in_flight)

    def _silent(self, lease: Lease) -> bool:
        return self.clock() - lease.renewed_at > self.config.lease_seconds
