"""The worker's text threads: who reads text next, and who is turned away.

Normalizing and phonemizing is CPU work in Python (a long Chinese input takes a few hundred ms),
and a worker has few threads for it. Two kinds of requests need them: a speech request, whose
listener waits for its plan before the first chunk can start, and a phonemize request, which
only wants the phonemes. Speech goes first; within a kind, first come first served. Waiting
is bounded: when ``queue_size`` jobs already wait, the next is refused with
:class:`~kokoro_speech.engine.scheduler.Overloaded` at once (a 503), so a flood of text
cannot stall every listener behind it, nor grow memory. A job whose caller gave up before it
started leaves the queue unrun.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, TypeVar

from kokoro_speech.engine.scheduler import Overloaded

T = TypeVar("T")


class TextPriority(IntEnum):
    SPEECH = 0
    """A speech request's plan: a listener waits for its first audio."""
    PHONEMES = 1
    """A phonemize request: text only."""


@dataclass(order=True)
class _Job:
    priority: int
    order: int
    work: Callable[[], Any] = field(compare=False)
    future: concurrent.futures.Future[Any] = field(compare=False)


_STOP = _Job(len(TextPriority), -1, lambda: None, concurrent.futures.Future())


class TextWork:
    def __init__(self, threads: int, queue_size: int) -> None:
        self.queue_size = queue_size
        self._queue: queue.PriorityQueue[_Job] = queue.PriorityQueue()
        self._order = itertools.count()
        self._lock = threading.Lock()
        self._waiting = 0
        self._threads = [
            threading.Thread(target=self._serve, name=f"kokoro-text-{n}", daemon=True) for n in range(threads)
        ]
        for thread in self._threads:
            thread.start()

    @property
    def waiting(self) -> int:
        """Jobs queued and not yet started."""
        return self._waiting

    async def run(self, priority: TextPriority, work: Callable[..., T], *args: Any) -> T:
        """``work(*args)`` on a text thread; raises Overloaded when ``queue_size`` jobs already wait."""
        with self._lock:
            if self._waiting >= self.queue_size:
                raise Overloaded(f"{self._waiting} text jobs already waiting for this worker's text threads")
            self._waiting += 1
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        self._queue.put(_Job(priority, next(self._order), lambda: work(*args), future))
        try:
            return await asyncio.wrap_future(future)
        finally:
            # A caller that left before its job started takes it out of the queue: the thread skips it.
            with self._lock:
                if future.cancel():
                    self._waiting -= 1

    def close(self) -> None:
        for _ in self._threads:
            self._queue.put(_STOP)

    def _serve(self) -> None:
        while (job := self._queue.get()) is not _STOP:
            with self._lock:
                if job.future.cancelled():
                    continue
                self._waiting -= 1
                job.future.set_running_or_notify_cancel()
            try:
                job.future.set_result(job.work())
            except BaseException as error:
                job.future.set_exception(error)
