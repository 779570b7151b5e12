"""SQLiteStore: a Litestar store in one SQLite file that every worker of a server opens.

A repeat is a hit whichever worker takes it. The store is bounded in bytes, evicts the
least recently used entries first and honours a TTL. It also keeps claims: a worker that
starts making a response claims its key, so that the other workers wait for the entry
instead of making it again.

Reads never write: the file's write lock is shared by every worker, and hits queuing on it
would make the cache slowest when it is busiest. Recency is kept in memory and written in
batches: with every write the store makes anyway, and at most every ``RECENCY_FLUSH_SECONDS``
on a read, then only if the lock is free at that moment.

The file is outside the server's control: it may be deleted, made read-only, filled with
garbage or sit on a full disk. An error from SQLite drops the connection, so the next
operation opens the file afresh (and works once the file is fixed); a file that was removed or
replaced under an open connection is noticed by its identity and opened again, since SQLite
would otherwise go on writing to the unlinked copy no other worker sees.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import structlog
from litestar.stores.base import Store

from kokoro_speech.infra import metrics
from kokoro_speech.infra.private_files import private_sqlite

log = structlog.get_logger("kokoro_speech")

SQLITE_BUSY_TIMEOUT_MS = 5000
RECENCY_FLUSH_SECONDS = 5.0
"""How long a worker may keep the recency of its hits to itself before writing it down."""

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL,
    size INTEGER NOT NULL,
    expires_at REAL,
    accessed_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_accessed ON entries(accessed_at);
CREATE TABLE IF NOT EXISTS claims (
    key TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    expires_at REAL NOT NULL
);
"""


