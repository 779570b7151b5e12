"""Text handed over as a language model writes it, against the real two-worker server over real sockets: Home
Assistant's Wyoming requests (replayed with the wyoming package's client, as its ``wyoming/tts.py`` sends them)
and the voice-agent frameworks' ElevenLabs WebSocket messages (as Pipecat's and LiveKit's ElevenLabs services send
them). What is heard is checked in ``tests/hearing/test_live_speech.py``."""

from __future__ import annotations

import asyncio
import base64
import json
import time

import numpy as np
import websockets
from wyoming.event import Event
from wyoming.info import Describe

from kokoro_speech.testing import ServerProcess
from tests.support import FIGURES
from tests.support.audio import decode
from tests.support.live import (
    Heard,
    aligned_text,
    connect_wyoming,
    describe,
    home_assistant_stream,
    read_until_closed,
    socket_url,
    take_message,
    wyoming_once,
)

TEXT = "The kitchen lights are on. The front door is locked, and the heating is set to twenty degrees. Good night."
EDGE = 0.02
"""Largest sample next to a join: every chunk starts and ends faded (a click is a jump at a cut)."""


def check_joins(heard: Heard) -> None:
    samples = heard.samples()
    assert samples.size and float(np.abs(samples).max()) > 0.1, "speech, not silence"
    for boundary in heard.boundaries[1:]:
        around = samples[max(0, boundary - 2) : boundary + 2]
        assert float(np.abs(around).max()) < EDGE, f"a click at sample {boundary}"


async def test_describe_lists_every_voice_with_its_language_and_streaming(wyoming_port: int) -> None:
    infos = await asyncio.gather(*(describe(wyoming_port) for _ in range(4)))
    assert all(info.to_dict() == infos[0].to_dict() for info in infos), "every worker answers the same"
    program = infos[0].tts[0]
    assert program.installed and program.supports_synthesize_streaming
    voices = {voice.name: voice for voice in program.voices}
    assert voices["af_heart"].languages == ["en-US"] and voices["bf_emma"].languages == ["en-GB"]
    assert voices["jf_alpha"].languages == ["ja"] and voices["pf_dora"].languages == ["pt-BR"]
    assert all(voice.installed and len(voice.languages) == 1 for voice in program.voices)


def counted(server: ServerProcess, route: str, method: str) -> bool:
    """Whether the server's metrics count an answered request of ``route`` (whichever worker answered it)."""
    lines = server.get("/metrics").text.splitlines()
    return any(
        line.startswith("kokoro_speech_requests_total{") and f'route="{route}"' in line and f'method="{method}"' in line
        and 'status="200"' in line
        for line in lines
    )  # fmt: skip


async def test_home_assistant_streamed_text_is_spoken_before_its_end_as_one_stream(
    two_workers: ServerProcess, wyoming_port: int
) -> None:
    streamed = await home_assistant_stream(wyoming_port, TEXT)
    kinds = [kind for _, kind in streamed.kinds]
    assert streamed.end_sent is not None and streamed.first("audio-start") < streamed.end_sent
    assert kinds[0] == "audio-start" and kinds.count("audio-start") == 1 and kinds.count("audio-stop") == 1
    assert kinds[-1] == "synthesize-stopped" and kinds.count("synthesize-stopped") == 1
    assert kinds.index("audio-stop") == len(kinds) - 2, "the audio ends before synthesize-stopped"
    assert streamed.rate == 24000
    check_joins(streamed)
    # An older client's single synthesize of the same text: the same speech, once, ended by audio-stop alone.
    once = await wyoming_once(wyoming_port, TEXT)
    once_kinds = [kind for _, kind in once.kinds]
    assert once_kinds[0] == "audio-start" and once_kinds[-1] == "audio-stop" and "synthesize-stopped" not in once_kinds
    # Home Assistant's copy of the text (the plain synthesize before synthesize-stop) was not spoken again.
    assert abs(streamed.seconds - once.seconds) < 0.1 * once.seconds, (streamed.seconds, once.seconds)
    assert counted(two_workers, "wyoming", "synthesize-stream") and counted(two_workers, "wyoming", "synthesize")
    first_sentence_end = streamed.kinds[0][0]
    FIGURES.append(
        f"wyoming: first audio {first_sentence_end:.2f} s into a stream typed 0.15 s a word "
        f"(its end sent at {streamed.end_sent:.2f} s), {streamed.seconds:.2f} s of audio"
    )


