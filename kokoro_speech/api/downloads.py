"""Kokoro-FastAPI's download links: a streamed response also saved whole, to be fetched again at
``GET /v1/download/{name}``.

The file is written as the stream is sent, under a temporary name, and appears under its own name only once the
stream has ended whole: a link never serves half a file. Where the download format differs from the stream's,
the finished file is encoded again in that format. Files live in one folder the workers of a server share, so any
worker answers for any link; each is kept for a set time, and the oldest go first past a set count. Names are
random (128 bits), so a link is as private as the response that gave it. Saving never fails the stream: where the
folder cannot be written, the link is not answered (404) and the log says why.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import BinaryIO, TypeVar

import av
import msgspec
import structlog

from kokoro_speech.audio.formats import FORMATS, AudioFormat, EncoderSettings
from kokoro_speech.audio.transcode import transcode
from kokoro_speech.engine.timing import SpokenWord
from kokoro_speech.speech.response import SpeechResponse

DOWNLOAD_ROUTE = "/download"
DOWNLOAD_PATH_HEADER = "X-Download-Path"
TIMING_PATH_HEADER = "X-Timing-Path"
NAME_BYTES = 16
"""Randomness in a file's name: 128 bits, unguessable, so the link is the only key to it."""
_NAME = re.compile(rf"speech_[0-9a-f]{{{2 * NAME_BYTES}}}\.[a-z0-9]+(?:\.json)?")
_PARTIAL = ".part"
_TIMING = ".json"

T = TypeVar("T")
log = structlog.get_logger("kokoro_speech")


class TimedChunk(msgspec.Struct):
    """One entry of Kokoro-FastAPI's timing file: what is said from ``start`` to ``end``, in seconds."""

    text: str
    start: float
    end: float


class Timing(msgspec.Struct):
    chunks: list[TimedChunk]


class Downloads:
    """The folder of saved responses: where each is written, found and pruned."""

    def __init__(self, folder: Path, keep_seconds: float, max_files: int, audio: EncoderSettings) -> None:
        self.folder = folder
        self.keep_seconds = keep_seconds
        self.max_files = max_files
        self.audio = audio

    def new_name(self, response_format: AudioFormat) -> str:
        return f"speech_{secrets.token_hex(NAME_BYTES)}.{FORMATS[response_format].extension}"

    def find(self, name: str) -> Path | None:
        """The finished file of that name, if it is still kept."""
        if not _NAME.fullmatch(name):
            return None
        path = self.folder / name
        return path if path.is_file() else None

    async def saving(
        self,
        speech: SpeechResponse,
        sent: AudioFormat,
        saved: AudioFormat,
        sent_rate: int,
        asked_rate: int | None,
        name: str,
        timing: bool,
    ) -> AsyncIterator[bytes]:
        """The response's audio (in ``sent`` at ``sent_rate``), passed on as it comes and saved as ``name`` in
        ``saved`` (at ``asked_rate``, else that format's own) once whole, with its words' times beside it where
        ``timing`` asks."""
        partial = self.folder / (name + _PARTIAL)
        file = await _try(self._start, partial)
        words: list[SpokenWord] = []
        whole = False
        try:
            async for piece in speech.pieces_in_time():
                words += piece.words
                if piece.data:
                    if file is not None and await _try(file.write, piece.data) is None:
                        await _try(file.close)
                        file = None
                    yield piece.data
            whole = not (speech.outcome.timed_out or speech.outcome.cut_short)
        finally:
            if file is not None:
                await _try(file.close)
                made = whole and await _try(
                    self._finish, partial, name, sent, saved, sent_rate, asked_rate, words if timing else None
                )
                if not made:
                    partial.unlink(missing_ok=True)

    def _start(self, partial: Path) -> BinaryIO:
        self._prune()
        return _open_private(partial)

    def _finish(
        self,
        partial: Path,
        name: str,
        sent: AudioFormat,
        saved: AudioFormat,
        sent_rate: int,
        asked_rate: int | None,
        words: list[SpokenWord] | None,
    ) -> bool:
        if saved != sent:
            partial.write_bytes(transcode(partial.read_bytes(), sent, saved, sent_rate, asked_rate, self.audio))
        if words is not None:
            timing = Timing([TimedChunk(w.word, w.start, w.end) for w in words if w.word])
            with _open_private(self.folder / (name + _TIMING)) as file:
                file.write(msgspec.json.encode(timing))
        partial.replace(self.folder / name)
        return True

    def _prune(self) -> None:
        """Drop files past their time, then the oldest finished ones past the count (a file's timing goes with
        it); one still being written goes only once past its time (its stream died with its worker)."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        now = time.time()
        found: list[tuple[float, Path]] = []
        for path in self.folder.iterdir():
            with contextlib.suppress(FileNotFoundError):
                found.append((path.stat().st_mtime, path))
        finished = sorted(
            (f for f in found if _NAME.fullmatch(f[1].name) and not f[1].name.endswith(_TIMING)), reverse=True
        )
        for index, (modified, path) in enumerate(finished):
            if now - modified > self.keep_seconds or index >= self.max_files:
                path.unlink(missing_ok=True)
                (path.parent / (path.name + _TIMING)).unlink(missing_ok=True)
        for modified, path in found:
            if path.name.endswith(_PARTIAL) and now - modified > self.keep_seconds:
                path.unlink(missing_ok=True)


async def _try(work: Callable[..., T], *args: object) -> T | None:
    """``work`` on a thread; None, logged, where the file system (or the encoder) refuses it."""
    try:
        return await asyncio.to_thread(work, *args)
    except (OSError, av.FFmpegError) as error:
        log.warning("a response could not be saved for its download link", error=repr(error))
        return None


def _open_private(path: Path) -> BinaryIO:
    """A new file only this user may read (the folder holds what callers said)."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb")
