"""A process's share of the jobs: it takes a unit of work from the queue, makes it, and takes the next, one at a
time (a piece already keeps the lanes as busy as one request does; the lanes run every process's work)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket

import structlog

from kokoro_speech.jobs.maker import JobMaker
from kokoro_speech.jobs.queue import JobQueue

log = structlog.get_logger("kokoro_speech")

QUEUE_RETRY_SECONDS = 5.0
"""How long a worker waits before it asks a queue that failed (Redis away) again."""


def worker_name() -> str:
    """Who holds a lease, as operators know it: the machine and the process."""
    return f"{socket.gethostname()}:{os.getpid()}"


class JobRunner:
    def __init__(self, queue: JobQueue, maker: JobMaker, poll_seconds: float) -> None:
        self.queue = queue
        self.maker = maker
        self.poll_seconds = poll_seconds

    async def run(self) -> None:
        log.info("job worker taking work", worker=self.maker.worker, shared=self.queue.shared)
        while True:
            try:
                taken = await self._take()
            except Exception as error:  # the queue's storage is away: wait and ask again
                log.warning("job queue unavailable", error=str(error))
                await asyncio.sleep(QUEUE_RETRY_SECONDS)
                continue
            if taken is None:
                await asyncio.sleep(self.poll_seconds)
                continue
            try:
                await self.maker.make(*taken)
            except Exception:  # one unit's trouble (its job deleted under it, a full disk) stops no other
                log.exception("job unit failed", job=taken[0], unit=taken[1])

    async def _take(self) -> tuple[str, int | str] | None:
        """The next unit; one taken just as the worker stops goes back to the queue, never lost."""
        taking = asyncio.ensure_future(asyncio.to_thread(self.queue.take))
        try:
            return await asyncio.shield(taking)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                if (taken := await taking) is not None:
                    self.queue.put(*taken)
            raise
