"""The result cache through the API, in-process against the real model: what enters a key, what a hit
gives back for every way of asking, and what is never stored."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator, Mapping
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.stores.memory import MemoryStore
from litestar.testing import TestClient

from kokoro_speech import KokoroSpeechPlugin, SpeechConfig, create_app
from tests.support import UNTUNED_SCHEDULE, base_env, wait_for, wait_ready
from tests.support.audio import decode, duration

BODY = {"model": "tts-1", "voice": "af_heart", "input": "It costs $5 at the shop, Tom.", "response_format": "mp3"}


def open_client(app: Litestar) -> Iterator[TestClient]:
    with TestClient(app, timeout=120) as client:
        wait_ready(client.get)
        yield client


@pytest.fixture(scope="module")
def cached(home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    config = SpeechConfig.from_env(base_env(home, tmp_path_factory.mktemp("results"), **UNTUNED_SCHEDULE))
    yield from open_client(create_app(config))


def stored(client: TestClient, path: str, body: Mapping[str, object]) -> None:
    """Wait until ``body`` is answered from the cache (entries are written once the response is over)."""
    wait_for(lambda: client.post(path, json=body).headers["x-cache"] == "HIT", f"the entry of {body}")


def test_every_field_that_changes_the_audio_is_in_the_key(cached: TestClient) -> None:
    first = cached.post("/v1/audio/speech", json=BODY)
    assert first.headers["x-cache"] == "MISS"
    stored(cached, "/v1/audio/speech", BODY)
    changes: list[dict[str, object]] = [
        {"normalization": {"money": False}},
        {"normalization": {"normalize": False}},
        {"lang": "en-gb"},
        {"input": "ɪt kˈɔsts fˈaɪv dˈɑːlɚz.", "input_type": "phonemes"},
        {"input": "ɪt kˈɔsts fˈaɪv dˈɑːlɚz."},
        {"speed": 1.1},
        {"voice": "af_sky"},
        {"voice": "af_heart(1)+af_sky(1)"},
        {"response_format": "opus"},
    ]
    for change in changes:
        body = {**BODY, **change}
        changed = cached.post("/v1/audio/speech", json=body)
        assert changed.status_code == 200 and changed.headers["x-cache"] == "MISS", change
        stored(cached, "/v1/audio/speech", body)
    # What does not change the audio shares the entry: the OpenAI name of the same voice, the model name.
    same = cached.post("/v1/audio/speech", json={**BODY, "voice": "coral", "model": "kokoro"})
    assert same.headers["x-cache"] == "HIT" and same.content == first.content


def sse_events(client: TestClient, body: dict[str, object]) -> tuple[str, list[dict[str, Any]]]:
    response = client.post("/v1/audio/speech", json=body)
    assert response.status_code == 200
    return response.headers["x-cache"], [
        json.loads(line[6:]) for line in response.text.splitlines() if line.startswith("data: ")
    ]


def test_a_hit_of_sse_with_words_gives_the_same_audio_and_words(cached: TestClient) -> None:
    body = {**BODY, "input": "Words and audio, from the cache.", "stream_format": "sse", "timestamps": True}
    miss, made = sse_events(cached, body)
    stored(cached, "/v1/audio/speech", body)
    hit, again = sse_events(cached, body)
    assert (miss, hit) == ("MISS", "HIT")

    def audio(events: list[dict[str, Any]]) -> bytes:
        return b"".join(base64.b64decode(e["audio"]) for e in events if e["type"] == "speech.audio.delta")

    def words(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [w for e in events for w in e.get("words", [])]

    assert audio(again) == audio(made) and duration(audio(again), "mp3") > 1
    assert words(again) == words(made) and " ".join(w["word"] for w in words(again)) == body["input"]
    assert again[-1]["usage"] == made[-1]["usage"]


def test_a_hit_of_the_timestamps_route_gives_the_same_answer(cached: TestClient) -> None:
    body = {**BODY, "input": "Timed once, answered twice.", "response_format": "wav"}
    made = cached.post("/v1/audio/speech/timestamps", json=body)
    assert made.headers["x-cache"] == "MISS"
    stored(cached, "/v1/audio/speech/timestamps", body)
    hit = cached.post("/v1/audio/speech/timestamps", json=body)
    assert hit.headers["x-cache"] == "HIT" and hit.json() == made.json()
    assert len(decode(base64.b64decode(hit.json()["audio"]), "wav")[0]) > 0
    # The speech route and the timestamps route share the entry.
    assert cached.post("/v1/audio/speech", json=body).headers["x-cache"] == "HIT"


def test_an_entry_over_its_share_of_the_cache_is_not_stored(home: Path, tmp_path: Path) -> None:
    # 400 kB of cache: an entry may take a quarter of it, 100 kB.
    config = SpeechConfig.from_env(base_env(home, tmp_path, result_cache_max_bytes="400000", **UNTUNED_SCHEDULE))
    for client in open_client(create_app(config)):
        text = "This sentence takes a few seconds to say, so its wave file is far too large for this cache."
        small = {**BODY, "input": text, "response_format": "mp3"}
        large = {**small, "response_format": "wav"}
        assert len(client.post("/v1/audio/speech", json=large).content) > 100_000
        assert len(client.post("/v1/audio/speech", json=small).content) < 100_000
        stored(client, "/v1/audio/speech", small)
        assert client.post("/v1/audio/speech", json=large).headers["x-cache"] == "MISS"


class BrokenStore(MemoryStore):
    """A store whose every read and write fails, as a full disk or a lost Redis does."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = self.writes = 0

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        self.reads += 1
        raise OSError("the store is gone")

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        self.writes += 1
        raise OSError("the store is gone")

    def wrote_since(self, writes: int) -> bool:
        return self.writes > writes


def test_a_failing_store_is_a_miss_never_a_failed_request(app_config: SpeechConfig, tmp_path: Path) -> None:
    store = BrokenStore()
    config = SpeechConfig.from_env({**app_config.to_env(), "KOKORO_SPEECH_RESULT_CACHE": "true"})
    app = Litestar(plugins=[KokoroSpeechPlugin(config)], stores={config.cache.store: store})
    for client in open_client(app):
        for _ in range(2):
            before = store.writes
            response = client.post("/v1/audio/speech", json=BODY)
            assert response.status_code == 200 and response.headers["x-cache"] == "MISS"
            assert duration(response.content, "mp3") > 1
            # Until its entry is written, a finished speech answers its repeats itself (a HIT from memory, the
            # same bytes): only once the write has failed is the next request left to the store.
            wait_for(partial(store.wrote_since, before), "the write tried")
        assert store.reads >= 2
