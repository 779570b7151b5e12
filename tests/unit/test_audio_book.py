"""Book files: three chapters of different tones, written from piece files, read back with PyAV and ffprobe."""

from __future__ import annotations

import json
import shutil
import subprocess
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest
from numpy.typing import NDArray

from kokoro_speech.audio.book import (
    BOOK_FORMATS,
    BookFormat,
    ChapterMark,
    book_media_type,
    book_suffix,
    write_book,
)

RATE = 24000
TONES = (440.0, 660.0, 990.0)
# The second mark falls between two milliseconds (4.0000417 s), so its time must come from the samples.
MARKS = (
    ChapterMark("One", 0, 2 * RATE),
    ChapterMark("Chapitre 2 — l'été", 2 * RATE, 4 * RATE + 1),
    ChapterMark("第三章", 4 * RATE + 1, 6 * RATE),
)
SECONDS = 6.0
TITLE = "Le livre — été"
PIECE = 10007
"""Samples in a piece file: pieces need not fall on chapter edges."""
CHAPTERED: tuple[BookFormat, ...] = ("m4b", "mp3", "opus", "flac")


def tones() -> NDArray[np.int16]:
    parts = [
        0.3 * np.sin(2 * np.pi * hz * np.arange(mark.start, mark.end) / RATE)
        for mark, hz in zip(MARKS, TONES, strict=True)
    ]
    return (np.concatenate(parts) * 32767).astype(np.int16)


def piece_files(folder: Path) -> list[Path]:
    folder.mkdir()
    samples = tones()
    paths = []
    for number, start in enumerate(range(0, samples.size, PIECE)):
        path = folder / f"piece-{number:04d}.pcm"
        samples[start : start + PIECE].astype("<i2").tofile(path)
        paths.append(path)
    return paths


def read_pieces(paths: list[Path]) -> Iterator[NDArray[np.int16]]:
    for path in paths:
        yield np.memmap(path, dtype=np.int16, mode="r")


