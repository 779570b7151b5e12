"""SSML's ``say-as`` and ``sub`` read as asked, heard by the recognizer (the rest of markup against the real
model is ``tests/app/test_markup_speech.py``)."""

from __future__ import annotations

from litestar.testing import TestClient

from kokoro_speech.bench.recognizer import Recognizer, word_errors
from tests.support.speech import VOICE, phonemes, timed_words


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
