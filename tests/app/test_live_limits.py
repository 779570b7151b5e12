"""What bounds a stream of text still being written: its audio stops at the longest one response may have."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.exceptions import WebSocketDisconnect
from litestar.testing import TestClient

from kokoro_speech import SpeechConfig, create_app
from tests.support import UNTUNED_SCHEDULE, base_env, wait_ready

MAX_AUDIO_SECONDS = 2.0
TEXT = (
    "The first sentence is long enough to fill the time on its own. A second one follows it. A third one too. "
    "And a fourth one, which nobody hears."
)


@pytest.fixture(scope="module")
def limited(home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    env = base_env(home, tmp_path_factory.mktemp("live-limits"), **UNTUNED_SCHEDULE) | {
        "KOKORO_SPEECH_MAX_AUDIO_SECONDS": str(MAX_AUDIO_SECONDS),
        "KOKORO_SPEECH_RESULT_CACHE": "false",
    }
    with TestClient(create_app(SpeechConfig.from_env(env)), timeout=120) as client:
        wait_ready(client.get)
        yield client


def test_a_stream_stops_at_the_longest_audio_and_still_ends_with_its_final(limited: TestClient) -> None:
    messages = []
    with limited.websocket_connect("/v1/text-to-speech/af_heart/stream-input?output_format=pcm_24000") as socket:
        socket.send_text(json.dumps({"text": " "}))
        socket.send_text(json.dumps({"text": TEXT + " "}))
        socket.send_text(json.dumps({"text": ""}))
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                messages.append(json.loads(socket.receive_text()))
    assert closed.value.code == 1000
    assert messages[-1] == {"isFinal": True}
    seconds = sum(len(base64.b64decode(m["audio"])) for m in messages if m.get("audio")) / 2 / 24000
    # It stops after the chunk that reaches the bound: more than the bound, far less than the whole text.
    assert MAX_AUDIO_SECONDS <= seconds < 3 * MAX_AUDIO_SECONDS
    assert "nobody hears" not in "".join("".join(m["alignment"]["chars"]) for m in messages if m.get("alignment"))
