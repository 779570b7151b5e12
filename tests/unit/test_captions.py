"""Captions: the cue planner on its own, by a table of splits and by properties (the files a real server
answers are ``tests/server/test_captions.py``)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kokoro_speech.config import CaptionConfig
from kokoro_speech.engine.timing import SpokenWord
from kokoro_speech.speech.captions import Cue, captions, columns, plan_cues, render
from tests.support.properties import cases

CONFIG = CaptionConfig()


def timed(text: str, seconds_per_word: float = 0.4) -> list[SpokenWord]:
    return [
        SpokenWord(word, round(i * seconds_per_word, 3), round(i * seconds_per_word + 0.3, 3))
        for i, word in enumerate(text.split())
    ]


def texts(cues: list[Cue]) -> list[str]:
    return [" / ".join(cue.lines) for cue in cues]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello there. How are you?", ["Hello there.", "How are you?"]),
        # A title's full stop and an initial's do not end the sentence; lower case going on neither.
        ("Dr. Smith met J. Doe. They spoke.", ["Dr. Smith met J. Doe.", "They spoke."]),
        ("It costs approx. ten pounds.", ["It costs approx. ten pounds."]),
        # One cue while the sentence fits two lines, its lines broken where they are most even.
        (
            "Every evening the keeper climbed the spiral stairs, counting each of the steps",
            ["Every evening the keeper climbed the / spiral stairs, counting each of the steps"],
        ),
        # Longer: the fewest, most even cues, cut at a clause end.
        (
            "When the keeper retired, nobody in the whole village wanted to take on the job that he had "
            "done for forty years",
            [
                "When the keeper retired, / nobody in the whole village",
                "wanted to take on the job that / he had done for forty years",
            ],
        ),
        # A word longer than a line stands alone on its line.
        (
            "See https://example.com/a/very/long/path/that/never/ends/at/all for more",
            ["See / https://example.com/a/very/long/path/that/never/ends/at/all", "for more"],
        ),
        ('He said "Stop!" and left. Then "Why?" she asked.', ['He said "Stop!" and left.', 'Then "Why?" she asked.']),
    ],
)
def test_cues_split_where_a_reader_would_pause(text: str, expected: list[str]) -> None:
    assert texts(plan_cues(timed(text), CONFIG)) == expected


def test_chinese_and_japanese_are_joined_without_spaces_and_count_two_columns_a_character() -> None:
    cues = plan_cues(timed("今日は、 いい天気です。 散歩に行きましょう。"), CONFIG)
    assert texts(cues) == ["今日は、いい天気です。", "散歩に行きましょう。"]
    long = plan_cues(timed("一二三四五六七八九十、 一二三四五六七八九十、 一二三四五六七八九十。"), CONFIG)
    # Ten characters are twenty columns: two clauses fill a cue's two lines, the third needs another.
    assert texts(long) == ["一二三四五六七八九十、 / 一二三四五六七八九十、", "一二三四五六七八九十。"]


def test_a_word_given_no_time_still_shows_and_a_line_break_in_a_word_does_not_end_its_cue() -> None:
    words = [SpokenWord("Hello", 0.0, 0.4), SpokenWord("there.", 0.5, 0.9), SpokenWord("Bye.", 1.2, 1.2)]
    cues = plan_cues(words, CONFIG, duration=1.2)
    assert [(c.start, c.end) for c in cues] == [(0.0, 0.9), (1.199, 1.2)]
    folded = [SpokenWord("of\nthe", 0.0, 0.4), SpokenWord("sea.", 0.5, 0.9)]
    assert captions(folded, "srt", CONFIG) == "1\n00:00:00,000 --> 00:00:00,900\nof the sea.\n\n"


def test_a_slow_passage_is_cut_into_cues_no_longer_than_the_limit() -> None:
    cues = plan_cues(timed("one two three four five six seven eight", seconds_per_word=2.0), CONFIG)
    assert len(cues) > 1
    assert all(cue.end - cue.start <= CONFIG.max_cue_seconds for cue in cues)


def test_cues_are_timed_by_their_words_and_bounded_by_the_audio() -> None:
    words = timed("Hello there. How are you?")
    cues = plan_cues(words, CONFIG, duration=1.5)
    assert (cues[0].start, cues[0].end) == (0.0, 0.7)
    assert cues[1].start == 0.8 and cues[1].end == 1.5


def test_webvtt_escapes_markup_and_srt_uses_commas() -> None:
    words = [SpokenWord("a<b>", 3721.0, 3721.5), SpokenWord("&", 3721.6, 3721.9), SpokenWord("-->", 3722, 3723.4567)]
    vtt = captions(words, "vtt", CONFIG)
    assert vtt == "WEBVTT\n\n1\n01:02:01.000 --> 01:02:03.457\na&lt;b&gt; &amp; --&gt;\n\n"
    assert render(plan_cues(words, CONFIG), "srt") == "1\n01:02:01,000 --> 01:02:03,457\na<b> & ->\n\n"


WORD = st.text(st.characters(codec="utf-8", exclude_categories=("Z", "C")), min_size=1, max_size=50)


@cases(150)
@given(st.lists(st.tuples(WORD, st.floats(0.01, 3.0), st.floats(0.0, 0.5)), min_size=1, max_size=120))
def test_every_cue_fits_its_lines_and_keeps_every_word_in_order(parts: list[tuple[str, float, float]]) -> None:
    words, clock = [], 0.0
    for word, length, gap in parts:
        words.append(SpokenWord(word, clock, clock + length))
        clock += length + gap
    cues = plan_cues(words, CONFIG, duration=clock)
    shown = "".join(line for cue in cues for line in cue.lines).replace(" ", "")
    assert shown == "".join(w.word for w in words)
    alone = {w.word for w in words}
    for cue in cues:
        assert 1 <= len(cue.lines) <= 2
        assert all(columns(line) <= CONFIG.line_chars or line in alone for line in cue.lines)
        assert 0 <= cue.start < cue.end <= clock
    assert all(a.end <= b.start for a, b in itertools.pairwise(cues))
