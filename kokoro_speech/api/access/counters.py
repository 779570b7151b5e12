"""Per-minute counts shared by every worker of a server: one SQLite file, one transaction per request.

A window starts at a caller's first request and lasts ``window_s``; a request is admitted only if
every count it adds to stays within its limit, and then all of them are added at once, so that
two workers admitting at the same moment cannot both take the last unit (SQLite's write lock
orders them).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from kokoro_speech.infra.private_files import private_sqlite

SQLITE_BUSY_TIMEOUT_S = 5.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS windows (
    key TEXT PRIMARY KEY,
    started REAL NOT NULL,
    used INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS windows_started ON windows(started);
"""


@dataclass(frozen=True)
class Count:
    """One count of one caller: what it has used in its window (this request included if admitted)."""

    limit: int
    used: int
    reset_s: float
    wanted: int


class Counter(Protocol):
    """Where the counts live: this server's file (:class:`WindowCounter`) or Redis shared by several servers
    (:class:`~kokoro_speech.api.access.redis_counter.FailoverCounter`)."""

    async def take(self, wants: dict[str, tuple[int, int]], window_s: float) -> tuple[bool, dict[str, Count]]: ...
    def close(self) -> None: ...


class WindowCounter:
    def __init__(self, path: Path) -> None:
        self.path = path
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
        now = time.time()
        conn.execute("BEGIN IMMEDIATE")
        try:
            current: dict[str, tuple[float, int]] = {}
            for key in wants:
                row = conn.execute("SELECT started, used FROM windows WHERE key = ?", (key,)).fetchone()
                current[key] = (now, 0) if row is None or row[0] <= now - window_s else (row[0], row[1])
            admitted = all(current[key][1] + amount <= limit for key, (amount, limit) in wants.items())
            if admitted:
                for key, (amount, _) in wants.items():
                    started, used = current[key]
                    current[key] = (started, used + amount)
                    conn.execute(
                        "INSERT INTO windows (key, started, used) VALUES (?, ?, ?) "
                        "ON CONFLICT(key) DO UPDATE SET started = excluded.started, used = excluded.used",
                        (key, started, used + amount),
                    )
            # Windows long over are of no use to anyone.
            conn.execute("DELETE FROM windows WHERE started < ?", (now - 2 * window_s,))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        counts = {
            key: Count(limit, current[key][1], max(0.0, current[key][0] + window_s - now), amount)
            for key, (amount, limit) in wants.items()
        }
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
