"""Tasks whose result may never be awaited (a chunk made ahead for a reader that left)."""

from __future__ import annotations

import asyncio
from typing import Any


def mark_seen(task: asyncio.Task[Any]) -> None:
    """A done callback: the task's error counts as seen, so asyncio does not log it as lost (whoever awaits the
    task still gets it)."""
    if not task.cancelled():
        task.exception()
