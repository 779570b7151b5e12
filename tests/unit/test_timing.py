"""Word spans in chunks and their times from token durations (pure logic)."""

from __future__ import annotations

import numpy as np
import pytest

from kokoro_speech.engine.reading import PhonemeWord
from kokoro_speech.engine.timing import (
    SAMPLES_PER_FRAME,
    WordSpan,
    WordTime,
    WordTimeline,
    chunk_spans,
    join_cut_words,
    spoken_words,
    word_times,
)


def test_spans_follow_words_across_chunks_and_skip_punctuation() -> None:
    words = [PhonemeWord("həlˈoʊ,", 0), PhonemeWord("wˈɜːld.", 1), PhonemeWord("ɡˈʊd", 2), PhonemeWord("dˈeɪ", 2)]
    spans = chunk_spans(["həlˈoʊ, wˈɜːld.", "ɡˈʊd dˈeɪ"], words)
    assert spans == [[WordSpan(0, 0, 6), WordSpan(1, 8, 14)], [WordSpan(2, 0, 9)]]


def test_a_word_cut_inside_is_owned_on_both_sides() -> None:
    words = [PhonemeWord("abcdef", 0), PhonemeWord("gh", 1)]
    spans = chunk_spans(["abc", "def gh"], words)
    assert spans == [[WordSpan(0, 0, 3)], [WordSpan(0, 0, 3), WordSpan(1, 4, 6)]]


def test_a_mismatch_stops_the_walk_instead_of_naming_wrong_words() -> None:
    spans = chunk_spans(["xyz", "ab"], [PhonemeWord("ab", 0)])
    assert spans == [[], []]


def test_times_count_frames_of_earlier_tokens_minus_the_trim() -> None:
    # pad, then tokens of "ab cd", then pad: 2 frames each, the pads 4.
    durations = np.array([4, 2, 2, 2, 2, 2, 4], dtype=np.int64)
    spans = [WordSpan(0, 0, 2), WordSpan(1, 3, 5)]
    trimmed = 3 * SAMPLES_PER_FRAME
    times = word_times(spans, durations, trimmed, length=100_000, sample_rate=24000)
    frame = SAMPLES_PER_FRAME / 24000
    assert [t.owner for t in times] == [0, 1]
    assert [(t.start, t.end) for t in times] == [
        pytest.approx((1 * frame, 5 * frame)),
        pytest.approx((7 * frame, 11 * frame)),
    ]


def test_times_are_clipped_to_the_audio_kept() -> None:
    durations = np.array([1, 10, 1], dtype=np.int64)
    (time,) = word_times([WordSpan(0, 0, 1)], durations, trimmed=2 * SAMPLES_PER_FRAME, length=1200, sample_rate=24000)
    assert time.start == 0.0 and time.end == 1200 / 24000


def test_a_word_cut_across_chunks_comes_once_when_it_is_complete() -> None:
    first_chunk = [WordTime(0, 0.0, 0.5), WordTime(1, 0.6, 0.9)]
    second_chunk = [WordTime(1, 1.0, 1.4), WordTime(2, 1.5, 1.8)]
    done, held = join_cut_words(None, first_chunk)
    later, held = join_cut_words(held, second_chunk)
    assert held is not None
    words = spoken_words([*done, *later, held], ["one", "two", "three"])
    assert [(w.word, w.start, w.end) for w in words] == [("one", 0.0, 0.5), ("two", 0.6, 1.4), ("three", 1.5, 1.8)]
    # Nothing is given before it is known to be complete.
    assert [t.owner for t in done] == [0]


def test_the_timeline_places_each_chunk_after_the_ones_before_at_its_tempo() -> None:
    rate = 24000
    timeline = WordTimeline(["one", "two", "three"], rate)
    # A chunk made by the model at its own speed, played twice as fast: its audio is half as long.
    first = timeline.add([WordTime(0, 0.0, 1.0), WordTime(1, 1.2, 2.0)], tempo=2.0, samples=rate)
    assert [(w.word, w.start, w.end) for w in first] == [("one", 0.0, 0.5)]
    second = timeline.add([WordTime(1, 0.0, 0.4), WordTime(2, 0.6, 1.0)], tempo=2.0, samples=rate // 2)
    # "two" went on into the second chunk (one second in): it comes once, from 0.6 s to 1.2 s.
    assert [(w.word, w.start, w.end) for w in second] == [("two", 0.6, 1.2)]
    assert [(w.word, w.start, w.end) for w in timeline.finish()] == [("three", 1.3, 1.5)]
    assert timeline.finish() == []
