"""Captions a real server answers, read back by the `webvtt-py` and `srt` parsers and checked against the
decoded audio (the cue planner on its own is ``tests/unit/test_captions.py``)."""

from __future__ import annotations

import base64
import html
import io
import json

import httpx
import srt
import webvtt

from kokoro_speech.config import CaptionConfig
from tests.support import Server
from tests.support.audio import duration

CONFIG = CaptionConfig()
# Long enough for a sentence cut into cues; a title, a quotation and the characters WebVTT escapes.
PARAGRAPH = (
    "Every evening the keeper climbed the spiral stairs, counting each of the one hundred and twelve steps, "
    'and lit the great lamp. Dr. Smith said: "It will outlast us all!" Nobody <ever> argued & nobody left.'
)


def seconds_of(timestamp: str) -> float:
    hours, minutes, seconds = timestamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def vtt_cues(parsed: webvtt.WebVTT) -> list[tuple[float, float, str]]:
    """(start, end, text) of each cue, its text unescaped as a player shows it."""
    return [(seconds_of(c.start), seconds_of(c.end), html.unescape(c.text)) for c in parsed.captions]


def check_cues(starts_ends_texts: list[tuple[float, float, str]], seconds: float, words: list[str]) -> None:
    assert starts_ends_texts
    assert " ".join(text.replace("\n", " ") for _, _, text in starts_ends_texts) == " ".join(words)
    previous_end = 0.0
    for start, end, text in starts_ends_texts:
        assert previous_end <= start <= end <= seconds + 0.001, (start, end, seconds)
        lines = text.split("\n")
        assert len(lines) <= 2 and all(len(line) <= CONFIG.line_chars for line in lines), lines
        previous_end = end


def test_the_timestamps_route_answers_captions_a_parser_reads_within_the_audio(two_workers: Server) -> None:
    body = {"model": "tts-1", "voice": "af_heart", "input": PARAGRAPH, "response_format": "opus"}
    vtt_answer = httpx.post(
        two_workers.url + "/v1/audio/speech/timestamps", json=body | {"captions": "vtt"}, timeout=120
    ).json()
    seconds = duration(base64.b64decode(vtt_answer["audio"]), "opus")
    words = [w["word"] for w in vtt_answer["words"]]
    parsed = webvtt.from_buffer(io.StringIO(vtt_answer["captions"]))
    cues = vtt_cues(parsed)
    check_cues(cues, seconds, words)
    assert any("Dr. Smith" in text for _, _, text in cues)

    srt_answer = httpx.post(
        two_workers.url + "/v1/audio/speech/timestamps", json=body | {"captions": "srt"}, timeout=120
    ).json()
    subtitles = list(srt.parse(srt_answer["captions"]))
    check_cues(
        [(s.start.total_seconds(), s.end.total_seconds(), s.content) for s in subtitles],
        duration(base64.b64decode(srt_answer["audio"]), "opus"),
        [w["word"] for w in srt_answer["words"]],
    )


def test_a_stream_of_events_ends_with_the_captions_of_the_clip(two_workers: Server) -> None:
    body: dict[str, object] = {"model": "tts-1", "voice": "bm_george", "input": PARAGRAPH, "response_format": "mp3"}
    body |= {"stream_format": "sse", "timestamps": True, "captions": "vtt"}
    audio, words, done = b"", [], {}
    with httpx.stream("POST", two_workers.url + "/v1/audio/speech", json=body, timeout=120) as response:
        for line in response.iter_lines():
            if not line.startswith("data: "):
                continue
            event = json.loads(line.removeprefix("data: "))
            if event["type"] == "speech.audio.delta":
                audio += base64.b64decode(event["audio"])
            else:
                done = event
            words += [w["word"] for w in event.get("words", [])]
    assert done["type"] == "speech.audio.done"
    parsed = webvtt.from_buffer(io.StringIO(done["captions"]))
    cues = vtt_cues(parsed)
    check_cues(cues, duration(audio, "mp3"), words)


def test_captions_on_a_plain_audio_stream_are_refused_naming_the_field(two_workers: Server) -> None:
    body = {"model": "tts-1", "voice": "af_heart", "input": "Hello.", "captions": "vtt"}
    response = httpx.post(two_workers.url + "/v1/audio/speech", json=body, timeout=60)
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "captions"
    wrong = httpx.post(two_workers.url + "/v1/audio/speech/timestamps", json=body | {"captions": "ass"}, timeout=60)
    assert wrong.status_code == 400 and wrong.json()["error"]["param"] == "captions"
