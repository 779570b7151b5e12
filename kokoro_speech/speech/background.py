"""Work a response leaves behind once its client has everything (storing it in the result cache).

It runs as tasks of its own, so the last byte of a response never waits for it; the runtime
keeps track of them and lets them finish at shutdown, so nothing that was made is lost.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import structlog

log = structlog.get_logger("kokoro_speech")


class BackgroundWork:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, work: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.get_running_loop().create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background work failed", task=task.get_name(), error=repr(task.exception()))

    async def drain(self, timeout: float) -> bool:
        """Wait for every task, those spawned while waiting included, for at most ``timeout`` seconds;
        False (and the rest cancelled) if some were still running then."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self._tasks:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                for task in self._tasks:
                    task.cancel()
                return False
            await asyncio.wait(set(self._tasks), timeout=left)
        return True
