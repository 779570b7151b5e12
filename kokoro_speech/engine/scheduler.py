"""Lanes: how many model runs go at once, who runs next, and who is turned away.

A worker has a fixed number of lanes (concurrent model runs on a dedicated thread pool).
The first chunk of a new request goes ahead of later chunks of running requests, so a new
listener hears audio quickly even under load; but when later chunks wait too, first and
later chunks take turns, so a stream that is already playing is never starved by a stream
of newcomers. Within each kind, first come first served. Only new requests may be refused:
when ``queue_size`` of them already wait, the next gets :class:`Overloaded` at once instead
of piling up. A job cancelled while it waits leaves the queue; one cancelled while it runs
is told to stop through its :class:`Interrupt`, and its lane comes back when its thread is done.

Preemption: a new request that finds every lane busy with later chunks would wait for the
rest of a chunk. When that rest would take longer than the newcomer's own first chunk, the
later chunk with the most left to do is stopped and put back at the head of the later
queue, and its lane goes to the newcomer: the newcomer then waits at most about as long
as its own synthesis takes, and the work thrown away is never more than that either. How
long a job takes is estimated from its cost (phoneme tokens) and the seconds per unit of
cost measured on finished jobs. A stream's chunk is preempted at most once, so a stream of
newcomers cannot keep a stream from advancing. Measured on Zen 4 (the bench's fairness case,
a short stream's first byte during three long ones against idle): 2.59 without preemption,
0.97 to 1.14 with it, while the work thrown away stayed under 1% of the lane's time.

A long-form job's chunks (``BACKGROUND``) come last: they run on lanes no request waits for, count as free
lanes for admission, and are stopped for a newcomer's first chunk or a stream's next one (each time, unless they
end sooner than the waiting chunk's own run would take), then run again once the lane is free.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, TypeVar

T = TypeVar("T")


class Priority(IntEnum):
    FIRST_CHUNK = 0
    LATER_CHUNK = 1
    BACKGROUND = 2
    """A long-form job's chunk: it runs on a lane no request waits for, and gives the lane up to any that does."""


class Overloaded(RuntimeError):
    """Every lane is busy and the wait queue for new requests is full."""


class JobInterrupted(Exception):
    """Raised by a job that stopped because its :class:`Interrupt` fired."""


class Interrupt:
    """How the scheduler stops a running job: the job registers what stopping means for it."""

    def __init__(self) -> None:
        self.reason: str | None = None
        self._hooks: list[Callable[[], None]] = []

    def on_stop(self, hook: Callable[[], None]) -> None:
        self._hooks.append(hook)
        if self.reason is not None:
            hook()

    def stop(self, reason: str) -> None:
        if self.reason is None:
            self.reason = reason
            for hook in self._hooks:
                hook()


@dataclass(eq=False)
class _Running:
    priority: Priority
    interrupt: Interrupt
    preemptible: bool
    cost: float
    started: float
    preempted_for: Priority | None = None
    """Whose wait it was stopped for: a newcomer's first chunk, or a stream's next one (a job's chunk only)."""


# Weight of the newest finished job in the running estimate of seconds per unit of cost.
RATE_SMOOTHING = 0.2


