"""The result cache store: byte bound, LRU order, TTL, sharing between processes, claims."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from kokoro_speech.cache.sqlite import SQLiteStore


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "results.sqlite3", max_bytes=1000)
    yield s
    await s.close()


async def test_set_get_delete(store: SQLiteStore) -> None:
    await store.set("a", b"x" * 10)
    assert await store.get("a") == b"x" * 10
    assert await store.exists("a")
    await store.delete("a")
    assert await store.get("a") is None
    await store.set("s", "text")
    assert await store.get("s") == b"text"
    await store.delete_all()
    assert await store.total_bytes() == 0


async def test_least_recently_used_entries_go_first_when_over_the_byte_bound(store: SQLiteStore) -> None:
    for key in "abc":
        await store.set(key, b"x" * 300)
        time.sleep(0.002)
    await store.get("a")  # a is now the most recently used
    time.sleep(0.002)
    await store.set("d", b"x" * 300)
    assert await store.total_bytes() <= 1000
    assert await store.get("b") is None
    assert {k for k in "acd" if await store.get(k) is not None} == set("acd")


async def test_an_entry_larger_than_the_whole_cache_is_not_stored(store: SQLiteStore) -> None:
    await store.set("small", b"x")
    await store.set("huge", b"x" * 1001)
    assert await store.get("huge") is None
    assert await store.get("small") == b"x"


async def test_expired_entries_are_gone_and_renewal_extends(store: SQLiteStore) -> None:
    await store.set("short", b"1", expires_in=1)
    await store.set("kept", b"2", expires_in=100)
    assert 0 <= (await store.expires_in("short") or 0) <= 1
    await store.get("kept", renew_for=500)
    assert (await store.expires_in("kept") or 0) > 400
    time.sleep(1.1)
    assert await store.get("short") is None
    assert await store.get("kept") == b"2"


async def test_two_stores_on_one_file_share_entries(tmp_path: Path) -> None:
    """Each worker process opens the same file; what one writes the other reads."""
    first = SQLiteStore(tmp_path / "shared.sqlite3", max_bytes=10_000)
    second = SQLiteStore(tmp_path / "shared.sqlite3", max_bytes=10_000)
    try:
        await first.set("k", b"audio")
        assert await second.get("k") == b"audio"
    finally:
        await first.close()
        await second.close()


def write_lock(path: Path) -> sqlite3.Connection:
    """Another process's connection holding the file's write lock (as a worker storing an entry does)."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


async def test_hits_do_not_wait_for_the_write_lock(tmp_path: Path) -> None:
    """A hit records its recency in memory: hits in several workers never queue on SQLite's write lock."""
    store = SQLiteStore(tmp_path / "shared.sqlite3", max_bytes=10_000)
    await store.set("k", b"audio")
    other = write_lock(store.path)
    try:
        for _ in range(3):
            # Bounded well below SQLite's busy timeout: a hit that queued for the lock would give up there.
            assert await asyncio.wait_for(store.get("k"), timeout=2) == b"audio"
    finally:
        other.rollback()
        other.close()
        await store.close()


async def test_recency_kept_in_memory_still_orders_eviction(tmp_path: Path) -> None:
    first = SQLiteStore(tmp_path / "shared.sqlite3", max_bytes=1000)
    second = SQLiteStore(tmp_path / "shared.sqlite3", max_bytes=1000)
    try:
        for key in "abc":
            await first.set(key, b"x" * 300)
            time.sleep(0.002)
        await second.get("a")  # a hit in another worker...
        await second.close()  # ...written down when that worker stops (or with its next write)
        await first.set("d", b"x" * 300)
        assert await first.get("a") is not None and await first.get("b") is None
    finally:
        await first.close()


async def test_closing_does_not_block_the_event_loop(tmp_path: Path) -> None:
    """close() waits for the store's thread, which may be waiting on the lock: the loop runs meanwhile."""
    store = SQLiteStore(tmp_path / "shared.sqlite3", max_bytes=10_000)
    await store.get("warm")  # opens the file
    other = write_lock(store.path)
    writing = asyncio.ensure_future(store.set("k", b"audio"))  # waits on the other connection's lock

    async def release() -> None:
        await asyncio.sleep(0.2)
        other.rollback()

    releasing = asyncio.ensure_future(release())
    # With a close that blocked the loop, `release` could not run until SQLite gave up: the write would fail.
    await store.close()
    await releasing
    await writing
    other.close()
    reopened = SQLiteStore(store.path, max_bytes=10_000)
    assert await reopened.get("k") == b"audio"
    await reopened.close()


async def test_claims_belong_to_their_owner_and_expire(tmp_path: Path) -> None:
    first = SQLiteStore(tmp_path / "shared.sqlite3", max_bytes=10_000)
    second = SQLiteStore(tmp_path / "shared.sqlite3", max_bytes=10_000)
    try:
        # Claims of a second: a busy machine makes the next few SQLite steps well within one.
        assert await first.claim("k", "a", 1.0)
        assert await first.claim("k", "a", 1.0), "an owner's claim is still its own"
        assert not await first.claim("k", "b", 60), "another owner in the same worker does not get it"
        assert not await second.claim("k", "c", 60)
        assert await second.claimed("k")
        await second.release("k", "c")  # not its claim: left alone
        assert await first.claimed("k")
        await first.renew("k", "a", 60)
        time.sleep(1.3)
        assert await second.claimed("k") and not await second.claim("k", "c", 60)
        await first.release("k", "a")
        assert not await second.claimed("k")
        assert await second.claim("k", "c", 1.0)
        time.sleep(1.3)
        assert not await first.claimed("k") and await first.claim("k", "a", 60), "an expired claim is free"
    finally:
        await first.close()
        await second.close()