def _seconds(value: int | float | timedelta | None) -> float | None:
    if value is None:
        return None
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class SQLiteStore(Store):
    """A byte-bounded LRU store with TTL and claims in one SQLite file, safe across processes."""

    def __init__(self, path: Path, max_bytes: int) -> None:
        self.path = path
        self.max_bytes = max_bytes
        # One thread owns the connection and the recency kept in memory; SQLite's own locking orders the
        # processes.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kokoro-cache")
        self._conn: sqlite3.Connection | None = None
        self._opened: tuple[int, int] | None = None
        """The device and inode of the file ``_conn`` has open."""
        self._recency: dict[str, float] = {}
        self._recency_since: float | None = None

    def _file_identity(self) -> tuple[int, int] | None:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return None
        return stat.st_dev, stat.st_ino

    def _connect(self) -> sqlite3.Connection:
        if self._conn is not None and self._file_identity() != self._opened:
            log.warning("result cache file was removed or replaced: opening it again", file=self.path.name)
            metrics.cache_failure("reopen")
            self._disconnect()
        if self._conn is None:
            private_sqlite(self.path)
            conn = sqlite3.connect(
                self.path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
            )
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.executescript(_SCHEMA)
            except BaseException:
                conn.close()
                raise
            self._conn = conn
            self._opened = self._file_identity()
        return self._conn

    def _disconnect(self) -> None:
        conn, self._conn, self._opened = self._conn, None, None
        if conn is not None:
            with contextlib.suppress(sqlite3.Error):
                conn.close()

    def _guarded(self, fn: Callable[..., T], *args: object) -> T:
        try:
            return fn(*args)
        except sqlite3.DatabaseError:
            # Whatever broke (the file, its disk), a connection opened afresh sees it fixed.
            self._disconnect()
            raise

    async def _call(self, fn: Callable[..., T], *args: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._guarded, fn, *args)

    # --- synchronous bodies, run on the store's thread ----------------------------------
    def _write(self, body: Callable[[sqlite3.Connection], T], *, wait: bool = True) -> T:
        """Run ``body`` in a write transaction, with the recency kept so far written first.

        ``wait=False`` gives up at once (sqlite3.OperationalError) when another process holds the lock.
        """
        conn = self._connect()
        if not wait:
            conn.execute("PRAGMA busy_timeout = 0")
        try:
            conn.execute("BEGIN IMMEDIATE")
        finally:
            if not wait:
                conn.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        try:
            if self._recency:
                conn.executemany(
                    "UPDATE entries SET accessed_at = MAX(accessed_at, ?) WHERE key = ?",
                    [(at, key) for key, at in self._recency.items()],
                )
            result = body(conn)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        self._recency.clear()
        self._recency_since = None
        return result

    def _set(self, key: str, value: bytes, expires_in: float | None) -> None:
        size = len(value)
        if size > self.max_bytes:
            return
        now = time.time()
        expires_at = now + expires_in if expires_in is not None else None

        def insert(conn: sqlite3.Connection) -> None:
            conn.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?)", (key, value, size, expires_at, now))
            conn.execute("DELETE FROM entries WHERE expires_at IS NOT NULL AND expires_at <= ?", (now,))
            (total,) = conn.execute("SELECT COALESCE(SUM(size), 0) FROM entries").fetchone()
            if total > self.max_bytes:
                # Walk from the least recently used entry until enough is freed.
                excess = total - self.max_bytes
                victims: list[str] = []
                for victim, victim_size in conn.execute("SELECT key, size FROM entries ORDER BY accessed_at"):
                    victims.append(victim)
                    excess -= victim_size
                    if excess <= 0:
                        break
                conn.executemany("DELETE FROM entries WHERE key = ?", [(v,) for v in victims])

        self._recency.pop(key, None)
        self._write(insert)

    def _get(self, key: str, renew_for: float | None) -> bytes | None:
        conn = self._connect()
        row = conn.execute("SELECT value, expires_at FROM entries WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        value, expires_at = row
        now = time.time()
        if expires_at is not None and expires_at <= now:
            return None  # the next write clears it out
        if renew_for is not None and expires_at is not None:
            self._write(
                lambda c: c.execute(
                    "UPDATE entries SET accessed_at = ?, expires_at = ? WHERE key = ?", (now, now + renew_for, key)
                )
            )
        else:
            self._remember(key, now)
        return bytes(value)

    def _remember(self, key: str, now: float) -> None:
        self._recency[key] = now
        if self._recency_since is None:
            self._recency_since = now
        elif now - self._recency_since >= RECENCY_FLUSH_SECONDS:
            # Another process writing now: the recency waits for a later write.
            with contextlib.suppress(sqlite3.OperationalError):
                self._write(lambda _: None, wait=False)

    def _size_of(self, key: str) -> int | None:
        row = self._connect().execute("SELECT size, expires_at FROM entries WHERE key = ?", (key,)).fetchone()
        if row is None or (row[1] is not None and row[1] <= time.time()):
            return None
        return int(row[0])

    def _expires_in(self, key: str) -> int | None:
        row = self._connect().execute("SELECT expires_at FROM entries WHERE key = ?", (key,)).fetchone()
        if row is None or row[0] is None:
            return None
        return max(0, int(row[0] - time.time()))

    def _total_bytes(self) -> int:
        (total,) = self._connect().execute("SELECT COALESCE(SUM(size), 0) FROM entries").fetchone()
        return int(total)

    def _claim(self, key: str, owner: str, seconds: float) -> bool:
        now = time.time()

        def claim(conn: sqlite3.Connection) -> bool:
            conn.execute("DELETE FROM claims WHERE key = ? AND expires_at <= ?", (key, now))
            conn.execute("INSERT OR IGNORE INTO claims VALUES (?, ?, ?)", (key, owner, now + seconds))
            (holder,) = conn.execute("SELECT owner FROM claims WHERE key = ?", (key,)).fetchone()
            return bool(holder == owner)

        return self._write(claim)

    def _renew(self, key: str, owner: str, seconds: float) -> None:
        self._write(
            lambda c: c.execute(
                "UPDATE claims SET expires_at = ? WHERE key = ? AND owner = ?", (time.time() + seconds, key, owner)
            )
        )

    def _claimed(self, key: str) -> bool:
        row = self._connect().execute("SELECT expires_at FROM claims WHERE key = ?", (key,)).fetchone()
        return row is not None and row[0] > time.time()

    def _close(self) -> None:
        if self._conn is None:
            return
        if self._recency:
            # Recency only orders eviction: not worth failing a shutdown over.
            with contextlib.suppress(sqlite3.Error):
                self._write(lambda _: None)
        self._disconnect()

    # --- the Store protocol ------------------------------------------------------------
    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        data = value.encode() if isinstance(value, str) else value
        await self._call(self._set, key, data, _seconds(expires_in))

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        return await self._call(self._get, key, _seconds(renew_for))

    async def delete(self, key: str) -> None:
        await self._call(self._write, lambda c: c.execute("DELETE FROM entries WHERE key = ?", (key,)))

    async def delete_all(self) -> None:
        await self._call(self._write, lambda c: c.execute("DELETE FROM entries"))

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        return await self._call(self._expires_in, key)

    async def total_bytes(self) -> int:
        return await self._call(self._total_bytes)

    async def size_of(self, key: str) -> int | None:
        """The size of ``key``'s value, without reading it; None where there is none."""
        return await self._call(self._size_of, key)

    # --- claims ------------------------------------------------------------------------
    async def claim(self, key: str, owner: str, seconds: float) -> bool:
        """Claim ``key`` for ``owner`` for ``seconds``: True if it is now ``owner``'s, False if another holds it."""
        return await self._call(self._claim, key, owner, seconds)

    async def renew(self, key: str, owner: str, seconds: float) -> None:
        """Extend ``owner``'s claim on ``key`` to ``seconds`` from now."""
        await self._call(self._renew, key, owner, seconds)

    async def release(self, key: str, owner: str) -> None:
        """Drop ``owner``'s claim on ``key`` (another's is left alone)."""
        await self._call(
            self._write, lambda c: c.execute("DELETE FROM claims WHERE key = ? AND owner = ?", (key, owner))
        )

    async def claimed(self, key: str) -> bool:
        """Whether anyone holds a live claim on ``key``."""
        return await self._call(self._claimed, key)

    async def close(self) -> None:
        """Write down what recency is pending and close the file, off the event loop."""
        try:
            await self._call(self._close)
        finally:
            self._executor.shutdown(wait=False)
