"""What one worker process holds: the engine once loaded, the cache, background work, readiness.

The model loads in the background so that /health answers at once. Until it is loaded the
runtime is "loading" (retry shortly); a model that cannot be loaded makes it "failed" for
good, with the reason, so that clients and probes stop retrying a permanent failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict

import structlog
from litestar import Litestar
from litestar.stores.base import Store
from litestar.stores.redis import RedisStore

from kokoro_speech.api.access.counters import Counter, WindowCounter
from kokoro_speech.api.access.limits import RateLimiter
from kokoro_speech.api.access.redis_counter import FailoverCounter, RedisWindowCounter
from kokoro_speech.cache import MAX_ENTRY_SHARE, ResultCache, SQLiteStore, fingerprint
from kokoro_speech.cache.failover import FailoverStore
from kokoro_speech.config import SpeechConfig
from kokoro_speech.engine import assets
from kokoro_speech.engine.engine import SpeechEngine
from kokoro_speech.infra import metrics
from kokoro_speech.infra.shared_state import Failover, redis_client
from kokoro_speech.speech.background import BackgroundWork
from kokoro_speech.speech.service import SpeechService
from kokoro_speech.version import __version__

log = structlog.get_logger("kokoro_speech")


class RuntimeState(enum.Enum):
    LOADING = "loading"
    READY = "ready"
    FAILED = "failed"


class ModelNotReady(RuntimeError):
    """The model is still loading: retry shortly."""


class ModelLoadFailed(RuntimeError):
    """The model could not be loaded; retrying will not help. The message says why."""


class SpeechRuntime:
    def __init__(self, config: SpeechConfig) -> None:
        self.config = config
        self.service: SpeechService | None = None
        self.failure: str | None = None
        """Why the model could not be loaded (for operators: file names, not paths)."""
        self.background = BackgroundWork()
        self.owned_store: SQLiteStore | FailoverStore | None = None
        """The result store the plugin created (and so closes); None when the app brought its own."""
        redis = config.redis
        self.redis = redis_client(redis) if redis.enabled else None
        """The client of the Redis that servers share (cache and limits), if one is configured."""
        local = WindowCounter(config.limits_db)
        counter: Counter = local
        if self.redis is not None:
            shared = RedisWindowCounter(self.redis, f"{redis.prefix}:limits")
            counter = FailoverCounter(shared, local, Failover("limits", redis.retry_seconds))
        self.limiter = RateLimiter(config.limits, counter, config.scheduling.retry_after_seconds)
        self._scheduler_metrics: metrics.SchedulerMetrics | None = None
        self._loading: asyncio.Task[None] | None = None
        self._settled: asyncio.Event | None = None
        """Set once the model is loaded or has failed to load (one per lifespan: an event belongs to its loop)."""
        self._on_failure: list[Callable[[str], None]] = []
        self._on_ready: list[Callable[[], None]] = []

    @property
    def state(self) -> RuntimeState:
        if self.service is not None:
            return RuntimeState.READY
        return RuntimeState.LOADING if self.failure is None else RuntimeState.FAILED

    def require_service(self) -> SpeechService:
        """The service, or ModelNotReady / ModelLoadFailed saying why there is none."""
        if self.service is not None:
            return self.service
        if self.failure is not None:
            raise ModelLoadFailed(self.failure)
        raise ModelNotReady("The model is still loading; retry shortly.")

    def result_store(self) -> SQLiteStore | FailoverStore:
        """A new result store: this server's SQLite file, in front of it Redis where one is configured."""
        local = SQLiteStore(self.config.results_db, self.config.cache.max_bytes)
        if self.redis is None:
            return local
        shared = RedisStore(self.redis, namespace=f"{self.config.redis.prefix}:results")
        return FailoverStore(shared, local, Failover("cache", self.config.redis.retry_seconds))

    async def wait_settled(self, timeout_s: float) -> None:
        """Return once the model is loaded or has failed, or after ``timeout_s``, whichever comes first."""
        if self.state is RuntimeState.LOADING and timeout_s > 0 and self._settled is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._settled.wait(), timeout_s)

    def copy_metrics(self) -> None:
        """The engine's counts into the metrics (at each request's start and end)."""
        if self._scheduler_metrics is not None:
            self._scheduler_metrics.copy()

    def on_failure(self, callback: Callable[[str], None]) -> None:
        """Call ``callback`` with the reason if the model cannot be loaded."""
        self._on_failure.append(callback)

    def on_ready(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the model is loaded and warmed."""
        self._on_ready.append(callback)

    @asynccontextmanager
    async def lifespan(self, app: Litestar) -> AsyncIterator[None]:
        # Missing files fail the start at once, with the message saying what to do.
        files = await asyncio.to_thread(assets.resolve, self.config.model)
        store = app.stores.get(self.config.cache.store) if self.config.cache.enabled else None
        settled = self._settled = asyncio.Event()
        self._loading = asyncio.create_task(self._load(files, store))
        self._loading.add_done_callback(lambda _: settled.set())
        try:
            yield
        finally:
            self._loading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loading
            # What finished responses left to store is stored before the store closes.
            drained = await self.background.drain(self.config.cache.drain_seconds)
            if not drained:
                log.warning("results not stored at shutdown", seconds=self.config.cache.drain_seconds)
            if self.service is not None:
                self.service.engine.close()
            if self.owned_store is not None:
                await self.owned_store.close()
            await asyncio.to_thread(self.limiter.close)
            if self.redis is not None:
                await self.redis.aclose()

    def _fingerprint(self, files: assets.ModelFiles, engine: SpeechEngine) -> str:
        """What, besides the request, decides a response: model and voices files, what runs the model (graph,
        precision and provider change the audio a little), the settings that change the audio, code version,
        and whether word timings are made (an entry without them cannot answer a request for them).

        The files count by their content: servers that each downloaded the same release share a Redis cache,
        and a file's path or time would keep their entries apart."""
        contents = [assets.sha256_of(path) for path in (files.model, files.voices)]
        backend = engine.backend
        return fingerprint(
            __version__, contents, asdict(backend.info), engine.config.output_settings(), backend.has_durations
        )

    async def _load(self, files: assets.ModelFiles, store: Store | None) -> None:
        started = time.perf_counter()
        engine: SpeechEngine | None = None
        try:
            engine = await asyncio.to_thread(SpeechEngine, self.config, files)
            warmup = await asyncio.to_thread(engine.warm_up) if self.config.model.warmup else 0.0
            # Reading the files through for their digest takes a moment: not on the event loop.
            key = await asyncio.to_thread(self._fingerprint, files, engine) if store is not None else ""
            self.service = self._service(engine, store, key)
        except Exception as error:
            if engine is not None:
                engine.close()
            self._failed(_reason(files, error))
            return
        load_s = time.perf_counter() - started
        info = engine.backend.info
        metrics.forget_dead_workers()
        metrics.model_loaded(load_s, info.backend, info.provider, info.variant, info.precision)
        self._scheduler_metrics = metrics.SchedulerMetrics(engine.lanes)
        engine.lanes.on_change = self._scheduler_metrics.copy
        for callback in self._on_ready:
            try:
                callback()
            except Exception:
                log.exception("model ready callback failed")
        log.info(
            "engine ready",
            model=files.model.name,
            backend=engine.backend.info.backend,
            provider=engine.backend.info.provider,
            variant=engine.backend.info.variant,
            precision=engine.backend.info.precision,
            fallbacks=engine.load_report.fallbacks or None,
            lanes=engine.lanes.lanes,
            threads=engine.config.onnx.threads(),
            schedule=engine.schedule.summary(),
            load_s=round(load_s, 3),
            warmup_s=round(warmup, 3),
        )

    def _failed(self, reason: str) -> None:
        self.failure = reason
        log.error("model load failed", reason=reason, exc_info=True)
        for callback in self._on_failure:
            try:
                callback(reason)
            except Exception:
                log.exception("model load failure callback failed")

    def _service(self, engine: SpeechEngine, store: Store | None, fingerprint: str) -> SpeechService:
        cache = None
        if store is not None:
            cache_config = self.config.cache
            cache = ResultCache(store, cache_config.ttl_seconds, cache_config.max_bytes // MAX_ENTRY_SHARE, fingerprint)
        return SpeechService(engine.config, engine, cache, self.background)


def _reason(files: assets.ModelFiles, error: Exception) -> str:
    """The error, with the folders of the model files left out: an operator knows where they are."""
    message = str(error) or type(error).__name__
    for path in (files.model, files.voices):
        message = message.replace(str(path), path.name).replace(str(path.parent), "<model folder>")
    return f"{files.model.name} could not be loaded: {message}"
