"""Threads that read text, with a bounded queue: who waits, and who is turned away.

Normalizing and phonemizing is CPU work in Python (4,000 characters of Chinese take about 0.3 s, and
the first Chinese request of a worker a second more while its dictionary loads). Two kinds of
requests need it: a speech request, whose listener waits for its plan before the first chunk can
start, and a phonemize request, which only wants the phonemes. Each kind has threads of its own, so
a listener's plan never waits behind a phonemize request in progress (the phonemizers' own locks
keep what is not thread-safe apart), and while a listener waits for its first audio no phonemize
job starts, so its first chunk has the cores. Waiting is bounded for each kind: when ``queue_size``
jobs already wait, the next is refused with :class:`~kokoro_speech.engine.scheduler.Overloaded` at
once (a 503), so a flood of text neither stalls listeners nor grows memory. A job whose caller gave
up before it started leaves the queue unrun.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from kokoro_speech.engine.scheduler import Overloaded

T = TypeVar("T")

DEFER_POLL_SECONDS = 0.005
"""How often a deferred job looks again: short beside a first chunk (hundreds of ms)."""


@dataclass(frozen=True)
class _Job:
    work: Callable[[], Any]
    future: concurrent.futures.Future[Any]


class TextWork:
    def __init__(self, kind: str, threads: int, queue_size: int, defer: Callable[[], bool] = lambda: False) -> None:
        """``kind`` names the work in refusals and thread names; ``defer``: whether a job should not start now."""
        self.kind = kind
        self.queue_size = queue_size
        self._defer = defer
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._lock = threading.Lock()
        self._waiting = 0
        self._threads = [
            threading.Thread(target=self._serve, name=f"kokoro-{kind}-{n}", daemon=True) for n in range(threads)
        ]
        for thread in self._threads:
            thread.start()

    @property
    def waiting(self) -> int:
        """Jobs queued and not yet started."""
        return self._waiting

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """``work(*args)`` on one of these threads; raises Overloaded when ``queue_size`` jobs already wait."""
        with self._lock:
            if self._waiting >= self.queue_size:
                raise Overloaded(f"{self._waiting} {self.kind} jobs already waiting for this worker's text threads")
            self._waiting += 1
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        self._queue.put(_Job(lambda: work(*args), future))
        try:
            return await asyncio.wrap_future(future)
        finally:
            # A caller that left before its job started takes it out of the queue: the thread skips it.
            with self._lock:
                if future.cancel():
                    self._waiting -= 1

    def close(self) -> None:
        for _ in self._threads:
            self._queue.put(None)

    def _serve(self) -> None:
        while (job := self._queue.get()) is not None:
            while self._defer() and not job.future.cancelled():
                time.sleep(DEFER_POLL_SECONDS)
            with self._lock:
                if job.future.cancelled():
                    continue
                self._waiting -= 1
                job.future.set_running_or_notify_cancel()
            try:
                job.future.set_result(job.work())
            except BaseException as error:
                job.future.set_exception(error)