@pytest.fixture(scope="module")
def pieces(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return piece_files(tmp_path_factory.mktemp("book") / "pieces")


@pytest.fixture(scope="module", params=BOOK_FORMATS)
def book(request: pytest.FixtureRequest, pieces: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    fmt: BookFormat = request.param
    out = tmp_path_factory.mktemp(fmt) / f"book{book_suffix(fmt)}"
    assert write_book(read_pieces(pieces), RATE, fmt, MARKS, out, title=TITLE) == SECONDS
    return out


def fmt_of(path: Path) -> BookFormat:
    return next(fmt for fmt in BOOK_FORMATS if book_suffix(fmt) == path.suffix)


def decode(path: Path) -> tuple[NDArray[np.float32], int]:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=stream.rate)
        frames = [out for frame in container.decode(stream) for out in resampler.resample(frame)]
        return np.concatenate([frame.to_ndarray().reshape(-1) for frame in frames]), stream.rate


def share(samples: NDArray[np.float32], rate: int, tone: float, other: float) -> float:
    """How much of the two tones' strength in ``samples`` is ``tone``'s."""
    times = np.arange(samples.size) / rate
    windowed = samples * np.hanning(samples.size)
    strength = [abs(np.sum(windowed * np.exp(-2j * np.pi * hz * times))) for hz in (tone, other)]
    return float(strength[0] / sum(strength))


def ffprobe_chapters(path: Path) -> list[dict[str, object]]:
    command = ["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(path)]
    chapters: list[dict[str, object]] = json.loads(subprocess.run(command, capture_output=True, check=True).stdout)[
        "chapters"
    ]
    return chapters


def test_names() -> None:
    assert BOOK_FORMATS == ("m4b", "mp3", "opus", "flac", "wav")
    assert [book_suffix(fmt) for fmt in BOOK_FORMATS] == [".m4b", ".mp3", ".opus", ".flac", ".wav"]
    types = ["audio/mp4", "audio/mpeg", "audio/ogg", "audio/flac", "audio/wav"]
    assert [book_media_type(fmt) for fmt in BOOK_FORMATS] == types


def test_duration_title_and_rate(book: Path) -> None:
    samples, rate = decode(book)
    # AAC and Opus carry priming/padding; their containers say how much to drop, and PyAV drops it.
    assert abs(samples.size / rate - SECONDS) < 0.1
    assert rate == (48000 if fmt_of(book) == "opus" else RATE)
    with av.open(str(book)) as container:
        # Ogg keeps the title in the stream's comment header, the others in the file's tags.
        tags = container.metadata | container.streams.audio[0].metadata
        assert tags.get("title") == TITLE


def test_only_the_book_is_left(book: Path) -> None:
    assert [path.name for path in book.parent.iterdir()] == [book.name]


def test_chapters(book: Path) -> None:
    with av.open(str(book)) as container:
        chapters = container.chapters()
    if fmt_of(book) == "wav":
        assert chapters == []
        return
    assert [chapter["metadata"].get("title") for chapter in chapters] == [mark.title for mark in MARKS]
    for chapter, mark in zip(chapters, MARKS, strict=True):
        assert chapter["time_base"] is not None
        assert abs(float(chapter["start"] * chapter["time_base"]) - mark.start / RATE) <= 0.001


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe is not installed")
def test_ffprobe_sees_the_chapters(book: Path) -> None:
    chapters = ffprobe_chapters(book)
    if fmt_of(book) not in CHAPTERED:
        assert chapters == []
        return
    assert [chapter["tags"] for chapter in chapters] == [{"title": mark.title} for mark in MARKS]
    for chapter, mark in zip(chapters, MARKS, strict=True):
        assert abs(float(str(chapter["start_time"])) - mark.start / RATE) <= 0.001
    assert abs(float(str(chapters[0]["end_time"])) - MARKS[0].end / RATE) <= 0.001


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe is not installed")
@pytest.mark.parametrize("fmt", CHAPTERED)
def test_a_book_without_a_title_keeps_its_chapters(tmp_path: Path, pieces: list[Path], fmt: BookFormat) -> None:
    # Ogg's muxer once dropped the chapters of a book that had no title tag.
    out = tmp_path / f"book{book_suffix(fmt)}"
    write_book(read_pieces(pieces), RATE, fmt, MARKS, out)
    assert [chapter["tags"] for chapter in ffprobe_chapters(out)] == [{"title": mark.title} for mark in MARKS]


def test_marks_are_where_the_tone_changes(book: Path) -> None:
    samples, rate = decode(book)
    # 10 ms either side, from 5 ms off the mark: a codec delay left uncorrected (AAC's 1024 samples of priming,
    # Opus's pre-skip) would put the old tone after the mark.
    near, far = round(0.005 * rate), round(0.015 * rate)
    for mark, before, after in zip(MARKS[1:], TONES[:-1], TONES[1:], strict=True):
        at = round(mark.start / RATE * rate)
        assert share(samples[at - far : at - near], rate, before, after) > 0.8
        assert share(samples[at + near : at + far], rate, after, before) > 0.8


def test_wav_holds_the_samples_exactly(tmp_path: Path) -> None:
    samples = tones()
    out = tmp_path / "book.wav"
    # One block of the whole book: it goes to the encoder in slices all the same.
    write_book([samples], RATE, "wav", MARKS, out)
    with av.open(str(out)) as container:
        decoded = np.concatenate([frame.to_ndarray().reshape(-1) for frame in container.decode(audio=0)])
    np.testing.assert_array_equal(decoded, samples)


def test_m4b_starts_with_its_index(tmp_path: Path, pieces: list[Path]) -> None:
    out = tmp_path / "book.m4b"
    write_book(read_pieces(pieces), RATE, "m4b", MARKS, out)
    data = out.read_bytes()
    boxes = []
    offset = 0
    while offset < len(data):
        boxes.append(data[offset + 4 : offset + 8])
        offset += int.from_bytes(data[offset : offset + 4], "big")
    assert boxes.index(b"moov") < boxes.index(b"mdat")
    assert data[8:12] == b"M4B "


@pytest.mark.parametrize("fmt", ["m4b", "mp3"])
def test_no_marks_and_one_mark(tmp_path: Path, pieces: list[Path], fmt: BookFormat) -> None:
    none, one = tmp_path / f"none{book_suffix(fmt)}", tmp_path / f"one{book_suffix(fmt)}"
    write_book(read_pieces(pieces), RATE, fmt, [], none)
    write_book(read_pieces(pieces), RATE, fmt, [ChapterMark("Tout", 0, 6 * RATE)], one)
    with av.open(str(none)) as container:
        assert container.chapters() == []
    with av.open(str(one)) as container:
        assert [chapter["metadata"].get("title") for chapter in container.chapters()] == ["Tout"]


def test_an_existing_book_is_replaced_whole(tmp_path: Path, pieces: list[Path]) -> None:
    out = tmp_path / "book.mp3"
    out.write_bytes(b"an older book, longer than the new one " * 100_000)
    write_book(read_pieces(pieces), RATE, "mp3", MARKS, out)
    samples, rate = decode(out)
    assert abs(samples.size / rate - SECONDS) < 0.1
    assert [path.name for path in tmp_path.iterdir()] == ["book.mp3"]


@pytest.mark.parametrize("blocks", [[], [np.zeros(0, dtype=np.int16)]])
def test_an_empty_book_is_refused(tmp_path: Path, blocks: list[NDArray[np.int16]]) -> None:
    with pytest.raises(ValueError, match="no samples"):
        write_book(blocks, RATE, "m4b", [], tmp_path / "book.m4b")
    assert list(tmp_path.iterdir()) == []


def test_marks_out_of_order_or_past_the_end_are_refused(tmp_path: Path, pieces: list[Path]) -> None:
    out = tmp_path / "book.flac"
    out.write_bytes(b"old")
    overlapping = [ChapterMark("a", 0, 100), ChapterMark("b", 50, 200)]
    with pytest.raises(ValueError, match="before the previous end"):
        write_book(read_pieces(pieces), RATE, "flac", overlapping, out)
    with pytest.raises(ValueError, match="past the book"):
        write_book(read_pieces(pieces), RATE, "flac", [ChapterMark("a", 0, 7 * RATE)], out)
    assert out.read_bytes() == b"old"
    assert [path.name for path in tmp_path.iterdir()] == ["book.flac"]


def test_a_failure_midway_leaves_the_old_book(tmp_path: Path) -> None:
    out = tmp_path / "book.opus"
    out.write_bytes(b"old")

    def failing() -> Iterator[NDArray[np.int16]]:
        yield np.zeros(RATE, dtype=np.int16)
        raise OSError("piece file missing")

    with pytest.raises(OSError, match="piece file missing"):
        write_book(failing(), RATE, "opus", [], out)
    assert out.read_bytes() == b"old"
    assert [path.name for path in tmp_path.iterdir()] == ["book.opus"]


def test_memory_stays_flat_over_a_long_book(tmp_path: Path) -> None:
    seconds = 600
    second = np.arange(RATE) / RATE

    def blocks() -> Iterator[NDArray[np.int16]]:
        for n in range(seconds):
            yield (0.3 * np.sin(2 * np.pi * (200 + n) * second) * 32767).astype(np.int16)

    tracemalloc.start()
    try:
        duration = write_book(blocks(), RATE, "flac", [ChapterMark("Tout", 0, seconds * RATE)], tmp_path / "long.flac")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert duration == seconds
    # The book's samples alone would be 28.8 MB as int16; a few blocks' worth is all that may be held.
    assert peak < 10_000_000
