"""Pauses and SSML against the real model: every element spoken, breaks measured in the audio, words as written.

Silence is found by the peak of each millisecond (``tests.support.audio.silences``), so an asked pause is checked to
the 10 ms the API promises. The parser's own cases (every element's marked text, every malformed document) are
in ``tests/unit/test_ssml.py``; here each element goes through a real request.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from litestar.testing import TestClient

from tests.support.audio import duration, silences
from tests.support.errors import assert_openai_error
from tests.support.speech import VOICE, phonemes, speak, timed_words

PAUSE_TOLERANCE = 0.01
"""The API's promise: an asked pause is that long to 10 ms."""


def gap_after(words: list[dict[str, Any]], word: str) -> float:
    index = next(i for i, w in enumerate(words) if w["word"] == word)
    return float(words[index + 1]["start"] - words[index]["end"])


def inner_pauses(samples: Any, rate: int) -> list[float]:
    """The lengths of the silences between words that are long enough to be asked for, in order."""
    total = len(samples) / rate
    return [b - a for a, b in silences(samples, rate, shortest=LONGEST_NATURAL) if a > 0 and b < total]


LONGEST_NATURAL = 0.3
"""Longer than any silence the model leaves on its own (a full stop's is about 0.24 s)."""


def test_pause_markers_are_that_much_silence(client: TestClient) -> None:
    plain = inner_pauses(*speak(client, "We walked to the river and we sat down on the grass."))
    paused = inner_pauses(
        *speak(client, "We walked to the river [pause:0.5s] and we sat down [pause:1200ms] on the grass.")
    )
    print(f"pause markers of 0.5 s and 1.2 s: {[f'{p:.3f}' for p in paused]} s")
    assert plain == []
    assert len(paused) == 2 and all(
        abs(p - asked) <= PAUSE_TOLERANCE for p, asked in zip(paused, (0.5, 1.2), strict=True)
    )


def test_pauses_in_a_row_first_and_last_are_exact_and_a_pause_too_long_is_refused(client: TestClient) -> None:
    samples, rate = speak(client, "[pause:300ms] Wait for it [pause:300ms] [pause:400ms] now go. [pause:400ms]")
    found = silences(samples, rate)
    total = len(samples) / rate
    lead, tail = found[0], found[-1]
    print(f"lead-in {lead[1] - lead[0]:.3f} s, in a row {inner_pauses(samples, rate)}, tail {tail[1] - tail[0]:.3f} s")
    assert lead[0] == 0 and abs(lead[1] - 0.3) <= PAUSE_TOLERANCE, found
    assert inner_pauses(samples, rate) == [pytest.approx(0.7, abs=PAUSE_TOLERANCE)]
    assert abs(tail[1] - total) < 0.002 and abs(tail[1] - tail[0] - 0.4) <= PAUSE_TOLERANCE, found
    body = {"model": "tts-1", "voice": VOICE, "input": "Wait [pause:11s] go."}
    response = client.post("/v1/audio/speech", json=body)
    assert_openai_error(response, 400, param="input")
    assert "11 s" in response.json()["error"]["message"]


def test_pauses_in_a_row_add_up_to_the_longest_one_pause_may_be(client: TestClient) -> None:
    # 2 x 8 s asked, before the first word: the lead-in is the 10 s one pause may be, not 16.
    samples, rate = speak(client, "[pause:8s] [pause:8s] Go.")
    lead = silences(samples, rate)[0]
    print(f"two pauses of 8 s in a row: {lead[1] - lead[0]:.3f} s")
    assert lead[0] == 0 and abs(lead[1] - 10.0) <= PAUSE_TOLERANCE


def test_ssml_breaks_are_that_much_silence(client: TestClient) -> None:
    document = (
        '<speak>One two three. <break time="700ms"/> Four five six. <break time="1.5s"/> Seven eight nine. '
        '<break strength="strong"/> Ten eleven. <break/> Twelve thirteen <break strength="none"/> fourteen.</speak>'
    )
    found = inner_pauses(*speak(client, document))
    print(f"breaks of 0.7 s, 1.5 s, strong (1 s), bare (0.75 s) and none: {[f'{p:.3f}' for p in found]} s")
    assert len(found) == 4, found
    assert all(abs(p - asked) <= PAUSE_TOLERANCE for p, asked in zip(found, (0.7, 1.5, 1.0, 0.75), strict=True))


def test_sentences_and_paragraphs_end_where_marked_and_words_keep_their_names(client: TestClient) -> None:
    text = "<speak><p><s>The first sentence</s><s>the second one</s></p><p>Another paragraph here</p></speak>"
    words = timed_words(client, text)
    assert [w["word"] for w in words] == [
        "The", "first", "sentence", "the", "second", "one", "Another", "paragraph", "here",
    ]  # fmt: skip
    assert gap_after(words, "sentence") >= 0.1
    assert gap_after(words, "one") >= 0.5


def test_a_pause_is_a_gap_between_the_words_it_stands_between(client: TestClient) -> None:
    words = timed_words(client, "Hello there [pause:1s] general Kenobi.")
    assert [w["word"] for w in words] == ["Hello", "there", "general", "Kenobi."]
    gap = gap_after(words, "there")
    print(f"gap in the timings: {gap:.3f} s")
    assert 1.0 - PAUSE_TOLERANCE <= gap <= 1.15


