"""Properties of the text routes for any input (Hypothesis), through the in-process app with the real model:
the phonemize route answers inputs up to the limit and past it, the speech route speaks short ones, or each
is refused with a 400; never a 500, never a hang."""

from __future__ import annotations

from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st
from litestar.testing import TestClient

from kokoro_speech.config import SpeechConfig
from tests.support.audio import duration
from tests.support.errors import assert_openai_error
from tests.support.properties import cases

LIMIT = SpeechConfig().text.max_input_chars
# Characters the rules look for (digits and their separators, currency, dates, times, markup, emoji), beside
# Hypothesis' own choice from all of Unicode: random text alone rarely wakes a rule.
RULE_CHARACTERS = "0123456789.,:;/-–—$€£%#*_()[]<>@&+=!?'\" \n\tDrMs.stndrdthamp😀🇺🇸·…"
TEXTS = st.one_of(st.text(max_size=LIMIT), st.text(alphabet=RULE_CHARACTERS + "abcXYZ", max_size=LIMIT))


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
