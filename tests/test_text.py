"""Text clean-up and sentence splitting (pure logic)."""

from __future__ import annotations

from kokoro_speech.engine.text import normalize, sentences


def test_normalize_tidies_whitespace_and_keeps_line_breaks() -> None:
    assert normalize("  Hello \t  world\u00a0 again \r\n\n Next line  ") == "Hello world again\nNext line"


def test_normalize_drops_control_characters() -> None:
    assert normalize("bell\x07 and\x00 null") == "bell and null"


def test_sentences_split_at_marks_and_line_breaks() -> None:
    text = normalize('He said "Go!" Then left. Really?\nYes… maybe 3.5 times')
    assert sentences(text) == ['He said "Go!"', "Then left.", "Really?", "Yes…", "maybe 3.5 times"]


def test_decimal_points_do_not_end_sentences() -> None:
    assert sentences("Pi is 3.14 roughly. Fine.") == ["Pi is 3.14 roughly.", "Fine."]
