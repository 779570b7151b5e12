"""What one worker process holds: the engine once loaded, the cache, and readiness."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from litestar import Litestar
from litestar.stores.base import Store

from kokoro_speech.cache import MAX_ENTRY_SHARE, ResultCache, SQLiteStore
from kokoro_speech.config import SpeechConfig
from kokoro_speech.engine import assets
from kokoro_speech.engine.engine import SpeechEngine
from kokoro_speech.service import SpeechService
from kokoro_speech.version import __version__

log = structlog.get_logger("kokoro_speech")

STATE_KEY = "kokoro_speech"
# Settings that change the audio for the same request; part of every cache key.
_AUDIO_SETTINGS = (
    "first_chunk_tokens",
    "chunk_tokens",
    "sentence_pause_seconds",
    "clause_pause_seconds",
    "mp3_bitrate",
    "aac_bitrate",
    "opus_bitrate",
    "ogg_page_ms",
    "model_speed_min",
    "model_speed_max",
)


class SpeechRuntime:
    """Loads the engine in the background so /health answers at once and /ready says when."""

    def __init__(self, config: SpeechConfig) -> None:
        self.config = config
        self.service: SpeechService | None = None
        self.error: str | None = None
        self.owned_store: SQLiteStore | None = None
        """The result store the plugin created (and so closes); None when the app brought its own."""
        self._loading: asyncio.Task[None] | None = None

    @asynccontextmanager
    async def lifespan(self, app: Litestar) -> AsyncIterator[None]:
        # Missing files fail the start at once, with the message saying what to do.
        files = await asyncio.to_thread(assets.resolve, self.config)
        store = app.stores.get(self.config.result_cache_store) if self.config.result_cache else None
        self._loading = asyncio.create_task(self._load(files, store))
        try:
            yield
        finally:
            self._loading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loading
            if self.service is not None:
                self.service.engine.close()
            if self.owned_store is not None:
                self.owned_store.close()

    def _fingerprint(self, files: assets.ModelFiles, engine: SpeechEngine) -> str:
        """What, besides the request, decides a response: model and voices files, settings, code version,
        and whether word timings are made (an entry without them cannot answer a request for them)."""
        stats = [f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in (files.model, files.voices)]
        settings = [str(getattr(self.config, name)) for name in _AUDIO_SETTINGS]
        return "|".join([__version__, *stats, *settings, f"durations:{engine.model.has_durations}"])

    async def _load(self, files: assets.ModelFiles, store: Store | None) -> None:
        started = time.perf_counter()
        try:
            engine = await asyncio.to_thread(SpeechEngine, self.config, files)
            warmup = await asyncio.to_thread(engine.warm_up) if self.config.warmup else 0.0
        except Exception:
            # Details go to the log; clients only learn that the model is not available.
            self.error = "The speech model failed to load; see the server log."
            log.exception("engine load failed", model=str(files.model))
            return
        cache = None
        if store is not None:
            cache = ResultCache(
                store,
                self.config.result_cache_ttl_seconds,
                self.config.result_cache_max_bytes // MAX_ENTRY_SHARE,
                self._fingerprint(files, engine),
            )
        self.service = SpeechService(self.config, engine, cache)
        log.info(
            "engine ready",
            model=files.model.name,
            lanes=engine.lanes.lanes,
            threads=self.config.resolved_threads(),
            load_s=round(time.perf_counter() - started, 3),
            warmup_s=round(warmup, 3),
        )
