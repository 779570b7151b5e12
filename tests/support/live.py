"""Clients that hand a server text as a language model writes it: Home Assistant over Wyoming (with the wyoming
package's own client, sending what Home Assistant's ``wyoming/tts.py`` sends) and the voice-agent frameworks over
ElevenLabs' stream-input WebSocket (sending what Pipecat's and LiveKit's ElevenLabs services send)."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import websockets
from numpy.typing import NDArray
from wyoming.audio import AudioChunk, AudioStart
from wyoming.client import AsyncTcpClient
from wyoming.event import Event
from wyoming.info import Describe, Info
from wyoming.tts import Synthesize, SynthesizeChunk, SynthesizeStart, SynthesizeStop, SynthesizeVoice

READ_TIMEOUT_S = 60.0
CONNECT_TIMEOUT_S = 20.0
_TOKENS = re.compile(r"\s*[\w'’]+|\s*[^\w\s]")


def llm_deltas(text: str) -> list[str]:
    """``text`` as a language model streams it: each word with the space before it, punctuation on its own
    ("The", " kitchen", " lights", ".", " Good", ...), and a long word cut in two, as tokens cut them."""
    deltas: list[str] = []
    for token in _TOKENS.findall(text):
        if len(token.strip()) > 7:
            deltas += [token[: len(token) // 2], token[len(token) // 2 :]]
        else:
            deltas.append(token)
    assert "".join(deltas) == text
    return deltas


@dataclass
class Heard:
    """What a client got: its events or messages in order with their times, and the audio as samples."""

    kinds: list[tuple[float, str]] = field(default_factory=list)
    audio: bytearray = field(default_factory=bytearray)
    rate: int = 0
    boundaries: list[int] = field(default_factory=list)
    """Where each audio event or message's samples start, in the joined audio."""
    end_sent: float | None = None
    """When the client said its text was over (``synthesize-stop``, the empty text, ``close_context``)."""
    last_word_sent: float | None = None
    messages: list[dict[str, Any]] = field(default_factory=list)

    def first(self, kind: str) -> float:
        return next(t for t, k in self.kinds if k == kind)

    def samples(self) -> NDArray[np.float32]:
        return np.frombuffer(bytes(self.audio), dtype="<i2").astype(np.float32) / 32768.0

    @property
    def seconds(self) -> float:
        return len(self.audio) / 2 / self.rate


async def connect_wyoming(port: int) -> AsyncTcpClient:
    """A connection to the server's Wyoming port, retried while its workers start listening."""
    deadline = time.monotonic() + CONNECT_TIMEOUT_S
    while True:
        client = AsyncTcpClient("127.0.0.1", port)
        try:
            await client.connect()
            return client
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)


async def describe(port: int) -> Info:
    client = await connect_wyoming(port)
    try:
        await client.write_event(Describe().event())
        while True:
            event = await _read(client)
            if Info.is_type(event.type):
                return Info.from_event(event)
    finally:
        await client.disconnect()


async def _read(client: AsyncTcpClient) -> Event:
    event = await asyncio.wait_for(client.read_event(), READ_TIMEOUT_S)
    assert event is not None, "the server closed the connection"
    return event


def _take(heard: Heard, event: Event, started: float) -> None:
    heard.kinds.append((time.monotonic() - started, event.type))
    if AudioStart.is_type(event.type):
        heard.rate = AudioStart.from_event(event).rate
    elif AudioChunk.is_type(event.type):
        chunk = AudioChunk.from_event(event)
        assert (chunk.rate, chunk.width, chunk.channels) == (heard.rate, 2, 1), "one format for the whole stream"
        heard.boundaries.append(len(heard.audio) // 2)
        heard.audio += chunk.audio


async def home_assistant_stream(port: int, text: str, voice: str | None = "af_heart", gap_s: float = 0.15) -> Heard:
    """Home Assistant's streaming request: ``synthesize-start``, a ``synthesize-chunk`` per delta ``gap_s`` apart
    while the audio is read, the whole text again as ``synthesize``, then ``synthesize-stop``; read until
    ``synthesize-stopped``."""
    heard = Heard()
    client = await connect_wyoming(port)
    started = time.monotonic()
    wanted = SynthesizeVoice(name=voice) if voice is not None else None

    async def read() -> None:
        while True:
            event = await _read(client)
            _take(heard, event, started)
            if event.type == "synthesize-stopped":
                return

    try:
        reading = asyncio.create_task(read())
        await client.write_event(SynthesizeStart(voice=wanted).event())
        for delta in llm_deltas(text):
            await client.write_event(SynthesizeChunk(text=delta).event())
            await asyncio.sleep(gap_s)
        heard.last_word_sent = time.monotonic() - started - gap_s
        await client.write_event(Synthesize(text=text, voice=wanted).event())
        heard.end_sent = time.monotonic() - started
        await client.write_event(SynthesizeStop().event())
        await reading
    finally:
        await client.disconnect()
    return heard


async def wyoming_once(port: int, text: str, voice: str = "af_heart") -> Heard:
    """An older client's request: one ``synthesize``, read until ``audio-stop`` (or an ``error``), then a short
    look whether anything else follows."""
    heard = Heard()
    client = await connect_wyoming(port)
    started = time.monotonic()
    try:
        await client.write_event(Synthesize(text=text, voice=SynthesizeVoice(name=voice)).event())
        while True:
            event = await _read(client)
            _take(heard, event, started)
            if event.type == "error":
                heard.messages.append(event.data)
            if event.type in ("audio-stop", "error"):
                break
        try:
            extra = await asyncio.wait_for(client.read_event(), 0.5)
            if extra is not None:
                heard.kinds.append((time.monotonic() - started, extra.type))
        except TimeoutError:
            pass
    finally:
        await client.disconnect()
    return heard


# --- ElevenLabs' stream-input ---------------------------------------------------------------------------
def socket_url(server_url: str, voice: str, path: str, **query: str) -> str:
    base = server_url.replace("http://", "ws://")
    params = "&".join(f"{k}={v}" for k, v in query.items())
    return f"{base}/v1/text-to-speech/{voice}/{path}" + (f"?{params}" if params else "")


def take_message(heard: Heard, raw: str | bytes, started: float) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(raw)
    heard.messages.append(message)
    kind = "final" if message.get("isFinal") else "error" if "error" in message else "audio"
    heard.kinds.append((time.monotonic() - started, kind))
    if message.get("audio"):
        heard.boundaries.append(len(heard.audio) // 2)
        heard.audio += base64.b64decode(message["audio"])
    return message


async def read_until_closed(socket: websockets.ClientConnection, heard: Heard, started: float) -> int | None:
    """Messages until the server closes; the close code."""
    try:
        while True:
            take_message(heard, await asyncio.wait_for(socket.recv(), READ_TIMEOUT_S), started)
    except websockets.ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd is not None else None


def aligned_text(messages: list[dict[str, Any]], key: str = "alignment") -> str:
    """The text the audio messages' character alignment spells, spaces made single."""
    chars = "".join("".join(m[key]["chars"]) for m in messages if m.get(key))
    return " ".join(chars.split())
