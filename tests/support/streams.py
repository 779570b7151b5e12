"""Speech streams read the way a client reads them, on a thread, for tests that do something meanwhile."""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.support import EVENT_TIMEOUT_S, Server
from tests.support.audio import decode, level_dbfs


@dataclass
class SseReader:
    """An SSE speech stream read on a thread: its worker, its audio, and whether it ended with done."""

    server: Server
    text: str
    worker: str | None = None
    audio: bytearray = field(default_factory=bytearray)
    done: bool = False
    events: list[dict[str, Any]] = field(default_factory=list)
    error: Exception | None = None
    started: threading.Event = field(default_factory=threading.Event)
    ended: threading.Event = field(default_factory=threading.Event)
    response: httpx.Response | None = None

    def start(self) -> SseReader:
        threading.Thread(target=self._read, daemon=True).start()
        assert self.started.wait(EVENT_TIMEOUT_S), "the stream never started"
        return self

    def _read(self) -> None:
        body = {"model": "tts-1", "voice": "af_heart", "input": self.text, "stream_format": "sse"}
        try:
            with httpx.stream("POST", self.server.url + "/v1/audio/speech", json=body, timeout=EVENT_TIMEOUT_S) as r:
                self.response = r
                self.worker = r.headers["x-worker-pid"]
                self.started.set()
                for line in r.iter_lines():
                    if not line.startswith("data: "):
                        continue
                    event = json.loads(line[len("data: ") :])
                    self.events.append({k: v for k, v in event.items() if k != "audio"})
                    if event["type"] == "speech.audio.delta":
                        self.audio.extend(base64.b64decode(event["audio"]))
                    elif event["type"] == "speech.audio.done":
                        self.done = True
        except Exception as error:  # the test reads what happened
            self.error = error
        finally:
            self.started.set()
            self.ended.set()

    def wait(self) -> SseReader:
        assert self.ended.wait(EVENT_TIMEOUT_S), "the stream never ended"
        return self

    def decoded(self) -> tuple[float, float]:
        """Seconds and level of the mp3 received, decoded by PyAV."""
        samples, rate = decode(bytes(self.audio), "mp3")
        return len(samples) / rate, level_dbfs(samples)