async def test_an_unknown_voice_is_an_error_event_and_a_stream_still_ends(wyoming_port: int) -> None:
    once = await wyoming_once(wyoming_port, "Hello there.", voice="zz_nobody")
    assert [kind for _, kind in once.kinds] == ["error"]
    assert once.messages[0]["code"] == "voice_not_found" and "zz_nobody" in once.messages[0]["text"]
    streamed = await home_assistant_stream(wyoming_port, "Hello there.", voice="zz_nobody", gap_s=0.0)
    assert [kind for _, kind in streamed.kinds] == ["error", "synthesize-stopped"]
    # An event without its text is answered, and the connection still serves.
    client = await connect_wyoming(wyoming_port)
    try:
        await client.write_event(Event(type="synthesize", data={"voice": {"name": "af_heart"}}))
        refused = await asyncio.wait_for(client.read_event(), 10)
        assert refused is not None and refused.type == "error" and refused.data["code"] == "invalid_event"
        await client.write_event(Describe().event())
        described = await asyncio.wait_for(client.read_event(), 10)
        assert described is not None and described.type == "info"
    finally:
        await client.disconnect()


async def test_pipecats_turns_are_spoken_aligned_and_ended_by_their_own_final(two_workers: ServerProcess) -> None:
    url = socket_url(two_workers.url, "af_heart", "multi-stream-input", model_id="eleven_flash_v2_5",
                     output_format="pcm_24000", auto_mode="true")  # fmt: skip
    first, second = "6f1c2a9e-0000-4000-8000-000000000001", "6f1c2a9e-0000-4000-8000-000000000002"
    turn = [
        {"text": ""},  # its keepalive, every 10 s: nothing is answered
        {"text": " ", "context_id": first, "voice_settings": {"speed": 1.0}},
        {"text": "Hello there!", "context_id": first},
        {"text": "How are you doing today?", "context_id": first},
        {"text": "", "context_id": first},  # a context's keepalive
        {"context_id": first, "flush": True},
        {"context_id": first, "close_context": True},
    ]
    heard = Heard(rate=24000)
    async with websockets.connect(url, additional_headers={"xi-api-key": "not-needed"}) as socket:
        started = time.monotonic()
        for message in turn:
            await socket.send(json.dumps(message))
        while not (message := take_message(heard, await socket.recv(), started)).get("isFinal"):
            assert message.get("contextId") == first and "error" not in message
        assert message == {"isFinal": True, "contextId": first}, "isFinal is a message of its own"
        assert aligned_text(heard.messages) == "Hello there! How are you doing today?"
        assert aligned_text(heard.messages, "normalizedAlignment") == "Hello there! How are you doing today?"
        for audio in (m for m in heard.messages if m.get("alignment")):
            alignment = audio["alignment"]
            assert len(alignment["chars"]) == len(alignment["charStartTimesMs"]) == len(alignment["charDurationsMs"])
            played_ms = len(base64.b64decode(audio["audio"])) / 2 / 24  # 16-bit samples, 24 per millisecond
            assert abs(alignment["charStartTimesMs"][-1] + alignment["charDurationsMs"][-1] - played_ms) <= 1
        check_joins(heard)
        # The listener interrupts the next turn: close_context without a flush stops it, and its final comes.
        await socket.send(json.dumps({"text": " ", "context_id": second}))
        await socket.send(json.dumps({"text": "This answer will be cut off in the middle of a sentence that goes "
                                      "on and on.", "context_id": second}))  # fmt: skip
        await socket.send(json.dumps({"context_id": second, "close_context": True}))
        closing = Heard()
        while not take_message(closing, await socket.recv(), started).get("isFinal"):
            pass
        assert closing.messages[-1] == {"isFinal": True, "contextId": second}
        await socket.send(json.dumps({"close_socket": True}))
        assert await read_until_closed(socket, closing, started) == 1000


