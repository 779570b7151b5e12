"""API keys: from a setting and a file, reread when the file changes or the server is told to.

A key is never kept, compared or logged as itself: the set holds the sha256 of each key, a
presented key is hashed and compared with every digest (``hmac.compare_digest``, and no early
exit, so the time taken says nothing about which key came close), and logs name a key by the
first 8 hex digits of its HMAC under the server's own secret: a plain hash of a weak key could be
matched offline by anyone who reads the log, an HMAC only by someone who also has the secret.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import structlog

from kokoro_speech.infra.private_files import FILE_MODE, private_dir

log = structlog.get_logger("kokoro_speech")

_OPTIONS = {"rpm": "requests_per_minute", "cpm": "chars_per_minute"}


class KeysFileError(ValueError):
    """A line of the keys file that cannot be read; the message names the line, never the key."""


@dataclass(frozen=True)
class ApiKey:
    """One accepted key, by its digest, with the limits the keys file gave it (None: the server's)."""

    id: str
    digest: bytes
    requests_per_minute: int | None = None
    chars_per_minute: int | None = None


ID_SECRET_FILE = "key-id.secret"
"""The secret keys' ids are made with when no setting gives one, in the cache folder the workers share."""
ID_SECRET_BYTES = 32
KEY_ID_HEX_DIGITS = 8


def _digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def key_id(secret: str, id_secret: bytes) -> str:
    """The name a key goes by in logs and metrics."""
    return hmac.new(id_secret, secret.encode(), hashlib.sha256).hexdigest()[:KEY_ID_HEX_DIGITS]


def id_secret(configured: str, path: Path) -> bytes:
    """The secret keys' ids are made with: the setting's, else the one kept in ``path``, made there at random
    the first time. Every worker and every restart reads the same one, so a key keeps its id; the file is
    published whole (written aside, then linked in, which fails if another worker was first), so no worker
    reads half of it."""
    if configured:
        return configured.encode()
    with contextlib.suppress(FileNotFoundError):
        return path.read_bytes()
    private_dir(path.parent)
    aside = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(aside, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(secrets.token_bytes(ID_SECRET_BYTES))
        with contextlib.suppress(FileExistsError):
            os.link(aside, path)
    finally:
        aside.unlink()
    return path.read_bytes()


def parse_line(line: str, where: str, id_secret: bytes) -> ApiKey | None:
    """``key [rpm=N] [cpm=N]``; None for a blank line or a comment (a word starting with ``#`` and the rest of
    the line: a key may itself hold a ``#``)."""
    words = line.split()
    comment = next((i for i, word in enumerate(words) if word.startswith("#")), len(words))
    words = words[:comment]
    if not words:
        return None
    secret, *options = words
    limits: dict[str, int] = {}
    for position, option in enumerate(options, start=2):
        name, _, value = option.partition("=")
        if name not in _OPTIONS or not value.isdigit():
            # The word is not echoed: written in the wrong order, it may be the key.
            raise KeysFileError(f"{where}: word {position} is not rpm=N or cpm=N")
        limits[_OPTIONS[name]] = int(value)
    return ApiKey(key_id(secret, id_secret), _digest(secret), **limits)


def read_keys_file(path: Path, id_secret: bytes) -> list[ApiKey]:
    keys = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        key = parse_line(line, f"{path.name} line {number}", id_secret)
        if key is not None:
            keys.append(key)
    return keys


class ApiKeys:
    """The keys a worker accepts now. Used from the event loop only: a refresh never awaits, so none can
    interleave with another."""

    def __init__(
        self, inline: list[str], file: Path | None, id_secret: bytes, reload_marker: Path | None = None
    ) -> None:
        self._id_secret = id_secret
        self._inline = [
            key for line in inline if (key := parse_line(line, "KOKORO_SPEECH_API_KEYS", id_secret)) is not None
        ]
        self._file = file
        self._marker = reload_marker
        self._seen: tuple[object, ...] | None = None
        self._from_file: list[ApiKey] = []
        self._refresh()

    def _signature(self) -> tuple[object, ...]:
        """What changes when the file is rewritten (or swapped, as mounted secrets are) or SIGHUP is sent."""
        marks: list[object] = []
        for path in (self._file, self._marker):
            try:
                stat = os.stat(path) if path is not None else None
            except FileNotFoundError:
                stat = None
            marks.append(None if stat is None else (stat.st_ino, stat.st_size, stat.st_mtime_ns))
        return tuple(marks)

    def _refresh(self) -> None:
        if self._file is None:
            return
        signature = self._signature()
        if signature == self._seen:
            return
        first = self._seen is None
        self._seen = signature
        try:
            keys = read_keys_file(self._file, self._id_secret)
        except (OSError, KeysFileError) as error:
            if first:
                raise
            # A half-written or broken file must not lock every caller out: the keys read last stay.
            log.error("keys file not reread; the keys read before stay", error=str(error))
            return
        self._from_file = keys
        if not first:
            log.info("keys file reread", keys=len(keys))

    def find(self, presented: str) -> ApiKey | None:
        """The key ``presented`` is, compared in constant time with every key."""
        self._refresh()
        digest = _digest(presented)
        found = None
        for key in (*self._inline, *self._from_file):
            if hmac.compare_digest(digest, key.digest):
                found = key
        return found

    def __len__(self) -> int:
        self._refresh()
        return len(self._inline) + len(self._from_file)
