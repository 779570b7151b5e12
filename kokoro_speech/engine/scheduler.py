"""Lanes: how many model runs go at once, who runs next, and who is turned away.

A worker has a fixed number of lanes (concurrent model runs on a dedicated thread pool).
Jobs wait for a lane in priority order: the first chunk of a new request goes ahead of
later chunks of running requests, so a new listener hears audio quickly even under load;
within a priority, first come first served. Only new requests may be refused: when
``queue_size`` of them already wait, the next gets :class:`Overloaded` at once instead of
piling up. A job that is cancelled while it waits leaves the queue; one cancelled while it
runs is told to stop (``on_cancel``), and its lane comes back when its thread is done.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, TypeVar

T = TypeVar("T")


class Priority(IntEnum):
    FIRST_CHUNK = 0
    LATER_CHUNK = 1


class Overloaded(RuntimeError):
    """Every lane is busy and the wait queue for new requests is full."""


@dataclass(order=True)
class _Waiter:
    priority: int
    seq: int
    future: asyncio.Future[None] = field(compare=False)
    admitted: bool = field(compare=False)


class LaneScheduler:
    def __init__(self, lanes: int, queue_size: int, executor: Executor | None = None) -> None:
        if lanes < 1:
            raise ValueError("need at least one lane")
        self.lanes = lanes
        self.queue_size = queue_size
        self._free = lanes
        self._heap: list[_Waiter] = []
        self._seq = itertools.count()
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
        return sum(1 for w in self._heap if not w.future.done())

    @property
    def waiting_new(self) -> int:
        return sum(1 for w in self._heap if w.admitted and not w.future.done())

    async def acquire(self, priority: Priority) -> None:
        """Wait for a lane. New requests (FIRST_CHUNK) may be refused with Overloaded."""
        if self._free > 0 and not self._heap:
            self._free -= 1
            return
        admitted = priority is Priority.FIRST_CHUNK
        if admitted and self.waiting_new >= self.queue_size:
            raise Overloaded(f"all {self.lanes} lanes busy and {self.queue_size} requests waiting")
        waiter = _Waiter(int(priority), next(self._seq), asyncio.get_running_loop().create_future(), admitted)
        heapq.heappush(self._heap, waiter)
        try:
            await waiter.future
        except asyncio.CancelledError:
            if waiter.future.done() and not waiter.future.cancelled():
                # The lane was handed over just as the waiter gave up: pass it on.
                self.release()
            else:
                self._heap.remove(waiter)
                heapq.heapify(self._heap)
            raise

    def release(self) -> None:
        while self._heap:
            waiter = heapq.heappop(self._heap)
            if not waiter.future.done():
                waiter.future.set_result(None)
                return
        self._free += 1

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
