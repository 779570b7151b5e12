"""API keys: from a setting and a file, reread when the file changes or the server is told to.

A key is never kept, compared or logged as itself: the set holds the sha256 of each key, a
presented key is hashed and compared with every digest (``hmac.compare_digest``, and no early
exit, so the time taken says nothing about which key came close), and logs name a key by the
first 8 hex digits of its digest.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from pathlib import Path

import structlog

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


def _digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def key_id(secret: str) -> str:
    """The name a key goes by in logs and metrics."""
    return _digest(secret).hex()[:8]


def parse_line(line: str, where: str) -> ApiKey | None:
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
    return ApiKey(key_id(secret), _digest(secret), **limits)


def read_keys_file(path: Path) -> list[ApiKey]:
    keys = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        key = parse_line(line, f"{path.name} line {number}")
        if key is not None:
            keys.append(key)
    return keys


class ApiKeys:
    """The keys a worker accepts now. Used from the event loop only: a refresh never awaits, so none can
    interleave with another."""

    def __init__(self, inline: list[str], file: Path | None, reload_marker: Path | None = None) -> None:
        self._inline = [key for line in inline if (key := parse_line(line, "KOKORO_SPEECH_API_KEYS")) is not None]
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
            keys = read_keys_file(self._file)
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
