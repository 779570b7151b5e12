"""Files only the server's own user may read: the result cache, the rate-limit counts and the key-id secret.

They hold what users said (cached speech is keyed by its text, and its audio says it) and who called when,
so they are made ``0600`` in a ``0700`` folder whatever the process's umask. SQLite makes a database's
``-wal``, ``-shm`` and ``-journal`` files with the database file's own permissions, so a database file made
private before SQLite first opens it keeps its companions private too; files an earlier version left
readable are tightened when they are opened.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
_OTHERS = 0o077
"""The group's and everyone else's permission bits."""
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def _tighten(path: Path, mode: int) -> None:
    """``path`` made ``mode`` if it is this user's and anyone else may use it; a file the user cannot change
    (immutable, on a read-only mount) is left as it is: whoever made it so decided."""
    with contextlib.suppress(OSError):
        stat = path.stat()
        if stat.st_uid == os.getuid() and stat.st_mode & _OTHERS:
            os.chmod(path, mode)


def private_dir(path: Path) -> None:
    """``path`` and any missing parents made, ``path`` itself ``0700`` (the user's home folder excepted)."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if path.resolve() != Path.home().resolve():
        _tighten(path, DIR_MODE)


def private_file(path: Path) -> None:
    """``path`` made ``0600`` (created empty if missing) in a private folder."""
    private_dir(path.parent)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE))
    _tighten(path, FILE_MODE)


def private_sqlite(path: Path) -> None:
    """A SQLite database file made private before it is opened, with its companion files."""
    private_file(path)
    for suffix in SQLITE_COMPANIONS:
        _tighten(path.with_name(path.name + suffix), FILE_MODE)
