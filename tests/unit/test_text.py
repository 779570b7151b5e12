"""Input clean-up (pure logic)."""

from __future__ import annotations

from kokoro_speech.engine.text import clean


def test_clean_makes_every_space_plain_and_keeps_line_breaks() -> None:
    assert clean("Hello\t world\u00a0again\u3000now\r\nNext") == "Hello  world again now\r\nNext"


def test_clean_drops_control_characters() -> None:
    assert clean("bell\x07 and\x00 null") == "bell and null"


def test_clean_composes_accents() -> None:
    assert clean("cafe\u0301") == "café"
