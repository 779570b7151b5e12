"""A response owns its life: its encoder, its synthesis, its cache entry, and the event loop it shares.

Against the real model in-process; the stores here are real stores, some held back by a gate so
that what happens meanwhile can be seen.
"""

from __future__ import annotations

import asyncio
import base64
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar import Litestar, Request
from litestar.stores.memory import MemoryStore
from litestar.testing import TestClient

from kokoro_speech import KokoroSpeechPlugin, SpeechConfig
from kokoro_speech.api import speech as speech_routes
from kokoro_speech.api.access.counters import WindowCounter
from kokoro_speech.api.access.limits import RateLimiter
from kokoro_speech.api.schemas import SpeechRequest
from kokoro_speech.audio import encoders
from kokoro_speech.engine import assets
from kokoro_speech.engine.engine import SpeechEngine, SynthesisStream
from kokoro_speech.engine.job import SpeechJob
from kokoro_speech.speech.background import BackgroundWork
from kokoro_speech.speech.production import Production, ProductionHooks, ProductionReader
from kokoro_speech.speech.response import AudioPiece, SpeechOutcome
from kokoro_speech.speech.service import SpeechService
from tests.support import EVENT_TIMEOUT_S, UNTUNED_SCHEDULE, base_env, wait_for, wait_ready
from tests.support.audio import decode

PARAGRAPH = (
    "The old lighthouse stood at the edge of the cliff, its white paint peeling after years of storms. "
    "Every evening the keeper climbed the spiral stairs, counting each of the one hundred and twelve steps, "
    "and lit the great lamp that warned ships away from the rocks below."
)
SPEECH = {"model": "tts-1", "voice": "af_heart", "response_format": "wav"}


@pytest.fixture(scope="module")
def cached_config(home: Path, tmp_path_factory: pytest.TempPathFactory) -> SpeechConfig:
    """The result cache on, in a folder of this module's own."""
    return SpeechConfig.from_env(base_env(home, tmp_path_factory.mktemp("cached"), **UNTUNED_SCHEDULE))


