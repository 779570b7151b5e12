"""The result cache's file broken under a real `kokoro-speech serve`: deleted, filled with garbage, made read-only,
on a full disk. Every request is still answered, each episode logs one warning and counts in
``kokoro_speech_cache_failures_total``, and the cache works again once the file is fixed.

The file sits on an ext4 file system made for the test in a loop-mounted image: read-only is the files made
immutable (``chattr +i``, which refuses writes even through the descriptors SQLite already holds, where a
read-only remount is refused while they are open) and a full disk is the file system filled. Mounting needs
root: elsewhere those two cases say so and are skipped, the other two run in a plain folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import UNTUNED_SCHEDULE, Server, base_env, start_server, wait_for
from tests.support.audio import duration
from tests.support.metrics import samples, value

IMAGE_BYTES = 16 * 1024 * 1024
FAILING = "result cache failing"
BACK = "result cache working again"
REOPENED = "result cache file was removed or replaced"


class CacheFolder:
    """Where the server's result cache file lives, and whether it is a file system of the test's own."""

    def __init__(self, path: Path, mounted: bool) -> None:
        self.path = path
        self.mounted = mounted

    @property
    def files(self) -> list[Path]:
        return sorted(self.path.glob("results.sqlite3*"))

    @property
    def data_files(self) -> list[Path]:
        """The database and its write-ahead log; not the shared-memory index every worker has mapped (a write
        refused through a mapping is a SIGBUS, not an error a program can take)."""
        return [path for path in self.files if not path.name.endswith("-shm")]

    def require_mount(self) -> None:
        if not self.mounted:
            pytest.skip("this case needs a file system made for the test, and mounting one needs root")


def _mount(image: Path, at: Path) -> bool:
    if os.geteuid() != 0 or not (shutil.which("mkfs.ext4") and shutil.which("chattr")):
        return False
    with image.open("wb") as out:
        out.truncate(IMAGE_BYTES)
    subprocess.run(["mkfs.ext4", "-q", "-m", "0", str(image)], check=True)
    at.mkdir()
    return subprocess.run(["mount", "-o", "loop", str(image), str(at)], check=False).returncode == 0


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CacheFolder]:
    tmp = tmp_path_factory.mktemp("cache-faults")
    mount_point = tmp / "mnt"
    mounted = _mount(tmp / "cache.img", mount_point)
    if not mounted:
        mount_point.mkdir(exist_ok=True)
    yield CacheFolder(mount_point, mounted)
    if mounted:
        for path in mount_point.iterdir():
            subprocess.run(["chattr", "-i", str(path)], check=False)
        subprocess.run(["umount", str(mount_point)], check=True)


@pytest.fixture(scope="module")
def server(home: Path, folder: CacheFolder, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("cache-faults-server")
    env = base_env(home, tmp, **UNTUNED_SCHEDULE, result_cache_path=str(folder.path / "results.sqlite3"))
    server = start_server(env, tmp / "server.log")
    yield server
    server.stop()


def _speak(server: Server, text: str) -> str:
    """The X-Cache of a request for ``text``, once its answer is checked to be the speech."""
    response = server.post("/v1/audio/speech", json={"model": "tts-1", "voice": "af_heart", "input": text})
    assert response.status_code == 200
    assert duration(response.content, "mp3") > 0.3
    return response.headers["x-cache"]


def _cached(server: Server, text: str) -> None:
    """``text`` is made once and then answered from the cache (its entry is stored after the response)."""
    _speak(server, text)
    wait_for(lambda: _speak(server, text) == "HIT", f"a cache hit for {text!r}")


def _count(server: Server, line: str) -> int:
    return sum(line in entry for entry in server.log.read_text().splitlines())


def _failures(server: Server, operation: str) -> float:
    return value(samples(server.get("/metrics").text), "kokoro_speech_cache_failures_total", operation=operation)


def _text(what: str) -> str:
    return f"Cache {what}, {uuid.uuid4().hex[:4]}."


def _broken_episode(server: Server, what: str, operation: str) -> None:
    """While the file is broken: requests answered and never from the cache, one warning, failures counted."""
    warnings, failures = _count(server, FAILING), _failures(server, operation)
    text = _text(what)
    answers = []
    for _ in range(3):
        writes = _failures(server, "write")
        answers.append(_speak(server, text))
        # Until its entry's write has failed, a finished speech rightly answers its repeat from memory.
        wait_for(lambda: _failures(server, "write") > writes, "the entry's write to fail")  # noqa: B023
    assert answers == ["MISS", "MISS", "MISS"]
    assert _count(server, FAILING) == warnings + 1
    assert _failures(server, operation) > failures


def _fixed(server: Server, what: str) -> None:
    back = _count(server, BACK)
    _cached(server, _text(what))
    assert _count(server, BACK) == back + 1


def test_a_deleted_file_is_made_again(server: Server, folder: CacheFolder) -> None:
    _cached(server, _text("there"))
    reopened, failures = _count(server, REOPENED), _failures(server, "reopen")
    for path in folder.files:
        path.unlink()
    # SQLite would go on writing to the unlinked file; the store opens the path again instead.
    _cached(server, _text("deleted"))
    assert (folder.path / "results.sqlite3").stat().st_size > 0
    assert _count(server, REOPENED) == reopened + 1
    assert _failures(server, "reopen") > failures


def test_a_file_filled_with_garbage_is_bypassed_until_it_is_replaced(server: Server, folder: CacheFolder) -> None:
    _cached(server, _text("sound"))
    for path in folder.files:
        with path.open("r+b") as out:
            out.write(os.urandom(path.stat().st_size))
    _broken_episode(server, "garbage", "read")
    for path in folder.files:
        path.unlink()
    _fixed(server, "replaced")


def test_a_read_only_file_is_bypassed_until_it_is_writable(server: Server, folder: CacheFolder) -> None:
    folder.require_mount()
    _cached(server, _text("writable"))
    for path in folder.data_files:
        subprocess.run(["chattr", "+i", str(path)], check=True)
    try:
        _broken_episode(server, "read-only", "write")
    finally:
        for path in folder.data_files:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    _fixed(server, "writable again")


def test_a_full_disk_is_bypassed_until_there_is_room(server: Server, folder: CacheFolder) -> None:
    folder.require_mount()
    _cached(server, _text("roomy"))
    # SQLite reuses the write-ahead log's blocks after a checkpoint, so a full disk only shows once the log must
    # grow: empty it first, as any process sharing the file may.
    with contextlib.closing(sqlite3.connect(folder.path / "results.sqlite3")) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    filler = folder.path / "filler"
    with filler.open("wb") as out, pytest.raises(OSError, match="No space left"):
        while True:
            out.write(b"\0" * 65536)
            out.flush()
            os.fsync(out.fileno())
    try:
        _broken_episode(server, "on a full disk", "write")
    finally:
        filler.unlink()
    _fixed(server, "given room")
