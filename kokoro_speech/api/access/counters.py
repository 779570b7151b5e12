"""Per-minute counts shared by every worker of a server: one SQLite file, one transaction per request.

The window moves: a request is counted against what the caller used in the ``window_s`` before it,
each earlier request by its own time, so no ``window_s`` span ever holds more than the limit. (A window
fixed from a caller's first request let a caller spend its whole limit at one window's end and again
at the next one's start: twice the limit within a second.) A request is admitted only if every count
it adds to stays within its limit, and then all of them are added at once, so that two workers
admitting at the same moment cannot both take the last unit (SQLite's write lock orders them).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from kokoro_speech.infra.private_files import private_sqlite

SQLITE_BUSY_TIMEOUT_S = 5.0

_SCHEMA = """
DROP TABLE IF EXISTS windows;
CREATE TABLE IF NOT EXISTS uses (
    key TEXT NOT NULL,
    at REAL NOT NULL,
    amount INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS uses_key_at ON uses(key, at);
CREATE INDEX IF NOT EXISTS uses_at ON uses(at);
"""
# ``windows`` held an earlier version's fixed windows; their counts mean nothing to a moving window.

Clock = Callable[[], float]


@dataclass(frozen=True)
class Count:
    """One count of one caller: what it has used in the window (this request included if admitted), when all
    of that has left the window, and when ``wanted`` more would fit (0 if it was admitted)."""

    limit: int
    used: int
    reset_s: float
    wanted: int
    retry_s: float = 0.0


def count_of(uses: Sequence[tuple[float, int]], now: float, window_s: float, amount: int, limit: int) -> Count:
    """The count of a caller whose uses in the window are ``uses`` (time, amount; oldest first), asked for
    ``amount`` more under ``limit``, before it is decided (``used`` is what the window holds now)."""
    used = sum(part for _, part in uses)
    reset = max(0.0, uses[-1][0] + window_s - now) if uses else 0.0
    retry = 0.0
    if used + amount > limit:
        # Each use leaves the window ``window_s`` after it was made: wait for as many as must leave.
        freed = 0
        retry = reset
        for at, part in uses:
            freed += part
            if used - freed + amount <= limit:
                retry = max(0.0, at + window_s - now)
                break
    return Count(limit, used, reset, amount, retry)


def admitted_count(count: Count, now_reset_s: float) -> Count:
    """``count`` once its request is admitted: the amount is in the window until ``window_s`` from now."""
    return Count(count.limit, count.used + count.wanted, now_reset_s, count.wanted)


class Counter(Protocol):
    """Where the counts live: this server's file (:class:`WindowCounter`) or Redis shared by several servers
    (:class:`~kokoro_speech.api.access.redis_counter.FailoverCounter`)."""

    async def take(self, wants: dict[str, tuple[int, int]], window_s: float) -> tuple[bool, dict[str, Count]]: ...
    def close(self) -> None: ...


class WindowCounter:
    def __init__(self, path: Path, clock: Clock = time.time) -> None:
        """``clock``: seconds since the epoch, the same in every worker (the tests give their own)."""
        self.path = path
        self.clock = clock
        self._executor: ThreadPoolExecutor | None = None
        self._conn: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            private_sqlite(self.path)
            conn = sqlite3.connect(self.path, timeout=SQLITE_BUSY_TIMEOUT_S, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(_SCHEMA)
            self._conn = conn
        return self._conn

    async def take(self, wants: dict[str, tuple[int, int]], window_s: float) -> tuple[bool, dict[str, Count]]:
        """Add each ``amount`` to the count ``key`` (``{key: (amount, limit)}``) if all stay within their
        limits; answers whether they did and each count after."""
        if self._executor is None:
            # Made on first use, and again after a close: an application's lifespan may run more than once.
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kokoro-limits")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._take, wants, window_s)

    def _take(self, wants: dict[str, tuple[int, int]], window_s: float) -> tuple[bool, dict[str, Count]]:
        conn = self._connect()
        now = self.clock()
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Uses that have left every window are of no use to anyone.
            conn.execute("DELETE FROM uses WHERE at <= ?", (now - window_s,))
            counts = {
                key: count_of(
                    conn.execute(
                        "SELECT at, amount FROM uses WHERE key = ? AND at > ? ORDER BY at", (key, now - window_s)
                    ).fetchall(),
                    now,
                    window_s,
                    amount,
                    limit,
                )
                for key, (amount, limit) in wants.items()
            }
            admitted = all(count.used + count.wanted <= count.limit for count in counts.values())
            if admitted:
                conn.executemany(
                    "INSERT INTO uses (key, at, amount) VALUES (?, ?, ?)",
                    [(key, now, amount) for key, (amount, _) in wants.items()],
                )
                counts = {key: admitted_count(count, window_s) for key, count in counts.items()}
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return admitted, counts

    def close(self) -> None:
        executor, self._executor = self._executor, None
        if executor is None:
            return

        def close() -> None:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

        executor.submit(close).result()
        executor.shutdown()