def on_the_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def test_input_with_nothing_to_say_opens_no_encoder(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[object] = []
    closed: set[int] = set()
    real_init, real_close, real_finish = (
        encoders.ContainerEncoder.__init__,
        encoders.ContainerEncoder.close,
        encoders.ContainerEncoder.finish,
    )

    def init(self: encoders.ContainerEncoder, *args: Any) -> None:
        opened.append(self)
        real_init(self, *args)

    def close(self: encoders.ContainerEncoder) -> None:
        closed.add(id(self))
        real_close(self)

    def finish(self: encoders.ContainerEncoder) -> bytes:
        closed.add(id(self))
        return real_finish(self)

    monkeypatch.setattr(encoders.ContainerEncoder, "__init__", init)
    monkeypatch.setattr(encoders.ContainerEncoder, "close", close)
    monkeypatch.setattr(encoders.ContainerEncoder, "finish", finish)
    for fmt in ("mp3", "opus", "flac"):
        response = client.post("/v1/audio/speech", json={**SPEECH, "input": "?!… —", "response_format": fmt})
        assert response.status_code == 400 and response.json()["error"]["param"] == "input"
    spoken = client.post("/v1/audio/speech", json={**SPEECH, "input": "Something to say.", "response_format": "mp3"})
    assert spoken.status_code == 200
    assert len(opened) == 1, "only the request with something to say opens an encoder"
    assert all(id(encoder) in closed for encoder in opened), "every encoder opened is finished or closed"


class GatedStore(MemoryStore):
    """A real in-memory store whose writes wait until the test opens the gate."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.writing = threading.Event()
        self.written = threading.Event()

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        self.writing.set()
        await asyncio.to_thread(self.gate.wait, EVENT_TIMEOUT_S)
        await super().set(key, value, expires_in)
        self.written.set()


def gated_app(config: SpeechConfig) -> tuple[GatedStore, Litestar]:
    store = GatedStore()
    return store, Litestar(plugins=[KokoroSpeechPlugin(config)], stores={config.cache.store: store})


def test_the_last_byte_does_not_wait_for_the_cache_and_shutdown_waits_for_it(cached_config: SpeechConfig) -> None:
    store, app = gated_app(cached_config)
    body = {**SPEECH, "input": "The answer ends before its entry is written."}
    with TestClient(app, timeout=EVENT_TIMEOUT_S) as gated:
        wait_ready(gated.get)
        first = gated.post("/v1/audio/speech", json=body)
        assert first.status_code == 200 and first.headers["x-cache"] == "MISS"
        assert len(decode(first.content, "wav")[0]) > 0
        assert store.writing.wait(EVENT_TIMEOUT_S), "the entry is being written"
        assert not store.written.is_set(), "the whole response came while its entry was still being written"
        # Shutdown finishes the write rather than losing it: the gate opens only once shutdown has begun.
        threading.Timer(0.5, store.gate.set).start()
    assert store.written.is_set()


def test_an_entry_is_answered_once_written(cached_config: SpeechConfig) -> None:
    store, app = gated_app(cached_config)
    body = {**SPEECH, "input": "Stored once the gate opens."}
    with TestClient(app, timeout=EVENT_TIMEOUT_S) as gated:
        wait_ready(gated.get)
        first = gated.post("/v1/audio/speech", json=body)
        store.gate.set()
        assert store.written.wait(EVENT_TIMEOUT_S)
        again = gated.post("/v1/audio/speech", json=body)
        assert again.headers["x-cache"] == "HIT" and again.content == first.content


@pytest.fixture
def off_loop_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, int, bool]]]:
    """Large base64, msgpack packing and unpacking, recorded with whether they ran on an event loop."""
    calls: list[tuple[str, int, bool]] = []

    def spy(name: str, real: Callable[..., Any], size: Callable[..., int]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            calls.append((name, size(*args), on_the_event_loop()))
            return real(*args, **kwargs)

        return call

    def entry_size(entry: object, *_: Any) -> int:
        return len(getattr(entry, "audio", b""))

    monkeypatch.setattr(base64, "b64encode", spy("base64", base64.b64encode, lambda data, *_: len(data)))
    monkeypatch.setattr(msgspec.msgpack, "encode", spy("pack", msgspec.msgpack.encode, entry_size))
    monkeypatch.setattr(msgspec.msgpack, "decode", spy("unpack", msgspec.msgpack.decode, lambda raw, **_: len(raw)))
    yield calls


LARGE = 512 * 1024


def test_large_work_runs_off_the_event_loop(
    cached_config: SpeechConfig, off_loop_calls: list[tuple[str, int, bool]]
) -> None:
    """The timestamps route's base64 of the whole audio, and packing and unpacking a cache entry."""
    app = Litestar(plugins=[KokoroSpeechPlugin(cached_config)])
    body = {**SPEECH, "input": PARAGRAPH}
    with TestClient(app, timeout=EVENT_TIMEOUT_S) as cached:
        wait_ready(cached.get)
        miss = cached.post("/v1/audio/speech/timestamps", json=body)
        wait_for(lambda: cached.post("/v1/audio/speech/timestamps", json=body).headers["x-cache"] == "HIT", "the entry")
    assert miss.status_code == 200 and len(base64.b64decode(miss.json()["audio"])) > LARGE
    large = [(name, on_loop) for name, size, on_loop in off_loop_calls if size > LARGE]
    assert {name for name, _ in large} == {"base64", "pack", "unpack"}
    assert not [name for name, on_loop in large if on_loop], large


@pytest.fixture
async def engine_service(app_config: SpeechConfig) -> Any:
    engine = SpeechEngine(app_config.engine, assets.resolve(app_config.model))
    service = SpeechService(engine, None, BackgroundWork(), app_config.cache, app_config.audio)
    yield service
    engine.close()


def idle_request() -> Request[Any, Any, Any]:
    """A connection whose client stays once its body (an empty object: the handler is given its data) is in: it
    never sends anything more, nor leaves."""
    sent: list[bool] = []

    async def receive() -> dict[str, Any]:
        if not sent:
            sent.append(True)
            return {"type": "http.request", "body": b"{}", "more_body": False}
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/v1/audio/speech/timestamps",
        "headers": [],
        "state": {},
        "route_handler": _UnboundedBody(),  # the handler is called without a route: its body has no bound
    }
    return Request(scope, receive)  # type: ignore[arg-type]


