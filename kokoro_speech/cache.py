"""The result cache: finished responses, answered again without touching the engine.

Entries live in a Litestar :class:`~litestar.stores.base.Store`. The default is
:class:`SQLiteStore`, one SQLite file that every worker process of a server opens, so a
repeat is a hit whichever worker takes it; it is bounded in bytes, evicts the least
recently used entries first and honours a TTL. Registering another store (Redis, for
several machines) under the configured name replaces it.
"""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import msgspec
import structlog
from litestar.stores.base import Store

from kokoro_speech.engine.timing import SpokenWord

log = structlog.get_logger("kokoro_speech")

# An entry may take at most this share of the cache, so one long response cannot flush
# everything else out.
MAX_ENTRY_SHARE = 4
SQLITE_BUSY_TIMEOUT_MS = 5000
KEY_VERSION = 2

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
"""


def _seconds(value: int | timedelta | None) -> float | None:
    if value is None:
        return None
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class SQLiteStore(Store):
    """A byte-bounded LRU store with TTL in one SQLite file, safe across processes."""

    def __init__(self, path: Path, max_bytes: int) -> None:
        self.path = path
        self.max_bytes = max_bytes
        # One thread owns the connection; SQLite's own locking orders the processes.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kokoro-cache")
        self._conn: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(_SCHEMA)
            self._conn = conn
        return self._conn

    async def _call(self, fn: Callable[..., T], *args: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    # --- synchronous bodies, run on the store's thread ----------------------------------
    def _set(self, key: str, value: bytes, expires_in: float | None) -> None:
        size = len(value)
        if size > self.max_bytes:
            return
        now = time.time()
        expires_at = now + expires_in if expires_in is not None else None
        conn = self._connect()
        conn.execute("BEGIN IMMEDIATE")
        try:
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
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _get(self, key: str, renew_for: float | None) -> bytes | None:
        conn = self._connect()
        row = conn.execute("SELECT value, expires_at FROM entries WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        value, expires_at = row
        now = time.time()
        if expires_at is not None and expires_at <= now:
            conn.execute("DELETE FROM entries WHERE key = ? AND expires_at <= ?", (key, now))
            return None
        if renew_for is not None and expires_at is not None:
            conn.execute(
                "UPDATE entries SET accessed_at = ?, expires_at = ? WHERE key = ?", (now, now + renew_for, key)
            )
        else:
            conn.execute("UPDATE entries SET accessed_at = ? WHERE key = ?", (now, key))
        return bytes(value)

    def _expires_in(self, key: str) -> int | None:
        row = self._connect().execute("SELECT expires_at FROM entries WHERE key = ?", (key,)).fetchone()
        if row is None or row[0] is None:
            return None
        return max(0, int(row[0] - time.time()))

    def _execute(self, sql: str, params: tuple[object, ...]) -> None:
        self._connect().execute(sql, params)

    def _total_bytes(self) -> int:
        (total,) = self._connect().execute("SELECT COALESCE(SUM(size), 0) FROM entries").fetchone()
        return int(total)

    # --- the Store protocol ------------------------------------------------------------
    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        data = value.encode() if isinstance(value, str) else value
        await self._call(self._set, key, data, _seconds(expires_in))

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        return await self._call(self._get, key, _seconds(renew_for))

    async def delete(self, key: str) -> None:
        await self._call(self._execute, "DELETE FROM entries WHERE key = ?", (key,))

    async def delete_all(self) -> None:
        await self._call(self._execute, "DELETE FROM entries", ())

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        return await self._call(self._expires_in, key)

    async def total_bytes(self) -> int:
        return await self._call(self._total_bytes)

    def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            self._executor.submit(conn.close).result()
        self._executor.shutdown(wait=True)


class CachedSpeech(msgspec.Struct, array_like=True):
    """What the result cache holds for one response."""

    audio: bytes
    input_tokens: int
    audio_samples: int
    words: list[SpokenWord] = msgspec.field(default_factory=list)


class ResultCache:
    """Finished audio keyed on everything that changes it.

    The cache only ever saves work: a store that fails or holds something unreadable is
    logged and treated as a miss, never as a failed request.
    """

    def __init__(self, store: Store, ttl_seconds: int, max_entry_bytes: int, fingerprint: str) -> None:
        self.store = store
        self.ttl_seconds = ttl_seconds
        self.max_entry_bytes = max_entry_bytes
        self._fingerprint = fingerprint

    def key(self, **request: object) -> str:
        """The key of a response given everything in the request that changes its bytes."""
        parts = (KEY_VERSION, self._fingerprint, sorted(request.items()))
        return "speech:" + hashlib.sha256(msgspec.json.encode(parts)).hexdigest()

    async def get(self, key: str) -> CachedSpeech | None:
        try:
            raw = await self.store.get(key)
            return None if raw is None else msgspec.msgpack.decode(raw, type=CachedSpeech)
        except Exception as error:
            log.warning("result cache read failed", error=repr(error))
            return None

    async def put(self, key: str, entry: CachedSpeech) -> None:
        if len(entry.audio) > self.max_entry_bytes:
            return
        try:
            await self.store.set(key, msgspec.msgpack.encode(entry), expires_in=self.ttl_seconds)
        except Exception as error:
            log.warning("result cache write failed", error=repr(error))
