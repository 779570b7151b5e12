"""`kokoro-speech bench --live`: how soon text that is still being written is heard.

A text is typed word by word (``WORD_GAP_S`` apart, as a language model writes) into Wyoming (as Home Assistant
sends it) and into the stream-input WebSocket (as Pipecat and LiveKit send it); the figure is the time from the
first sentence's last word leaving the client to its first audio arriving. Beside it, in the same run: the same
first sentence sent whole over HTTP (time to first byte), and the first chunk's synthesis on this machine
(planned and made in this process, nothing else running). The goal: first audio within the first chunk's
synthesis plus ``GOAL_MARGIN_S`` on both protocols.
"""

from __future__ import annotations

import asyncio
import base64
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import websockets
from wyoming.client import AsyncTcpClient
from wyoming.tts import SynthesizeChunk, SynthesizeStart, SynthesizeStop, SynthesizeVoice

from kokoro_speech.bench.run import machine
from kokoro_speech.config import SpeechConfig
from kokoro_speech.engine import assets
from kokoro_speech.engine.engine import SpeechEngine
from kokoro_speech.engine.job import SpeechJob
from kokoro_speech.testing import clean_env, free_port, start_server

VOICE = "af_heart"
WORD_GAP_S = 0.15
GOAL_MARGIN_S = 0.3
TEXTS = (
    "Turn on the kitchen lights. I have also set the heating to twenty degrees for the evening.",
    "Your next meeting starts at ten. It is in the small room on the second floor, next to the library.",
    "It will rain this afternoon! Take an umbrella with you, and leave a little earlier than usual.",
)
READ_TIMEOUT_S = 60.0


def _words(text: str) -> tuple[list[str], int]:
    """The words as typed (each after the first with its space), and the index of the first sentence's last."""
    words = text.split(" ")
    last = next(i for i, word in enumerate(words) if word[-1] in ".!?")
    return [word if i == 0 else " " + word for i, word in enumerate(words)], last


async def wyoming_latency(port: int, text: str) -> float:
    words, last = _words(text)
    client = AsyncTcpClient("127.0.0.1", port)
    await client.connect()
    sent_at: float | None = None
    try:
        first: asyncio.Future[float] = asyncio.get_running_loop().create_future()

        async def read() -> None:
            while (event := await asyncio.wait_for(client.read_event(), READ_TIMEOUT_S)) is not None:
                if event.type == "audio-chunk" and not first.done():
                    first.set_result(time.perf_counter())
                if event.type == "synthesize-stopped":
                    return

        reading = asyncio.create_task(read())
        await client.write_event(SynthesizeStart(voice=SynthesizeVoice(name=VOICE)).event())
        for index, word in enumerate(words):
            await client.write_event(SynthesizeChunk(text=word).event())
            if index == last:
                sent_at = time.perf_counter()
            await asyncio.sleep(WORD_GAP_S)
        await client.write_event(SynthesizeStop().event())
        await reading
        assert sent_at is not None
        return first.result() - sent_at
    finally:
        await client.disconnect()


async def socket_latency(url: str, text: str) -> float:
    words, last = _words(text)
    sent_at: float | None = None
    first: float | None = None
    address = url.replace("http://", "ws://", 1)
    async with websockets.connect(
        f"{address}/v1/text-to-speech/{VOICE}/stream-input?output_format=pcm_24000"
    ) as socket:

        async def read() -> None:
            nonlocal first
            try:
                while True:
                    message = json.loads(await asyncio.wait_for(socket.recv(), READ_TIMEOUT_S))
                    if message.get("audio") and first is None and base64.b64decode(message["audio"]):
                        first = time.perf_counter()
            except websockets.ConnectionClosed:
                return

        reading = asyncio.create_task(read())
        await socket.send(json.dumps({"text": " "}))
        for index, word in enumerate(words):
            await socket.send(json.dumps({"text": word}))
            if index == last:
                sent_at = time.perf_counter()
            await asyncio.sleep(WORD_GAP_S)
        await socket.send(json.dumps({"text": ""}))
        await reading
    assert sent_at is not None and first is not None
    return first - sent_at


