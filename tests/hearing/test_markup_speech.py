"""Pauses and SSML against the real model: every element spoken, breaks measured in the audio, words as written.

Silence is found by the peak of each millisecond (``tests.audio.silences``), so an asked pause is checked to
the 10 ms the API promises. The parser's own cases (every element's marked text, every malformed document) are
in ``test_ssml.py``; here each element goes through a real request.
"""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from kokoro_speech.bench.recognizer import Recognizer, word_errors
from tests.support.audio import decode, level_dbfs, silences

PAUSE_TOLERANCE = 0.01
"""The API's promise: an asked pause is that long to 10 ms."""
VOICE = "af_heart"


def speak(client: TestClient, text: str, **fields: object) -> tuple[Any, int]:
    body = {"model": "tts-1", "voice": VOICE, "input": text, "response_format": "wav", **fields}
    response = client.post("/v1/audio/speech", json=body)
    assert response.status_code == 200, response.text
    samples, rate = decode(response.content, "wav")
    assert level_dbfs(samples) > -35
    return samples, rate


def phonemes(client: TestClient, text: str, **fields: object) -> str:
    response = client.post("/v1/audio/phonemize", json={"input": text, "voice": VOICE, **fields})
    assert response.status_code == 200, response.text
    return str(response.json()["phonemes"])


def timed_words(client: TestClient, text: str) -> list[dict[str, Any]]:
    body = {"model": "tts-1", "voice": VOICE, "input": text, "response_format": "wav"}
    response = client.post("/v1/audio/speech/timestamps", json=body)
    assert response.status_code == 200, response.text
    return list(response.json()["words"])


def gap_after(words: list[dict[str, Any]], word: str) -> float:
    index = next(i for i, w in enumerate(words) if w["word"] == word)
    return float(words[index + 1]["start"] - words[index]["end"])


def inner_pauses(samples: Any, rate: int) -> list[float]:
    """The lengths of the silences between words that are long enough to be asked for, in order."""
    total = len(samples) / rate
    return [b - a for a, b in silences(samples, rate, shortest=LONGEST_NATURAL) if a > 0 and b < total]


LONGEST_NATURAL = 0.3
"""Longer than any silence the model leaves on its own (a full stop's is about 0.24 s)."""


def test_say_as_and_sub_are_read_as_asked_and_heard(client: TestClient, recognizer: Recognizer) -> None:
    cases = {
        '<say-as interpret-as="cardinal">123</say-as>': "one hundred twenty three",
        '<say-as interpret-as="ordinal">3</say-as>': "third",
        '<say-as interpret-as="digits">123</say-as>': "one two three",
        '<sub alias="World Wide Web">WWW</sub>': "World Wide Web",
    }
    for element, said in cases.items():
        assert phonemes(client, f"<speak>{element}</speak>") == phonemes(client, said), element
    spelled = phonemes(client, '<speak><say-as interpret-as="spell-out">USB</say-as></speak>')
    assert spelled == phonemes(client, '<speak><say-as interpret-as="characters">USB</say-as></speak>')
    assert spelled != phonemes(client, "<speak>usb</speak>")
    document = (
        '<speak>Call <say-as interpret-as="telephone">555-0199</say-as> on '
        '<say-as interpret-as="date" format="mdy">03/05/2027</say-as> at '
        '<say-as interpret-as="time">14:30</say-as>, and spell <say-as interpret-as="characters">USB</say-as>.'
        "</speak>"
    )
    heard = recognizer.hear(
        client.post(
            "/v1/audio/speech", json={"model": "tts-1", "voice": VOICE, "input": document, "response_format": "wav"}
        ).content
    ).text
    print(f"say-as heard: {heard!r}")
    # "Fourteen thirty" is written 14:30, or 1430 as the military writes its hours, or 2:30 pm.
    written = [
        f"Call 555-0199 on March {day}, 2027 at {time}, and spell USB."
        for day in ("5", "5th")
        for time in ("2:30 pm", "14:30", "1430")
    ]
    assert min(word_errors(reference, heard).errors for reference in written) <= 1, heard
    words = timed_words(client, '<speak>Visit the <sub alias="World Wide Web">WWW</sub> today.</speak>')
    assert [w["word"] for w in words] == ["Visit", "the", "WWW", "today."]


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
