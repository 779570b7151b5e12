"""Lanes: how many model runs go at once, who runs next, and who is turned away.

A worker has a fixed number of lanes (concurrent model runs on a dedicated thread pool).
The first chunk of a new request goes ahead of later chunks of running requests, so a new
listener hears audio quickly even under load; but when later chunks wait too, first and
later chunks take turns, so a stream that is already playing is never starved by a stream
of newcomers. Within each kind, first come first served. Only new requests may be refused:
when ``queue_size`` of them already wait, the next gets :class:`Overloaded` at once instead
of piling up. A job cancelled while it waits leaves the queue; one cancelled while it runs
is told to stop (``on_cancel``), and its lane comes back when its thread is done.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from enum import IntEnum
from typing import Any, TypeVar

T = TypeVar("T")


class Priority(IntEnum):
    FIRST_CHUNK = 0
    LATER_CHUNK = 1


class Overloaded(RuntimeError):
    """Every lane is busy and the wait queue for new requests is full."""


class LaneScheduler:
    def __init__(self, lanes: int, queue_size: int, executor: Executor | None = None) -> None:
        if lanes < 1:
            raise ValueError("need at least one lane")
        self.lanes = lanes
        self.queue_size = queue_size
        self._free = lanes
        self._waiting: dict[Priority, deque[asyncio.Future[None]]] = {p: deque() for p in Priority}
        self._first_went_last = False
        self.runs_started = 0
        self.runs_stopped = 0
        """Runs whose caller went away while the model ran, and that were told to stop."""
        self._owns_executor = executor is None
        self._executor = executor or ThreadPoolExecutor(max_workers=lanes, thread_name_prefix="kokoro-lane")

    # --- accounting ------------------------------------------------------------------
    @property
    def busy(self) -> int:
        return self.lanes - self._free

    @property
    def waiting(self) -> int:
        return sum(self._count(p) for p in Priority)

    @property
    def waiting_new(self) -> int:
        return self._count(Priority.FIRST_CHUNK)

    def _count(self, priority: Priority) -> int:
        return sum(1 for f in self._waiting[priority] if not f.done())

    def check_admission(self) -> None:
        """Raise Overloaded if a new request would be refused now (before any work is spent on it)."""
        if self._free == 0 and self.waiting_new >= self.queue_size:
            raise Overloaded(f"all {self.lanes} lanes busy and {self.queue_size} requests waiting")

    async def acquire(self, priority: Priority) -> None:
        """Wait for a lane. New requests (FIRST_CHUNK) may be refused with Overloaded."""
        if self._free > 0 and not self.waiting:
            self._free -= 1
            return
        if priority is Priority.FIRST_CHUNK:
            self.check_admission()
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._waiting[priority]
        queue.append(future)
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                # The lane was handed over just as the waiter gave up: pass it on.
                self.release()
            elif future in queue:
                queue.remove(future)
            raise

    def release(self) -> None:
        """Hand the lane to the next waiter, or mark it free."""
        while True:
            first, later = self._waiting[Priority.FIRST_CHUNK], self._waiting[Priority.LATER_CHUNK]
            if first and (not later or not self._first_went_last):
                future, self._first_went_last = first.popleft(), bool(later)
            elif later:
                future, self._first_went_last = later.popleft(), False
            else:
                self._free += 1
                return
            if not future.done():
                future.set_result(None)
                return

    # --- running ---------------------------------------------------------------------
    async def run(self, job: Callable[[], T], priority: Priority, on_cancel: Callable[[], None] | None = None) -> T:
        """Run ``job`` on a lane's thread once a lane is free."""
        await self.acquire(priority)
        loop = asyncio.get_running_loop()
        try:
            future = loop.run_in_executor(self._executor, job)
        except BaseException:
            self.release()
            raise
        # The lane is only free again when the thread is: a cancelled caller must not
        # hand it to the next job while the model still runs.
        self.runs_started += 1
        future.add_done_callback(self._job_done)
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            if on_cancel is not None and not future.done():
                self.runs_stopped += 1
                on_cancel()
            raise

    def _job_done(self, future: asyncio.Future[Any]) -> None:
        if not future.cancelled():
            future.exception()  # retrieved here so an abandoned job's error is not logged as lost
        self.release()

    def shutdown(self) -> None:
        if self._owns_executor:
            self._executor.shutdown(wait=False, cancel_futures=True)