class _UnboundedBody:
    def resolve_request_max_body_size(self) -> None:
        return None


async def until(condition: Callable[[], bool], what: str) -> None:
    for _ in range(int(EVENT_TIMEOUT_S / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    pytest.fail(f"{what}: not seen after {EVENT_TIMEOUT_S} s")


async def test_a_timestamps_handler_that_is_cancelled_stops_its_synthesis(
    engine_service: SpeechService, app_config: SpeechConfig, tmp_path: Path
) -> None:
    lanes = engine_service.engine.lanes
    stopped_before = lanes.runs_stopped
    data = SpeechRequest(model="tts-1", input=" ".join([PARAGRAPH] * 3), voice="af_heart", response_format="wav")
    handler = asyncio.ensure_future(
        speech_routes.create_timed_speech.fn(
            data=data,
            service=engine_service,
            limiter=RateLimiter(app_config.limits, WindowCounter(tmp_path / "limits.sqlite3"), 1.0),
            request=idle_request(),
            api_config=app_config.api,
            text_config=app_config.text,
            caption_config=app_config.captions,
        )
    )
    await until(lambda: lanes.busy == 1 and lanes.runs_started >= 2, "a later chunk running")
    handler.cancel()
    with pytest.raises(asyncio.CancelledError):
        await handler
    await until(lambda: lanes.runs_stopped > stopped_before, "the running chunk stopped")
    await until(lambda: lanes.busy == 0 and lanes.waiting == 0, "the lane free")


async def _production(service: SpeechService, keep_bytes: int, hooks: ProductionHooks) -> Production:
    engine = service.engine
    job = SpeechJob(" ".join([PARAGRAPH] * 2), "af_heart", response_format="wav")
    stream = SynthesisStream(engine, engine.plan(job, engine.speaker(job)))
    await stream.start()
    return Production(job, stream, service.audio, engine.pipeline_executor, hooks, keep_bytes)


def _pieces(reader: ProductionReader | None) -> AsyncIterator[AudioPiece]:
    assert reader is not None
    return aiter(reader.pieces())


async def _take(pieces: AsyncIterator[AudioPiece], count: int | None = None) -> int:
    taken = 0
    while count is None or taken < count:
        if await anext(pieces, None) is None:
            break
        taken += 1
    return taken


async def test_a_production_too_long_to_store_keeps_only_what_a_reader_still_needs(
    engine_service: SpeechService,
) -> None:
    ends: list[str] = []
    hooks = ProductionHooks(on_complete=lambda _: ends.append("complete"), on_stop=lambda: ends.append("stop"))
    production = await _production(engine_service, 1, hooks)
    ahead = _pieces(production.reader(SpeechOutcome("af_heart", "wav", 0), "audio/wav"))
    behind = _pieces(production.reader(SpeechOutcome("af_heart", "wav", 0), "audio/wav"))
    assert await _take(ahead, 3) == 3
    assert production.held == 3, "the reader behind still needs every piece"
    assert await _take(behind, 2) == 2
    assert production.held == 1
    made = 3 + await _take(ahead)
    assert made > 3
    assert await _take(behind) == made - 2
    assert production.held == 0, "no piece is kept once every reader has it"
    assert production.reader(SpeechOutcome("af_heart", "wav", 0), "audio/wav") is None, "a late reader cannot start"
    assert ends == ["stop"], "told once that it will not be stored, never that it is whole to store"


async def test_a_production_the_cache_can_store_keeps_every_piece_for_it(engine_service: SpeechService) -> None:
    stored: list[Production] = []
    production = await _production(engine_service, 64 * 1024 * 1024, ProductionHooks(on_complete=stored.append))
    made = await _take(_pieces(production.reader(SpeechOutcome("af_heart", "wav", 0), "audio/wav")))
    assert stored == [production]
    assert production.held == made == len(production.pieces)
    late = production.reader(SpeechOutcome("af_heart", "wav", 0), "audio/wav")
    assert await _take(_pieces(late)) == made, "a reader that comes after the end still gets the whole"
