"""The result cache store: byte bound, LRU order, TTL, sharing between processes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kokoro_speech.cache import ResultCache, SQLiteStore


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = SQLiteStore(tmp_path / "results.sqlite3", max_bytes=1000)
    yield s
    s.close()


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
        first.close()
        second.close()


def test_result_cache_keys_change_with_everything_that_changes_the_audio(tmp_path: Path) -> None:
    cache = ResultCache(
        SQLiteStore(tmp_path / "k.sqlite3", 10), ttl_seconds=60, max_entry_bytes=10, fingerprint="model-a"
    )
    base = {"text": "Hello.", "voice": "af_heart", "language": "en-us", "speed": 1.0, "response_format": "mp3"}
    key = cache.key(**base)
    assert cache.key(**base) == key
    for field, other in [
        ("text", "Hello!"),
        ("voice", "am_adam"),
        ("language", "en-gb"),
        ("speed", 1.1),
        ("response_format", "wav"),
    ]:
        assert cache.key(**{**base, field: other}) != key
    other_model = ResultCache(cache.store, 60, 10, fingerprint="model-b")
    assert other_model.key(**base) != key