class LaneScheduler:
    def __init__(
        self,
        lanes: int,
        queue_size: int,
        executor: Executor | None = None,
        preempt: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if lanes < 1:
            raise ValueError("need at least one lane")
        self.lanes = lanes
        self.queue_size = queue_size
        self.on_change: Callable[[], None] = lambda: None
        """Called on the event loop whenever a lane is taken or freed or a chunk starts or stops waiting (the
        worker's metrics follow the lanes with it)."""
        self._free = lanes
        self._waiting: dict[Priority, deque[asyncio.Future[None]]] = {p: deque() for p in Priority}
        self._first_went_last = False
        self._running: list[_Running] = []
        self._preempting: dict[Priority, int] = {Priority.FIRST_CHUNK: 0, Priority.LATER_CHUNK: 0}
        """Runs told to stop and not yet stopped, by whose wait they were stopped for."""
        self.preempt = preempt
        self._clock = clock
        self.seconds_per_cost: float | None = None
        """Measured on finished jobs; None until the first one finishes."""
        self.streams = 0
        """Admitted requests past their first chunk with speech still to make: each waits for a lane again for
        every later chunk, so they count against the queue as much as first chunks do."""
        self.runs_started = 0
        self.runs_preempted = 0
        self.runs_stopped = 0
        """Runs whose caller went away while the model ran, and that were told to stop."""
        self.run_seconds = 0.0
        """Lane time spent running jobs, finished or not."""
        self.discarded_seconds = 0.0
        """Lane time of runs whose work was thrown away: preempted, or stopped for a caller that left."""
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
        """Raise Overloaded if a new request would be refused now (before any work is spent on it). A lane running
        a job's chunk counts as free: a newcomer takes it."""
        if self._free + self._background_running() == 0 and (
            self.waiting_new >= self.queue_size or self.streams + self.waiting_new >= self.lanes + self.queue_size
        ):
            # Counting only first chunks would admit without bound under a sustained overload: every admitted
            # stream slows the others, and the backlog (and each stream's wait) grows as long as it lasts.
            raise Overloaded(
                f"all {self.lanes} lanes busy and {self.queue_size} requests waiting or in progress beyond them"
            )

    def stream_started(self) -> None:
        """A request's first chunk is made and more are to come (see :attr:`streams`)."""
        self.streams += 1

    def stream_ended(self) -> None:
        self.streams -= 1

    async def acquire(
        self, priority: Priority, *, resume: bool = False, cost: float = 1.0, admitted: bool = False
    ) -> None:
        """Wait for a lane. New requests (FIRST_CHUNK) may be refused with Overloaded, unless ``admitted`` (a
        stream admitted already whose listener waits again, as a live stream's next sentence does).

        ``resume`` puts a preempted job at the head of its queue.
        """
        if self._free > 0 and not self.waiting:
            self._free -= 1
            self.on_change()
            return
        if priority is Priority.FIRST_CHUNK and not admitted:
            self.check_admission()
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._waiting[priority]
        if resume:
            queue.appendleft(future)
        else:
            queue.append(future)
        if priority is Priority.FIRST_CHUNK:
            self._preempt_for_newcomer(cost)
        elif priority is Priority.LATER_CHUNK:
            self._preempt_background(cost)
        self.on_change()
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                # The lane was handed over just as the waiter gave up: pass it on.
                self.release()
            elif future in queue:
                queue.remove(future)
            raise
        finally:
            self.on_change()

    def release(self, *, to_newcomer: bool = False) -> None:
        """Hand the lane to the next waiter, or mark it free.

        ``to_newcomer``: the lane was freed by preemption, so it goes to a waiting first chunk
        whatever the turn.
        """
        while True:
            first, later = self._waiting[Priority.FIRST_CHUNK], self._waiting[Priority.LATER_CHUNK]
            background = self._waiting[Priority.BACKGROUND]
            if first and (to_newcomer or not later or not self._first_went_last):
                # After a preemption the stopped chunk is about to queue again: it gets the next turn.
                future, self._first_went_last = first.popleft(), bool(later) or to_newcomer
            elif later:
                future, self._first_went_last = later.popleft(), False
            elif background:
                future = background.popleft()
            else:
                self._free += 1
                self.on_change()
                return
            if not future.done():
                future.set_result(None)
                self.on_change()
                return

    def _preempt_for_newcomer(self, cost: float) -> None:
        if not self.preempt or self._free > 0:
            return
        if self.waiting_new <= self._preempting[Priority.FIRST_CHUNK]:
            return  # every waiting newcomer already has a lane on its way
        victims = [r for r in self._running if r.preemptible and r.interrupt.reason is None]
        if not victims:
            return
        # A job's chunk goes first: no listener waits for it.
        victims = [r for r in victims if r.priority is Priority.BACKGROUND] or victims
        victim = max(victims, key=self._remaining)
        if self.seconds_per_cost is not None and self._remaining(victim) <= cost * self.seconds_per_cost:
            return  # the victim ends before the newcomer's own run would: waiting wastes nothing
        self._stop_for(victim, Priority.FIRST_CHUNK)

    def _preempt_background(self, cost: float) -> None:
        """A stream's next chunk takes the lane of a job's chunk (a job never holds up a listener)."""
        if not self.preempt or self._free > 0:
            return
        if self._count(Priority.LATER_CHUNK) <= self._preempting[Priority.LATER_CHUNK]:
            return  # every waiting stream already has a lane on its way
        victims = [r for r in self._running if r.priority is Priority.BACKGROUND and r.interrupt.reason is None]
        if not victims:
            return
        victim = max(victims, key=self._remaining)
        if self.seconds_per_cost is not None and self._remaining(victim) <= cost * self.seconds_per_cost:
            return  # it ends before the stream's own chunk would: waiting wastes nothing
        self._stop_for(victim, Priority.LATER_CHUNK)

    def _stop_for(self, victim: _Running, waiter: Priority) -> None:
        victim.preempted_for = waiter
        self._preempting[waiter] += 1
        victim.interrupt.stop("preempted")

    def _background_running(self) -> int:
        return sum(1 for r in self._running if r.priority is Priority.BACKGROUND and r.interrupt.reason is None)

    def _remaining(self, running: _Running) -> float:
        if self.seconds_per_cost is None:
            return float("inf")
        return running.cost * self.seconds_per_cost - (self._clock() - running.started)

    # --- running ---------------------------------------------------------------------
    async def run(
        self, job: Callable[[Interrupt], T], priority: Priority, cost: float = 1.0, *, admitted: bool = False
    ) -> T:
        """Run ``job`` on a lane's thread once a lane is free.

        The job gets an :class:`Interrupt` and must stop (raise) soon after it fires. If it was
        preempted it runs again, ahead of the other later chunks; if its caller was cancelled
        it is stopped and the cancellation propagates.
        """
        resume = False
        while True:
            await self.acquire(priority, resume=resume, cost=cost, admitted=admitted)
            preemptible = priority is Priority.BACKGROUND or (priority is Priority.LATER_CHUNK and not resume)
            running = _Running(priority, Interrupt(), preemptible, cost, self._clock())
            loop = asyncio.get_running_loop()
            try:
                future = loop.run_in_executor(self._executor, job, running.interrupt)
            except BaseException:
                self.release()
                raise
            self._running.append(running)
            self.runs_started += 1
            # The lane is only free again when the thread is: a cancelled caller must not
            # hand it to the next job while the model still runs.
            future.add_done_callback(lambda f, r=running: self._job_done(f, r))  # type: ignore[misc]
            try:
                return await asyncio.shield(future)
            except asyncio.CancelledError:
                if not future.done():
                    self.runs_stopped += 1
                    running.interrupt.stop("cancelled")
                raise
            except JobInterrupted:
                if running.interrupt.reason != "preempted":
                    raise
                self.runs_preempted += 1
                resume = True

    def _job_done(self, future: asyncio.Future[Any], running: _Running) -> None:
        if not future.cancelled():
            future.exception()  # retrieved here so an abandoned job's error is not logged as lost
        self._running.remove(running)
        elapsed = self._clock() - running.started
        self.run_seconds += elapsed
        if running.interrupt.reason is not None:
            self.discarded_seconds += elapsed
        preempted_for = running.preempted_for if running.interrupt.reason == "preempted" else None
        if preempted_for is not None:
            self._preempting[preempted_for] -= 1
        elif not future.cancelled() and future.exception() is None and running.cost > 0:
            rate = elapsed / running.cost
            old = self.seconds_per_cost
            self.seconds_per_cost = rate if old is None else old + RATE_SMOOTHING * (rate - old)
        # Stopped for a newcomer, the lane goes to one whatever the turn; for a stream, the usual turns give it one.
        self.release(to_newcomer=preempted_for is Priority.FIRST_CHUNK)

    def shutdown(self) -> None:
        if self._owns_executor:
            self._executor.shutdown(wait=False, cancel_futures=True)
