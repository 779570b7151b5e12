"""Word timings, all of their arithmetic: from the model's per-token durations to the seconds
of a whole response.

Each chunk's phoneme string is walked against the reading's phoneme words to learn which
characters (tokens) say which input word; the model reports how many frames each token
lasts, so a word starts where the frames of the tokens before it end (``word_times``). A
:class:`WordTimeline` then places each chunk's words in the response: stretched by the
tempo the chunk was played at, moved to where the chunk starts, joined with a word the
chunk before left unfinished, and named by the input word they say.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import msgspec
import numpy as np
from numpy.typing import NDArray

from kokoro_speech.engine.phonemes import PUNCTUATION
from kokoro_speech.engine.reading import PhonemeWord

SAMPLES_PER_FRAME = 600
"""The model renders 600 samples (25 ms at 24 kHz) per duration frame."""


@dataclass(frozen=True)
class WordSpan:
    owner: int
    """Index of the input word."""
    start: int
    end: int
    """Characters [start, end) of the chunk's phoneme string, punctuation excluded."""


@dataclass(frozen=True)
class WordTime:
    owner: int
    start: float
    end: float
    """Seconds from the start of the audio they belong to (a chunk's, or the response's)."""


class SpokenWord(msgspec.Struct, frozen=True):
    """A word as written in the input and when it is heard."""

    word: str
    start: float
    end: float
    """Seconds from the start of the response's audio."""


TIME_DIGITS = 3


def spoken_words(times: list[WordTime], words: list[str]) -> list[SpokenWord]:
    """Timings named by their words, rounded to the millisecond."""
    return [SpokenWord(words[t.owner], round(t.start, TIME_DIGITS), round(t.end, TIME_DIGITS)) for t in times]


def join_cut_words(held: WordTime | None, times: list[WordTime]) -> tuple[list[WordTime], WordTime | None]:
    """The words a chunk completes, given the word held back from the chunk before, and its own last
    word, held back in turn: the next chunk may go on with it (a written word spoken as many,
    "$1,234,567.89", may straddle a chunk boundary). Each written word comes out once."""
    done: list[WordTime] = []
    for timing in times:
        if held is not None and timing.owner == held.owner:
            held = WordTime(held.owner, held.start, timing.end)
            continue
        if held is not None:
            done.append(held)
        held = timing
    return done, held


def chunk_spans(chunk_phonemes: list[str], words: list[PhonemeWord]) -> list[list[WordSpan]]:
    """For each chunk (in order), the spans of the words it says.

    The planner joins words with single spaces and cuts only between words, or inside a word
    that alone exceeds a chunk; either way the words appear in order. A mismatch (which would
    be a planner change this code does not know) ends the walk: later chunks get no spans.
    """
    queue = deque((w.phonemes, w.owner) for w in words)
    result: list[list[WordSpan]] = []
    lost = False
    for phonemes in chunk_phonemes:
        spans: dict[int, tuple[int, int]] = {}
        position = 0
        for piece in phonemes.split(" "):
            offset, remaining = position, piece
            while remaining and queue and not lost:
                said, owner = queue[0]
                if remaining.startswith(said):
                    taken = len(said)
                    queue.popleft()
                elif said.startswith(remaining):
                    taken = len(remaining)
                    queue[0] = (said[taken:], owner)
                else:
                    lost = True
                    break
                _add(spans, owner, phonemes, offset, offset + taken)
                offset += taken
                remaining = remaining[taken:]
            position += len(piece) + 1
        result.append([WordSpan(owner, start, end) for owner, (start, end) in spans.items()])
    return result


def _add(spans: dict[int, tuple[int, int]], owner: int, phonemes: str, start: int, end: int) -> None:
    while start < end and phonemes[start] in PUNCTUATION:
        start += 1
    while end > start and phonemes[end - 1] in PUNCTUATION:
        end -= 1
    if start == end:
        return
    if owner in spans:
        first, _ = spans[owner]
        spans[owner] = (first, end)
    else:
        spans[owner] = (start, end)


def word_times(
    spans: list[WordSpan], durations: NDArray[np.int64], trimmed: int, length: int, sample_rate: int
) -> list[WordTime]:
    """Seconds of each span within a chunk's audio.

    ``durations`` holds frames per token with the model's pad token first; ``trimmed`` is
    how many samples were cut from the chunk's start, ``length`` how many remain.
    """
    frame_ends = np.concatenate([[0], np.cumsum(durations)]) * SAMPLES_PER_FRAME - trimmed
    times: list[WordTime] = []
    for span in spans:
        start = int(np.clip(frame_ends[span.start + 1], 0, length))
        end = int(np.clip(frame_ends[span.end + 1], 0, length))
        times.append(WordTime(span.owner, start / sample_rate, end / sample_rate))
    return times


class WordTimeline:
    """The words of one response, placed as its chunks come."""

    def __init__(self, names: list[str], sample_rate: int, start_samples: int = 0) -> None:
        """``start_samples``: audio already sent before this response's (a live stream's earlier pieces)."""
        self._names = names
        self._rate = sample_rate
        self._samples = start_samples
        self._held: WordTime | None = None

    def add(self, words: list[WordTime], tempo: float, samples: int) -> list[SpokenWord]:
        """The words a chunk completes.

        ``words`` are timed in the model's audio from the chunk's start, before the chunk was played
        ``tempo`` times as fast; ``samples`` is the chunk's length as sent, pause included.
        """
        offset = self._samples / self._rate
        self._samples += samples
        placed = [WordTime(w.owner, w.start / tempo + offset, w.end / tempo + offset) for w in words]
        done, self._held = join_cut_words(self._held, placed)
        return spoken_words(done, self._names)

    def finish(self) -> list[SpokenWord]:
        """The last word, held back in case a next chunk went on with it."""
        held, self._held = self._held, None
        return spoken_words([held] if held else [], self._names)
