"""Hits are answered within a memory budget: their entries' sizes are asked of the store before the entries
are read, and a hit holds its share until its response is over."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from kokoro_speech.cache.budget import MemoryBudget
from kokoro_speech.cache.results import ResultCache
from kokoro_speech.cache.sqlite import SQLiteStore

MIB = 1024 * 1024


async def test_the_budget_admits_what_fits_and_the_rest_in_the_order_it_came() -> None:
    budget = MemoryBudget(10)
    first = await budget.acquire(6)
    later = [asyncio.ensure_future(budget.acquire(size)) for size in (5, 1)]
    await asyncio.sleep(0)
    assert budget.used_bytes == 6 and budget.waiting == 2, "the small one does not pass the one before it"
    budget.release(first)
    await asyncio.gather(*later)
    assert budget.used_bytes == 6


async def test_an_entry_larger_than_the_budget_is_admitted_alone() -> None:
    budget = MemoryBudget(10)
    small = await budget.acquire(3)
    large = asyncio.ensure_future(budget.acquire(50))
    await asyncio.sleep(0)
    assert not large.done()
    budget.release(small)
    taken = await large
    assert budget.used_bytes == taken == 10
    budget.release(taken)
    assert budget.used_bytes == 0


async def test_a_caller_that_leaves_while_it_waits_takes_nothing() -> None:
    budget = MemoryBudget(10)
    held = await budget.acquire(10)
    leaving = asyncio.ensure_future(budget.acquire(4))
    staying = asyncio.ensure_future(budget.acquire(4))
    await asyncio.sleep(0)
    leaving.cancel()
    await asyncio.sleep(0)
    budget.release(held)
    assert await staying == 4
    assert budget.used_bytes == 4 and budget.waiting == 0


@pytest.fixture
async def cache(tmp_path: Path) -> AsyncIterator[ResultCache]:
    store = SQLiteStore(tmp_path / "results.sqlite3", 256 * MIB)
    yield ResultCache(store, 3600, 64 * MIB, "fingerprint", MemoryBudget(8 * MIB))
    await store.close()


async def test_hits_beyond_the_budget_wait_until_one_is_over(cache: ResultCache) -> None:
    audio = bytes(3 * MIB)
    await cache.put("speech:long", [audio[:MIB], audio[MIB:]], 10, 1000, [])
    first, second = await cache.hit("speech:long"), await cache.hit("speech:long")
    assert first is not None and second is not None
    assert bytes(first.entry.audio) == audio
    third = asyncio.ensure_future(cache.hit("speech:long"))
    while cache.budget.waiting == 0:
        assert not third.done(), "a third entry of 3 MiB does not fit in 8 MiB beside two"
        await asyncio.sleep(0.001)
    first.release()
    hit = await third
    assert hit is not None and bytes(hit.entry.audio) == audio
    for done in (second, hit):
        done.release()
    assert cache.budget.used_bytes == 0


async def test_a_miss_takes_nothing_and_a_dropped_hit_gives_its_share_back(cache: ResultCache) -> None:
    assert await cache.hit("speech:never-made") is None
    assert cache.budget.used_bytes == 0
    await cache.put("speech:short", [b"RIFF" * 100], 1, 10, [])
    hit = await cache.hit("speech:short")
    assert cache.budget.used_bytes > 0
    del hit
    gc.collect()
    assert cache.budget.used_bytes == 0
