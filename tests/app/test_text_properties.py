"""Properties of the text path for any input (Hypothesis): it is read and planned, or refused with a 400; never
a 500, never a hang, and in time that grows linearly with the input.

The reading and the planner run with espeak-ng and no model (fast, so hundreds of inputs); the HTTP cases run
the in-process app with the real model: the phonemize route for inputs up to the limit and past it, the speech
route for short ones (each is spoken).
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from litestar.testing import TestClient

from kokoro_speech.config import SpeechConfig
from kokoro_speech.engine import chunks
from kokoro_speech.engine.languages import find
from kokoro_speech.engine.phonemes import Phonemizer
from kokoro_speech.engine.reading import read
from kokoro_speech.engine.timing import chunk_spans
from kokoro_speech.normalize import NormalizationOptions
from tests.support.audio import duration
from tests.support.errors import assert_openai_error
from tests.support.properties import cases

EN = find("en-us")
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


def _seconds(text: str, phonemizer: Phonemizer) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        _read_and_plan(text, "en-us", phonemizer)
        best = min(best, time.perf_counter() - started)
    return best


def _answered(response: Any) -> None:
    if response.status_code != 200:
        assert_openai_error(response, 400, param="input")  # the only field that varies


@cases(150)
@given(text=st.one_of(TEXTS, st.text(min_size=LIMIT + 1, max_size=LIMIT + 50)))
@example(text="·")
def test_the_phonemize_route_answers_any_text_or_refuses_it_with_a_400(client: TestClient, text: str) -> None:
    response = client.post("/v1/audio/phonemize", json={"input": text})
    _answered(response)
    if len(text) > LIMIT:
        assert response.status_code == 400


@cases(25)
@given(text=st.one_of(st.text(max_size=40), st.text(alphabet=RULE_CHARACTERS + "abc", max_size=40)))
@example(text="·")
def test_the_speech_route_speaks_any_short_text_or_refuses_it_with_a_400(client: TestClient, text: str) -> None:
    body = {"model": "tts-1", "voice": "af_heart", "input": text, "response_format": "pcm"}
    response = client.post("/v1/audio/speech", json=body)
    _answered(response)
    if response.status_code == 200:
        assert duration(response.content, "pcm") > 0