def http_first_byte(client: httpx.Client, sentence: str) -> float:
    body = {"model": "tts-1", "voice": VOICE, "input": sentence, "response_format": "pcm"}
    started = time.perf_counter()
    with client.stream("POST", "/v1/audio/speech", json=body) as response:
        response.raise_for_status()
        for _ in response.iter_bytes():
            return time.perf_counter() - started
    raise RuntimeError("no audio")


def first_chunk_seconds(engine: SpeechEngine, sentence: str) -> float:
    """The first chunk of the sentence, planned and made in this process."""
    job = SpeechJob(sentence, VOICE, normalization=engine.config.text.normalization_for())
    started = time.perf_counter()
    plan = engine.plan(job, engine.speaker(job))
    engine.synthesize_chunk(plan, 0)
    return time.perf_counter() - started


def run(reps: int, json_path: Path, smoke: bool = False) -> int:
    config = SpeechConfig.from_env()
    files = assets.resolve(config.model)
    texts = TEXTS[:1] if smoke else TEXTS
    print(f"machine: {machine()}")
    figures: dict[str, list[float]] = {"first chunk": [], "http": [], "wyoming": [], "stream-input": []}
    with tempfile.TemporaryDirectory(prefix="kokoro-bench-live-") as tmp:
        port = free_port()
        env = clean_env(**{k.removeprefix("KOKORO_SPEECH_").lower(): v for k, v in config.to_env().items()})
        env |= {
            "KOKORO_SPEECH_CACHE_DIR": tmp,
            "KOKORO_SPEECH_GRAPHS_DIR": str(config.model.made_dir),
            "KOKORO_SPEECH_RESULT_CACHE": "false",  # every HTTP request is made, as the streams are
            "KOKORO_SPEECH_WYOMING_URI": f"tcp://127.0.0.1:{port}",
            "KOKORO_SPEECH_LOG_LEVEL": "warning",
        }
        server = start_server(env, Path(tmp) / "server.log", workers=1)
        engine = SpeechEngine(config.engine, files)
        try:
            with httpx.Client(base_url=server.url, timeout=READ_TIMEOUT_S) as client:
                http_first_byte(client, "Warming up.")
                asyncio.run(wyoming_latency(port, "Warming up."))
                engine.warm_up()
                for _ in range(reps):
                    for text in texts:
                        sentence = text[: next(i for i, c in enumerate(text) if c in ".!?") + 1]
                        # One at a time, so nothing else runs while each is timed.
                        figures["first chunk"].append(first_chunk_seconds(engine, sentence))
                        figures["http"].append(http_first_byte(client, sentence))
                        figures["wyoming"].append(asyncio.run(wyoming_latency(port, text)))
                        figures["stream-input"].append(asyncio.run(socket_latency(server.url, text)))
        finally:
            engine.close()
            server.stop()
    medians = {name: statistics.median(values) for name, values in figures.items()}
    bound = medians["first chunk"] + GOAL_MARGIN_S
    print(f"\nfirst audio of text typed {WORD_GAP_S} s a word, from the first sentence's last word (median of "
          f"{len(figures['http'])}):")  # fmt: skip
    print(f"  first chunk's synthesis, in process      {medians['first chunk']:6.3f} s")
    print(f"  the same sentence whole over HTTP (TTFB) {medians['http']:6.3f} s")
    for name in ("wyoming", "stream-input"):
        verdict = "met" if medians[name] <= bound else "NOT met"
        print(f"  {name:<40} {medians[name]:6.3f} s   goal <= {bound:.3f} s: {verdict}")
    report: dict[str, Any] = {
        "machine": machine(),
        "smoke": smoke,
        "word_gap_s": WORD_GAP_S,
        "seconds": figures,
        "medians": medians,
        "goal_s": bound,
    }
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(report, indent=2))
    print(f"\nwrote {json_path}")
    return 0