async def test_livekits_turns_share_one_socket_in_mp3(two_workers: ServerProcess) -> None:
    url = socket_url(two_workers.url, "nova", "multi-stream-input", model_id="eleven_turbo_v2_5",
                     output_format="mp3_22050_32", enable_ssml_parsing="false", enable_logging="true",
                     inactivity_timeout="180", apply_text_normalization="auto", sync_alignment="true",
                     auto_mode="true")  # fmt: skip
    turns = {
        "Hk3nQ8xY2pLm": ["Hello there! ", "How are you doing today? "],
        "Zq7Rt2wVb9Ks": ["Second turn on the same socket. "],
    }
    async with websockets.connect(url, additional_headers={"xi-api-key": "not-needed"}) as socket:
        started = time.monotonic()
        for context, sentences in turns.items():
            await socket.send(json.dumps({"text": " ", "voice_settings": {}, "context_id": context}))
            for sentence in sentences:
                await socket.send(json.dumps({"text": sentence, "context_id": context, "flush": True}))
            await socket.send(json.dumps({"text": "", "context_id": context, "flush": True}))
            await socket.send(json.dumps({"context_id": context, "close_context": True}))
            heard = Heard()
            while not take_message(heard, await socket.recv(), started).get("isFinal"):
                assert heard.messages[-1]["contextId"] == context
            assert heard.messages[-1] == {"isFinal": True, "contextId": context}
            assert aligned_text(heard.messages, "normalizedAlignment") == "".join(sentences).strip()
            samples, rate = decode(bytes(heard.audio), "mp3")
            assert rate == 22050 and 0.4 * len(sentences) < len(samples) / rate < 4.0 * len(sentences)
        await socket.close()


async def test_stream_input_typed_word_by_word_speaks_before_its_end_in_mp3_at_44100(
    two_workers: ServerProcess,
) -> None:
    url = socket_url(two_workers.url, "af_heart", "stream-input", output_format="mp3_44100_128")
    heard = Heard()
    async with websockets.connect(url) as socket:
        started = time.monotonic()
        reading = asyncio.create_task(read_until_closed(socket, heard, started))
        await socket.send(json.dumps({"text": " ", "generation_config": {"chunk_length_schedule": [120, 160]}}))
        for word in TEXT.split(" "):
            await socket.send(json.dumps({"text": word + " "}))
            await asyncio.sleep(0.15)
        heard.end_sent = time.monotonic() - started
        await socket.send(json.dumps({"text": ""}))
        assert await reading == 1000
    assert heard.first("audio") < heard.end_sent, "audio arrives while the text is still being typed"
    assert heard.messages[-1] == {"isFinal": True}
    assert aligned_text(heard.messages) == TEXT
    samples, rate = decode(bytes(heard.audio), "mp3")
    assert rate == 44100 and 4.0 < len(samples) / rate < 12.0
    assert counted(two_workers, "/v1/text-to-speech/{voice_id}/stream-input", "WEBSOCKET")


async def test_bad_sockets_are_told_why_and_closed_with_1008(two_workers: ServerProcess) -> None:
    cases = {
        socket_url(two_workers.url, "af_heart", "stream-input", output_format="wav_44100"): "invalid_output_format",
        socket_url(two_workers.url, "zz_nobody", "stream-input"): "voice_not_found",
        socket_url(two_workers.url, "af_heart", "stream-input", inactivity_timeout="1"): "input_timeout_exceeded",
        socket_url(two_workers.url, "af_heart", "stream-input", inactivity_timeout="999"): "invalid_inactivity_timeout",
    }
    for url, error in [*cases.items(), (socket_url(two_workers.url, "af_heart", "stream-input"), "invalid_message")]:
        heard = Heard()
        async with websockets.connect(url) as socket:
            started = time.monotonic()
            if error == "invalid_message":
                await socket.send("not json")
            elif error == "voice_not_found":
                await socket.send(json.dumps({"text": "Hello. "}))
            assert await read_until_closed(socket, heard, started) == 1008, error
        assert heard.messages[-1]["error"] == error and heard.messages[-1]["code"] == 1008
        assert heard.messages[-1]["message"]
