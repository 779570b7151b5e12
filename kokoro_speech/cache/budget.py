"""How much of the result cache a worker holds in memory at once while it answers hits.

A hit is answered from the whole entry read from the store (up to a quarter of the cache, tens of
MiB), kept until its client has taken the last byte. Many clients replaying long entries at once
would each hold one: the budget admits hits while the bytes they hold fit in it, in the order they
came, and the others wait for a hit to finish (one entry larger than the whole budget is admitted
alone). Waiting costs a hit nothing but time; its client is watched while it waits like any other.
"""

from __future__ import annotations

import asyncio
from collections import deque


class MemoryBudget:
    def __init__(self, limit_bytes: int) -> None:
        self.limit_bytes = limit_bytes
        self.used_bytes = 0
        self._waiting: deque[tuple[int, asyncio.Future[None]]] = deque()

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    async def acquire(self, size: int) -> int:
        """Wait until ``size`` bytes fit; returns what was taken, to give to :meth:`release`."""
        size = min(size, self.limit_bytes)
        if not self._waiting and self.used_bytes + size <= self.limit_bytes:
            self.used_bytes += size
            return size
        admitted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        turn = (size, admitted)
        self._waiting.append(turn)
        try:
            await admitted
        except BaseException:
            if admitted.done() and not admitted.cancelled():
                self.release(size)  # admitted just as its caller left
            else:
                self._waiting.remove(turn)
                self._admit()
            raise
        return size

    def release(self, size: int) -> None:
        self.used_bytes -= size
        self._admit()

    def _admit(self) -> None:
        while self._waiting:
            size, admitted = self._waiting[0]
            if self.used_bytes + size > self.limit_bytes and self.used_bytes > 0:
                return
            self._waiting.popleft()
            self.used_bytes += size
            admitted.set_result(None)