def test_a_phoneme_element_speaks_its_phonemes_and_names_its_word(client: TestClient) -> None:
    text = '<speak>I say <phoneme alphabet="ipa" ph="təˈmɑːtoʊ">tomato</phoneme> again.</speak>'
    assert "təˈmɑːtoʊ" in phonemes(client, text)
    assert [w["word"] for w in timed_words(client, text)] == ["I", "say", "tomato", "again."]
    response = client.post(
        "/v1/audio/speech",
        json={"model": "tts-1", "voice": VOICE, "input": '<speak><phoneme ph="tə☃">x</phoneme></speak>'},
    )
    assert_openai_error(response, 400, param="input")
    assert "☃" in response.json()["error"]["message"]


def test_prosody_rate_changes_the_speed_of_its_span_only(client: TestClient) -> None:
    sentence = "The quick brown fox jumps over the lazy dog."
    normal = len(speak(client, sentence)[0])
    slow = len(speak(client, f'<speak><prosody rate="slow">{sentence}</prosody></speak>')[0])
    print(f"slow {slow / normal:.2f}x the normal length")
    assert 1.2 < slow / normal < 1.5
    both = len(speak(client, f'<speak>{sentence} <prosody rate="x-slow">{sentence}</prosody></speak>')[0])
    assert 2.6 < both / normal < 3.4  # one normal, one at half speed, and the rest between them


def test_emphasis_and_unknown_elements_change_nothing_and_are_not_read(client: TestClient) -> None:
    plain = phonemes(client, "Hello big world.")
    assert phonemes(client, "<speak>Hello <emphasis level='strong'>big</emphasis> world.</speak>") == plain
    assert phonemes(client, '<speak>Hello <foo bar="1">big</foo> world.<mark name="x"/></speak>') == plain


def test_lang_reads_its_span_with_that_language(client: TestClient) -> None:
    spanish = phonemes(client, "paella valenciana", lang="es")
    english = phonemes(client, "paella valenciana")
    mixed = phonemes(client, '<speak>I love <lang xml:lang="es">paella valenciana</lang> so much.</speak>')
    assert spanish != english and spanish.rstrip(".") in mixed
    samples, rate = speak(client, '<speak>I love <lang xml:lang="es">paella valenciana</lang> so much.</speak>')
    assert len(samples) / rate > 1.5
    response = client.post(
        "/v1/audio/speech",
        json={"model": "tts-1", "voice": VOICE, "input": '<speak><lang xml:lang="xx">hola</lang></speak>'},
    )
    assert_openai_error(response, 400, param="input")


MALFORMED = {
    "mismatched tag": "<speak>Hello <s>world</p></speak>",
    "unclosed": "<speak>Hello <s>world</speak>",
    "text after the root": "<speak>Hello</speak> world",
    "bad attribute": "<speak>Hello <break time=500ms/></speak>",
    "entity bomb": (
        '<?xml version="1.0"?><!DOCTYPE speak [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        "<speak>&lol2;</speak>"
    ),
    "external entity": '<!DOCTYPE speak [<!ENTITY x SYSTEM "file:///etc/passwd">]><speak>&x;</speak>',
    "too deep": "<speak>" + "<s>" * 40 + "deep" + "</s>" * 40 + "</speak>",
    "break too long": '<speak>Wait <break time="30s"/> go.</speak>',
    "bad break time": '<speak>Wait <break time="soon"/> go.</speak>',
    "bad rate": '<speak><prosody rate="warp">Go.</prosody></speak>',
    "x-sampa": '<speak><phoneme alphabet="x-sampa" ph="t@">x</phoneme></speak>',
    "empty alias": '<speak><sub alias="">WWW</sub></speak>',
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_markup_is_a_400_naming_the_input(client: TestClient, case: str) -> None:
    for route in ("/v1/audio/speech", "/v1/audio/phonemize"):
        response = client.post(route, json={"model": "tts-1", "voice": VOICE, "input": MALFORMED[case]})
        assert_openai_error(response, 400, param="input")
    message = response.json()["error"]["message"]
    print(f"{case}: {message}")
    if case in {"mismatched tag", "unclosed", "text after the root", "bad attribute"}:
        assert "line 1, column" in message


def test_ssml_can_be_asked_for_and_a_speak_tag_in_text_is_not_ssml_when_off(client: TestClient) -> None:
    asked = {"model": "tts-1", "voice": VOICE, "input": "<speak>Hi <break time='300ms'/> there.</speak>"}
    response = client.post("/v1/audio/speech", json={**asked, "input_type": "ssml", "response_format": "wav"})
    assert response.status_code == 200 and duration(response.content, "wav") > 0.8
    not_ssml = client.post("/v1/audio/speech", json={**asked, "input": "Hi there.", "input_type": "ssml"})
    assert_openai_error(not_ssml, 400, param="input")


def test_an_english_name_in_a_spanish_sentence_keeps_every_word_timed(client: TestClient) -> None:
    text = "Ayer vi a Taylor Swift en el Madison Square Garden y la entrada costó 45 €."
    body = {"model": "tts-1", "voice": "ef_dora", "input": text, "response_format": "wav"}
    response = client.post("/v1/audio/speech/timestamps", json=body)
    assert response.status_code == 200, response.text
    words = response.json()["words"]
    assert " ".join(w["word"] for w in words) == text
    assert all(w["end"] > w["start"] for w in words)
    assert all(b["start"] >= a["end"] - 0.001 for a, b in itertools.pairwise(words))
    assert words[-1]["word"] == "45 €." and words[-1]["end"] - words[-1]["start"] > 0.8  # cuarenta y cinco euros
