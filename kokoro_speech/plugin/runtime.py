"""What the plugin holds per application (so per worker process), made from its config: the speech worker
that loads the model, the result store, the Redis servers share, the rate limiter, the metrics; and what it
offers the application for them: its providers and its lifespan (as advanced-alchemy's config offers the
session's)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import structlog
from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide

from kokoro_speech.api.access.counters import Counter, WindowCounter
from kokoro_speech.api.access.limits import RateLimiter
from kokoro_speech.api.access.redis_counter import FailoverCounter, RedisWindowCounter
from kokoro_speech.api.downloads import Downloads
from kokoro_speech.cache.failover import FailoverStore, SizedRedisStore
from kokoro_speech.cache.sqlite import SQLiteStore
from kokoro_speech.config import SpeechConfig
from kokoro_speech.engine import assets
from kokoro_speech.engine.engine import SpeechEngine
from kokoro_speech.engine.joins import SAMPLE_RATE
from kokoro_speech.infra import metrics
from kokoro_speech.infra.shared_state import Failover, redis_client
from kokoro_speech.jobs.maker import JobMaker
from kokoro_speech.jobs.queue import JobQueue
from kokoro_speech.jobs.reaper import Reaper
from kokoro_speech.jobs.runner import JobRunner, worker_name
from kokoro_speech.jobs.service import JobService
from kokoro_speech.jobs.store import JobStore
from kokoro_speech.speech.service import SpeechService
from kokoro_speech.speech.shared_schedule import SharedSchedule
from kokoro_speech.speech.worker import SpeechWorker
from kokoro_speech.wyoming_server.handler import WyomingContext
from kokoro_speech.wyoming_server.info import wyoming_info
from kokoro_speech.wyoming_server.listener import WyomingListener

log = structlog.get_logger("kokoro_speech")

Provider = Callable[[State], Awaitable[Any]]
_OWN = (
    "worker", "service", "limiter", "api_config", "text_config", "caption_config", "live_config", "downloads", "jobs",
    "jobs_config",
)  # fmt: skip
"""What the plugin's own handlers take (the application's take the runtime, the service and the config)."""


class SpeechRuntime:
    def __init__(self, config: SpeechConfig) -> None:
        self.config = config
        redis = config.redis
        self.redis = redis_client(redis) if redis.enabled else None
        """The client of the Redis that servers share (cache, limits, the schedule), if one is configured."""
        schedule = SharedSchedule(self.redis, redis.prefix) if self.redis is not None else None
        self.worker = SpeechWorker(config.engine, config.audio, config.cache, schedule)
        self.owned_store: SQLiteStore | FailoverStore | None = None
        """The result store the plugin created (and so closes); None when the app brought its own."""
        local = WindowCounter(config.limits_db)
        counter: Counter = local
        if self.redis is not None:
            shared = RedisWindowCounter(self.redis, f"{redis.prefix}:limits")
            counter = FailoverCounter(shared, local, Failover("limits", redis.retry_seconds))
        self.limiter = RateLimiter(config.limits, counter, config.scheduling.retry_after_seconds)
        self.downloads = Downloads(
            config.model.cache_dir / "downloads",
            config.api.download_seconds,
            config.api.download_max_files,
            config.audio,
        )
        """Responses saved whole for Kokoro-FastAPI's download links, in a folder the workers share."""
        self._scheduler_metrics: metrics.SchedulerMetrics | None = None
        self.worker.on_ready(self._count)
        self.wyoming: WyomingListener | None = None
        """This worker's Wyoming port, once its model is loaded, where one is configured."""
        self._wyoming_start: asyncio.Task[None] | None = None
        store = JobStore(config.jobs_dir)
        self.job_queue = JobQueue(config.jobs_dir, redis)
        self.jobs = JobService(store, self.job_queue, config.jobs, SAMPLE_RATE)
        """Long-form jobs: accepted here, made by this server's workers or by ``kokoro-speech worker``."""
        self.reaper = Reaper(store, self.job_queue, config.jobs)
        self._job_tasks: list[asyncio.Task[None]] = []

    @property
    def service(self) -> SpeechService | None:
        """The worker's service once its model is loaded."""
        return self.worker.service

    def result_store(self) -> SQLiteStore | FailoverStore:
        """A new result store: this server's SQLite file, in front of it Redis where one is configured."""
        local = SQLiteStore(self.config.results_db, self.config.cache.max_bytes)
        if self.redis is None:
            return local
        shared = SizedRedisStore(self.redis, namespace=f"{self.config.redis.prefix}:results")
        return FailoverStore(shared, local, Failover("cache", self.config.redis.retry_seconds))

    def copy_metrics(self) -> None:
        """The engine's counts into the metrics (at each request's start and end)."""
        if self._scheduler_metrics is not None:
            self._scheduler_metrics.copy()

    def _count(self, engine: SpeechEngine, load_s: float) -> None:
        info = engine.backend.info
        metrics.forget_dead_workers()
        metrics.model_loaded(load_s, info.backend, info.provider, info.variant, info.precision)
        self._scheduler_metrics = metrics.SchedulerMetrics(engine.lanes)
        engine.lanes.on_change = self._scheduler_metrics.copy
        if self.worker.backend is not None:
            self.worker.backend.on_load = metrics.model_reloaded
            self.worker.backend.on_unload = metrics.model_unloaded

    @asynccontextmanager
    async def lifespan(self, app: Litestar) -> AsyncIterator[None]:
        # Missing files fail the start at once, with the message saying what to do.
        files = await asyncio.to_thread(assets.resolve, self.config.model)
        store = app.stores.get(self.config.cache.store) if self.config.cache.enabled else None
        self.worker.start(files, store)
        if self.config.wyoming.enabled:
            self._wyoming_start = asyncio.create_task(self._listen_wyoming())
            self._wyoming_start.add_done_callback(_report_wyoming)
        self._job_tasks.append(asyncio.create_task(self._reap()))
        if self.config.jobs.runs_in_server(self.redis is not None):
            self._job_tasks.append(asyncio.create_task(self._make_jobs()))
        try:
            yield
        finally:
            # A unit of a job in hand goes back to the queue for another worker (or this server's next start).
            for task in self._job_tasks:
                task.cancel()
            await asyncio.gather(*self._job_tasks, return_exceptions=True)
            await asyncio.to_thread(self.job_queue.close)
            await self._stop_wyoming()
            # What finished responses left to store is stored before the store closes.
            await self.worker.stop(self.config.cache.drain_seconds)
            if self.owned_store is not None:
                await self.owned_store.close()
            await asyncio.to_thread(self.limiter.close)
            if self.redis is not None:
                await self.redis.aclose()

    async def _listen_wyoming(self) -> None:
        """Listen for Wyoming once the model is loaded (a describe is answered at once, never after a load)."""
        service = await self.worker.loaded()
        if service is None:
            return  # the model failed to load: /ready says why, and nothing listens

        async def current_service() -> SpeechService:
            await self.worker.wait_settled(self.config.api.load_wait_seconds)
            return self.worker.require_service()

        info = wyoming_info(service.engine.voices.infos()).event()
        config = self.config
        context = WyomingContext(info, current_service, config.wyoming, config.live, config.api.max_audio_seconds)
        listener = WyomingListener(context)
        await listener.start()
        self.wyoming = listener

    async def _reap(self) -> None:
        """Every worker looks after the jobs (what one takes back, the others find taken)."""
        while True:
            try:
                await asyncio.to_thread(self.reaper.sweep)
            except Exception:
                log.exception("looking after the jobs failed")
            await asyncio.sleep(self.config.jobs.reap_seconds)

    async def _make_jobs(self) -> None:
        """Make jobs here once the model is loaded (their chunks wait behind every request's)."""
        service = await self.worker.loaded()
        if service is None:
            return
        config = self.config
        maker = JobMaker(service.engine, self.jobs.store, self.job_queue, config.jobs, config.captions, worker_name())
        await JobRunner(self.job_queue, maker, config.jobs.poll_seconds).run()

    async def _stop_wyoming(self) -> None:
        if self._wyoming_start is not None and not self._wyoming_start.done():
            self._wyoming_start.cancel()
        if self.wyoming is not None:
            await self.wyoming.stop()

    def providers(self) -> dict[str, Provider]:
        """What the plugin's handlers receive, by name: each read from the application state, so that one
        application's handlers reach its own runtime (coroutines: no thread to hand off to)."""
        key = self.config.state_key

        def current(state: State) -> SpeechRuntime:
            found: SpeechRuntime = state[key]
            return found

        async def runtime(state: State) -> SpeechRuntime:
            return current(state)

        async def worker(state: State) -> SpeechWorker:
            return current(state).worker

        async def service(state: State) -> SpeechService:
            # A worker that replaces another loads in seconds: its first callers wait rather than hear 503.
            found = current(state)
            await found.worker.wait_settled(found.config.api.load_wait_seconds)
            return found.worker.require_service()

        async def config(state: State) -> SpeechConfig:
            return current(state).config

        async def limiter(state: State) -> RateLimiter:
            return current(state).limiter

        async def downloads(state: State) -> Downloads:
            return current(state).downloads

        async def jobs(state: State) -> JobService:
            return current(state).jobs

        def part(name: str) -> Provider:
            async def read(state: State) -> Any:
                return getattr(current(state).config, name)

            return read

        return {
            "runtime": runtime,
            "worker": worker,
            "service": service,
            "config": config,
            "limiter": limiter,
            "downloads": downloads,
            "jobs": jobs,
            "jobs_config": part("jobs"),
            "api_config": part("api"),
            "text_config": part("text"),
            "caption_config": part("captions"),
            "live_config": part("live"),
        }

    def dependencies(self) -> dict[str, Provide]:
        """The providers under the names the plugin's own handlers take."""
        return {name: Provide(provider) for name, provider in self.providers().items() if name in _OWN}

    def application_dependencies(self) -> dict[str, Provide]:
        """The providers the application's own handlers may take, under the configured keys (made apart from
        :meth:`dependencies`: Litestar refuses one provider under two names)."""
        providers = self.providers()
        return {key: Provide(providers[name]) for name, key in self.config.dependency_keys().items()}


def _report_wyoming(task: asyncio.Task[None]) -> None:
    """A Wyoming port that could not be listened on is said in the log, not lost with its task."""
    if not task.cancelled() and (error := task.exception()) is not None:
        log.error("wyoming not listening: its port could not be opened", error=str(error))
