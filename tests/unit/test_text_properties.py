"""Properties of the text path for any input (Hypothesis), with espeak-ng and no model: any text is read and
planned, and in time that grows linearly with the input (the HTTP routes' properties are
``tests/app/test_text_properties.py``)."""

from __future__ import annotations

import time

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kokoro_speech.config import SpeechConfig
from kokoro_speech.engine import chunks
from kokoro_speech.engine.languages import LANGUAGES, find
from kokoro_speech.engine.phonemes import Phonemizer
from kokoro_speech.engine.reading import read
from kokoro_speech.engine.timing import chunk_spans
from kokoro_speech.normalize import NormalizationOptions
from tests.support.properties import cases

LIMIT = SpeechConfig().text.max_input_chars
# Characters the rules look for (digits and their separators, currency, dates, times, markup, emoji), beside
# Hypothesis' own choice from all of Unicode: random text alone rarely wakes a rule.
RULE_CHARACTERS = "0123456789.,:;/-–—$€£%#*_()[]<>@&+=!?'\" \n\tDrMs.stndrdthamp😀🇺🇸·…"
TEXTS = st.one_of(st.text(max_size=LIMIT), st.text(alphabet=RULE_CHARACTERS + "abcXYZ", max_size=LIMIT))
GROWTH = 8
"""The inputs of the linear-time check are this many times longer than the short ones."""
MAX_TIME_RATIO = 3 * GROWTH
"""Linear reading takes about GROWTH times as long (up to twice that where the espeak-ng wrapper is a little
worse than linear); quadratic would be GROWTH², 64."""


@pytest.fixture(scope="module")
def phonemizer() -> Phonemizer:
    return Phonemizer()


def _read_and_plan(text: str, language_code: str, phonemizer: Phonemizer) -> int:
    """What the engine does before the model runs (``SpeechEngine.plan``): the number of chunks planned."""
    reading = read(text, find(language_code), phonemizer, NormalizationOptions())
    planned = chunks.plan(reading.planner_sentences(), 60, 250, 1.0)
    spans = chunk_spans([c.phonemes for c in planned], reading.phoneme_words())
    assert len(spans) == len(planned)
    assert all(word.owner < len(reading.words) for word in reading.phoneme_words())
    return len(planned)


@cases(500)
@given(text=TEXTS, language=st.sampled_from([language.code for language in LANGUAGES]))
@example(text="·", language="en-us")  # espeak-ng says nothing for it: was a ZeroDivisionError
@example(text="1," * (LIMIT // 2), language="en-us")
def test_any_text_is_read_and_planned(text: str, language: str, phonemizer: Phonemizer) -> None:
    _read_and_plan(text, language, phonemizer)


def _seconds(text: str, phonemizer: Phonemizer) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        _read_and_plan(text, "en-us", phonemizer)
        best = min(best, time.perf_counter() - started)
    return best


@cases(25)
@given(unit=st.text(alphabet=RULE_CHARACTERS + "ab", min_size=1, max_size=8))
@example(unit="1,")
@example(unit="Dr. ")
@example(unit="a.b.")
def test_reading_time_grows_linearly_with_the_input(unit: str, phonemizer: Phonemizer) -> None:
    long = LIMIT
    short = long // GROWTH
    repeated = unit * (long // len(unit) + 1)
    ratio = _seconds(repeated[:long], phonemizer) / _seconds(repeated[:short], phonemizer)
    assert ratio < MAX_TIME_RATIO, f"{unit!r}: {GROWTH}x the input took {ratio:.1f}x the time"
