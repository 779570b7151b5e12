"""The server's SQLite files (the result cache with its claims, the rate-limit counts) hold what users said and
when they called: only the server's own user may read them, whatever the umask it was started with."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from kokoro_speech.api.access.counters import WindowCounter
from kokoro_speech.cache.sqlite import SQLiteStore

OPEN_UMASK = 0o022
"""The usual default: files readable by everyone."""


@pytest.fixture
def open_umask() -> Iterator[None]:
    before = os.umask(OPEN_UMASK)
    try:
        yield
    finally:
        os.umask(before)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def assert_private(database: Path) -> None:
    assert mode(database.parent) == 0o700
    files = [database, *(database.with_name(database.name + suffix) for suffix in ("-wal", "-shm"))]
    assert all(path.exists() for path in files), files
    for path in files:
        assert mode(path) == 0o600, path


@pytest.mark.usefixtures("open_umask")
async def test_the_result_cache_and_its_claims_are_private(tmp_path: Path) -> None:
    database = tmp_path / "cache" / "results.sqlite3"
    store = SQLiteStore(database, 1 << 20)
    try:
        await store.set("key", b"what someone said")
        assert await store.claim("key", "worker-1", 5.0)
        assert_private(database)
    finally:
        await store.close()


@pytest.mark.usefixtures("open_umask")
async def test_the_rate_limit_counts_are_private(tmp_path: Path) -> None:
    database = tmp_path / "limits" / "limits.sqlite3"
    counter = WindowCounter(database)
    try:
        admitted, _ = await counter.take({"address:127.0.0.1:requests": (1, 5)}, 60.0)
        assert admitted
        assert_private(database)
    finally:
        counter.close()


@pytest.mark.usefixtures("open_umask")
async def test_files_an_earlier_version_left_readable_are_tightened(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o755)
    database = folder / "results.sqlite3"
    database.touch(mode=0o644)
    os.chmod(folder, 0o755)
    store = SQLiteStore(database, 1 << 20)
    try:
        await store.set("key", b"audio")
        assert_private(database)
    finally:
        await store.close()
