"""Kokoro-FastAPI's speaker and rate tags in plain text."""

from __future__ import annotations

import pytest

from kokoro_speech.normalize.marked import MarkedText, Voicing
from kokoro_speech.normalize.voice_tags import VoiceTagError, voice_tagged


def test_text_without_tags_is_left_as_it_is() -> None:
    assert voice_tagged("Just [words] in brackets.") == MarkedText("Just [words] in brackets.")


def test_a_voice_tag_hands_what_follows_to_that_voice_and_a_rate_tag_changes_its_pace() -> None:
    text = "One. [voice:am_michael] Two. [rate:1.5] Three. [VOICE: af_bella(2)+af_sky ] Four."
    marked = voice_tagged(text)
    assert len(marked.text) == len(text)
    assert marked.text.split() == ["One.", "Two.", "Three.", "Four."]

    def said(voicing: Voicing) -> str:
        return marked.text[voicing.start : voicing.end].strip()

    assert [(said(v), v.voice, v.rate) for v in marked.voicings] == [
        ("Two.", "am_michael", 1.0),
        ("Three.", "am_michael", 1.5),
        ("Four.", "af_bella(2)+af_sky", 1.0),
    ]


def test_a_rate_tag_before_any_voice_keeps_the_requests_voice() -> None:
    marked = voice_tagged("[rate:0.8]Slow. [rate:1]Usual.")
    assert marked.voicings == (Voicing(10, 16, rate=0.8),)


def test_a_tag_that_repeats_the_same_speaker_changes_nothing() -> None:
    marked = voice_tagged("[voice:am_adam]One.[voice:am_adam]Two.")
    assert marked.voicings == (Voicing(15, 19, voice="am_adam"), Voicing(34, 38, voice="am_adam"))


@pytest.mark.parametrize("text", ["[voice:]x", "[voice:am_adam x", "[rate:fast]x", "[voice:am/adam]x"])
def test_what_is_not_a_tag_is_read_as_words(text: str) -> None:
    assert voice_tagged(text) == MarkedText(text)


def test_a_rate_of_zero_is_refused() -> None:
    with pytest.raises(VoiceTagError, match="rate must be above 0"):
        voice_tagged("[rate:0]Hello.")
