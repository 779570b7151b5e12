"""A whole book in one file, with chapter marks, written from the long-form job's 16-bit mono PCM pieces.

The samples go through the encoder a slice at a time, so a book of many hours takes no more memory than a few
seconds of it. What each format carries, as FFmpeg writes it and ffprobe reads it back:

- m4b: AAC in an MP4 ("ipod") file of brand ``M4B``, the moov atom at the front; chapters both as a QuickTime
  chapter track (what Apple's players read) and a Nero ``chpl`` atom (what many others read), in milliseconds.
- mp3: an ID3v2.3 tag with the title and CHAP/CTOC chapter frames, then a Xing/LAME frame for exact length.
- opus: Ogg Opus at 48 kHz; chapters as the Ogg muxer writes them, ``CHAPTERnnn``/``CHAPTERnnnNAME``
  Vorbis comments (millisecond times), which FFmpeg-based players read, not every other one.
- flac: FFmpeg's flac muxer writes no chapters of its own (no CUESHEET block); the same ``CHAPTERnnn`` Vorbis
  comments as Ogg's are written among its tags, which FFmpeg reads back as chapters.
- wav: the title only (a LIST INFO tag); WAV has no chapters.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

import av
import numpy as np
from av.audio.stream import AudioStream
from numpy.typing import NDArray

from kokoro_speech.audio.formats import FORMATS, AudioFormat, EncoderSettings, output_rate

if TYPE_CHECKING:
    from av.container.core import Chapter

BookFormat = Literal["m4b", "mp3", "opus", "flac", "wav"]
BOOK_FORMATS: tuple[BookFormat, ...] = get_args(BookFormat)

# The response format whose codec, rates and bitrate setting each book format shares.
_CODEC_FORMAT: dict[BookFormat, AudioFormat] = {
    "m4b": "aac",
    "mp3": "mp3",
    "opus": "opus",
    "flac": "flac",
    "wav": "wav",
}
_CONTAINER: dict[BookFormat, str] = {"m4b": "ipod", "mp3": "mp3", "opus": "ogg", "flac": "flac", "wav": "wav"}
_OPTIONS: dict[BookFormat, dict[str, str]] = {
    # ipod is the MP4 flavour audiobook tools write; the M4B brand says "audiobook" to Apple's players, and the moov
    # atom in front lets a player (or an HTTP range reader) start without fetching the end of an hours-long file.
    "m4b": {"movflags": "+faststart", "brand": "M4B "},
    # ID3v2.3 rather than FFmpeg's 2.4: the version every player and car stereo reads; CHAP/CTOC exist in both.
    "mp3": {"id3v2_version": "3"},
}
_OPUS_RATE = 48000
"""Opus codes at 48 kHz whatever it is given, and every decoder hands 48 kHz out; resampled here once."""
_SLICE = 16384
"""The most samples given to the encoder at once: a piece's block may be a memory map of minutes of audio, and
only a slice of it is ever read into memory."""


@dataclass(frozen=True)
class ChapterMark:
    """One chapter of the book, in samples at the source rate."""

    title: str
    start: int
    """First sample of the chapter in the book."""
    end: int
    """One past its last sample."""


def book_media_type(fmt: BookFormat) -> str:
    """The Content-Type of a book file (audio/mp4 for m4b: audio/x-m4b is no registered type)."""
    return "audio/mp4" if fmt == "m4b" else FORMATS[_CODEC_FORMAT[fmt]].media_type


def book_suffix(fmt: BookFormat) -> str:
    """The file name suffix of a book file, dot included."""
    return ".m4b" if fmt == "m4b" else "." + FORMATS[_CODEC_FORMAT[fmt]].extension


def write_book(
    blocks: Iterable[NDArray[np.int16]],
    sample_rate: int,
    fmt: BookFormat,
    marks: Sequence[ChapterMark],
    out: Path,
    title: str | None = None,
    *,
    settings: EncoderSettings | None = None,
) -> float:
    """Encode the book's samples (``blocks``, in order, any sizes) into ``out`` with ``marks`` as its chapters.

    The file is written beside ``out`` under a temporary name and renamed onto it when complete, so ``out`` is
    never half a file. ``settings`` gives the lossy formats' bitrates (the defaults when None). Returns the
    duration of the audio in seconds. Raises ValueError for a book with no samples, for marks out of order or
    past its end.
    """
    if fmt not in BOOK_FORMATS:
        raise ValueError(f"book format must be one of {', '.join(BOOK_FORMATS)}, got {fmt!r}")
    _check_marks(marks)
    samples = _slices(blocks)
    first = next(samples, None)
    if first is None:
        raise ValueError("the book has no samples")
    settings = settings or EncoderSettings()
    # mkstemp's file is the server user's alone, and stays so once renamed: a book is a user's own text read out.
    fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    os.close(fd)
    temporary = Path(name)
    try:
        total = _encode(itertools.chain([first], samples), sample_rate, fmt, marks, temporary, title, settings)
        if marks and marks[-1].end > total:
            raise ValueError(f"chapter {marks[-1].title!r} ends at sample {marks[-1].end}, past the book's {total}")
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)
    return total / sample_rate


def _check_marks(marks: Sequence[ChapterMark]) -> None:
    previous_end = 0
    for mark in marks:
        if not previous_end <= mark.start < mark.end:
            raise ValueError(f"chapter {mark.title!r} ({mark.start}..{mark.end}) is empty, or before the previous end")
        previous_end = mark.end


def _slices(blocks: Iterable[NDArray[np.int16]]) -> Iterator[NDArray[np.int16]]:
    for block in blocks:
        flat = block.reshape(-1)
        for start in range(0, flat.size, _SLICE):
            yield flat[start : start + _SLICE]


def _encode(
    samples: Iterator[NDArray[np.int16]],
    sample_rate: int,
    fmt: BookFormat,
    marks: Sequence[ChapterMark],
    path: Path,
    title: str | None,
    settings: EncoderSettings,
) -> int:
    """Write the file at ``path``; the number of source samples in it."""
    codec_format = _CODEC_FORMAT[fmt]
    info = FORMATS[codec_format]
    assert info.codec is not None
    rate = output_rate(codec_format, _OPUS_RATE if fmt == "opus" else sample_rate, sample_rate)
    bitrates = {"m4b": settings.aac_bitrate, "mp3": settings.mp3_bitrate, "opus": settings.opus_bitrate}
    # bitexact keeps the encoder's version out of the tags: the same book makes the same bytes.
    options = {"fflags": "+bitexact", **_OPTIONS.get(fmt, {})}
    container = av.open(str(path), mode="w", format=_CONTAINER[fmt], options=options)
    try:
        stream = container.add_stream(info.codec, rate=rate, layout="mono")
        assert isinstance(stream, AudioStream)
        if fmt in bitrates:
            stream.bit_rate = bitrates[fmt]
        if title is not None:
            container.metadata["title"] = title
        if fmt in ("flac", "opus"):
            # Ogg's muxer writes set chapters only beside other tags (a book without a title lost them): both take
            # the chapters as Vorbis comments, which is what it would have written.
            container.metadata.update(_vorbis_chapters(marks, sample_rate))
        elif fmt != "wav" and marks:
            container.set_chapters(_chapters(marks, sample_rate))
        # One resampler for the whole book, so its filter history runs across slice edges without a click;
        # where rate and sample format already match it hands the frames through untouched.
        resampler = av.AudioResampler(format=stream.codec_context.format, layout="mono", rate=rate)
        total = 0
        for pcm in samples:
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(pcm, dtype=np.int16).reshape(1, -1), format="s16", layout="mono"
            )
            frame.sample_rate = sample_rate
            frame.pts = total
            total += pcm.size
            for resampled in resampler.resample(frame):
                container.mux(stream.encode(resampled))
        for resampled in resampler.resample(None):
            container.mux(stream.encode(resampled))
        container.mux(stream.encode(None))
        container.close()
    except BaseException:
        with contextlib.suppress(av.FFmpegError, ValueError):
            container.close()
        raise
    return total


def _chapters(marks: Sequence[ChapterMark], sample_rate: int) -> list[Chapter]:
    # In the source's own samples: each muxer rounds to what its format stores (milliseconds, for all of these).
    time_base = Fraction(1, sample_rate)
    return [
        {"id": number, "start": mark.start, "end": mark.end, "time_base": time_base, "metadata": {"title": mark.title}}
        for number, mark in enumerate(marks, start=1)
    ]


def _vorbis_chapters(marks: Sequence[ChapterMark], sample_rate: int) -> dict[str, str]:
    """The chapters as Vorbis comments (the Ogg muxer's own form): ``CHAPTER001=HH:MM:SS.mmm``, ``CHAPTER001NAME``."""
    tags: dict[str, str] = {}
    for number, mark in enumerate(marks, start=1):
        ms = (mark.start * 1000 + sample_rate // 2) // sample_rate
        seconds, millis = divmod(ms, 1000)
        minutes, seconds = divmod(seconds, 60)
        hours, minutes = divmod(minutes, 60)
        tags[f"CHAPTER{number:03d}"] = f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"
        tags[f"CHAPTER{number:03d}NAME"] = mark.title
    return tags
