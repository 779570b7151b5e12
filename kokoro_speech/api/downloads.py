"""Kokoro-FastAPI's download links: a streamed response also saved whole, to be fetched again at
``GET /v1/download/{name}``.

The file is written as the stream is sent, under a temporary name, and appears under its own name only once the
stream has ended whole: a link never serves half a file. Where the download format differs from the stream's,
the finished file is encoded again in that format. Files live in one folder the workers of a server share, so any
worker answers for any link; each is kept for a set time, and the oldest go first past a set count. Names are
random (128 bits), so a link is as private as the response that gave it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import BinaryIO

import msgspec

from kokoro_speech.audio.formats import FORMATS, AudioFormat, EncoderSettings
from kokoro_speech.audio.transcode import transcode
from kokoro_speech.engine.timing import SpokenWord
from kokoro_speech.speech.response import SpeechResponse

DOWNLOAD_ROUTE = "/download"
_NAME = re.compile(r"speech_[0-9a-f]{32}\.[a-z0-9]{1,5}(?:\.json)?")
_PARTIAL = ".part"


class TimedChunk(msgspec.Struct, omit_defaults=True):
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
        sample_rate: int,
        name: str,
        timing: bool,
    ) -> AsyncIterator[bytes]:
        """The response's audio, sent on as it comes and saved as ``name`` once whole (with its words' times
        beside it where ``timing`` asks)."""
        await asyncio.to_thread(self._prune)
        partial = self.folder / (name + _PARTIAL)
        words: list[SpokenWord] = []
        whole = False
        try:
            with await asyncio.to_thread(_open_private, partial) as file:
                async for piece in speech.pieces_in_time():
                    words += piece.words
                    if piece.data:
                        await asyncio.to_thread(file.write, piece.data)
                        yield piece.data
            whole = not (speech.outcome.timed_out or speech.outcome.cut_short)
        finally:
            if whole:
                await asyncio.to_thread(
                    self._finish, partial, name, sent, saved, sample_rate, words if timing else None
                )
            else:
                partial.unlink(missing_ok=True)

    def new_name(self, response_format: AudioFormat) -> str:
        return f"speech_{secrets.token_hex(16)}.{FORMATS[response_format].extension}"

    def _finish(
        self,
        partial: Path,
        name: str,
        sent: AudioFormat,
        saved: AudioFormat,
        sample_rate: int,
        words: list[SpokenWord] | None,
    ) -> None:
        if saved != sent:
            data = transcode(partial.read_bytes(), sent, saved, sample_rate, self.audio)
            partial.write_bytes(data)
        if words is not None:
            timing = Timing([TimedChunk(w.word, w.start, w.end) for w in words if w.word])
            timed = self.folder / (name + ".json")
            with _open_private(timed) as file:
                file.write(msgspec.json.encode(timing))
        partial.replace(self.folder / name)

    def _prune(self) -> None:
        """Drop files past their time, then the oldest past the count (a file's timing goes with it)."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        now = time.time()
        found: list[tuple[float, Path]] = []
        for path in self.folder.iterdir():
            with contextlib.suppress(FileNotFoundError):
                found.append((path.stat().st_mtime, path))
        audio = sorted((f for f in found if not f[1].name.endswith(".json")), reverse=True)
        for index, (modified, path) in enumerate(audio):
            if now - modified > self.keep_seconds or index >= self.max_files:
                path.unlink(missing_ok=True)
                (path.parent / (path.name + ".json")).unlink(missing_ok=True)


def _open_private(path: Path) -> BinaryIO:
    """A new file only this user may read (the folder holds what callers said)."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb")
