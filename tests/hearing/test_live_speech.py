"""Text handed over as a language model writes it is heard as that text, over both protocols (the messages
themselves are checked in ``tests/server/test_live_speech.py``)."""

from __future__ import annotations

import asyncio
import json
import time

import websockets

from kokoro_speech.bench.recognizer import Recognizer, word_errors
from kokoro_speech.testing import ServerProcess
from tests.support.live import Heard, home_assistant_stream, read_until_closed, socket_url

WYOMING_TEXT = "The garage door is closed. The washing machine will finish in twenty minutes."
SOCKET_TEXT = "Your train leaves at nine. Bring an umbrella, because it will rain this afternoon."
MAX_ERRORS = 1
"""Words the recognizer may miss in each text (Whisper base mishears a word of clear speech now and then)."""


async def test_streamed_text_is_heard_as_written_over_wyoming_and_the_socket(
    two_workers: ServerProcess, wyoming_port: int, recognizer: Recognizer
) -> None:
    streamed = await home_assistant_stream(wyoming_port, WYOMING_TEXT)
    heard = recognizer.hear(streamed.samples(), streamed.rate).text
    print(f"wyoming heard: {heard!r}")
    assert word_errors(WYOMING_TEXT, heard).errors <= MAX_ERRORS, heard

    socket_heard = Heard(rate=16000)
    url = socket_url(two_workers.url, "am_michael", "stream-input", output_format="pcm_16000")
    async with websockets.connect(url) as socket:
        reading = asyncio.create_task(read_until_closed(socket, socket_heard, time.monotonic()))
        await socket.send(json.dumps({"text": " "}))
        for word in SOCKET_TEXT.split(" "):
            await socket.send(json.dumps({"text": word + " "}))
            await asyncio.sleep(0.1)
        await socket.send(json.dumps({"text": ""}))
        assert await reading == 1000
    heard = recognizer.hear(socket_heard.samples(), 16000).text
    print(f"stream-input heard: {heard!r}")
    assert word_errors(SOCKET_TEXT, heard).errors <= MAX_ERRORS, heard
