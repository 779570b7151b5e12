"""One worker's speech: the engine it loads, the service that answers with it, and whether it is ready.

The model loads in the background so that /health answers at once. Until it is loaded the worker
is "loading" (retry shortly); a model that cannot be loaded makes it "failed" for good, with the
reason, so that clients and probes stop retrying a permanent failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import Any

import structlog
from litestar.stores.base import Store

from kokoro_speech.audio.formats import EncoderSettings
from kokoro_speech.cache.budget import MemoryBudget
from kokoro_speech.cache.config import CacheConfig
from kokoro_speech.cache.results import MAX_ENTRY_SHARE, ResultCache, fingerprint
from kokoro_speech.engine import assets
from kokoro_speech.engine.backends.reloading import ReloadingBackend
from kokoro_speech.engine.config import EngineConfig, SynthesisConfig
from kokoro_speech.engine.engine import SpeechEngine
from kokoro_speech.engine.schedule import Schedule
from kokoro_speech.engine.text_libraries import text_library_versions
from kokoro_speech.normalize.config import TextConfig
from kokoro_speech.speech.background import BackgroundWork
from kokoro_speech.speech.service import SpeechService
from kokoro_speech.speech.shared_schedule import SharedSchedule
from kokoro_speech.version import __version__

log = structlog.get_logger("kokoro_speech")


class WorkerState(enum.Enum):
    LOADING = "loading"
    READY = "ready"
    FAILED = "failed"


class ModelNotReady(RuntimeError):
    """The model is still loading: retry shortly."""


class ModelLoadFailed(RuntimeError):
    """The model could not be loaded; retrying will not help. The message says why."""


LOAD_LOOK_SECONDS = 60.0
"""How long one wait for the model's load lasts before whoever waits looks again."""
IDLE_CHECKS = 10
"""Times per idle period the worker looks whether its model has been idle that long: it is let go at most a
tenth of the period late."""
MIN_IDLE_CHECK_SECONDS = 0.1
"""Shortest wait between two looks, whatever the idle period: a look takes a lock, not the event loop's time."""


class SpeechWorker:
    def __init__(
        self,
        engine: EngineConfig,
        audio: EncoderSettings,
        cache: CacheConfig,
        shared_schedule: SharedSchedule | None = None,
    ) -> None:
        """``shared_schedule``: where servers sharing a result cache agree on the choices that change the audio."""
        self.engine_config = engine
        self.shared_schedule = shared_schedule
        self.audio = audio
        self.cache_config = cache
        self.service: SpeechService | None = None
        self.failure: str | None = None
        """Why the model could not be loaded (for operators: file names, not paths)."""
        self.background = BackgroundWork()
        self._loading: asyncio.Task[None] | None = None
        self._settled: asyncio.Event | None = None
        """Set once the model is loaded or has failed to load (one per start: an event belongs to its loop)."""
        self._on_failure: list[Callable[[str], None]] = []
        self._on_ready: list[Callable[[SpeechEngine, float], None]] = []
        self.backend: ReloadingBackend | None = None
        """What runs the model once loaded: it can let the model go (idle, or ``/dev/unload``) and load it again."""
        self._unloading: asyncio.Task[None] | None = None

    @property
    def state(self) -> WorkerState:
        if self.service is not None:
            return WorkerState.READY
        return WorkerState.LOADING if self.failure is None else WorkerState.FAILED

    @property
    def retry_after_seconds(self) -> int:
        """What a client told to come back (the model is loading, the lanes are full) should wait."""
        return self.engine_config.scheduling.retry_after_seconds

    def require_service(self) -> SpeechService:
        """The service, or ModelNotReady / ModelLoadFailed saying why there is none."""
        if self.service is not None:
            return self.service
        if self.failure is not None:
            raise ModelLoadFailed(self.failure)
        raise ModelNotReady("The model is still loading; retry shortly.")

    async def wait_settled(self, timeout_s: float) -> None:
        """Return once the model is loaded or has failed, or after ``timeout_s``, whichever comes first."""
        if self.state is WorkerState.LOADING and timeout_s > 0 and self._settled is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._settled.wait(), timeout_s)

    async def loaded(self) -> SpeechService | None:
        """The service once the model is loaded; None where it cannot be."""
        while self.state is WorkerState.LOADING:
            await self.wait_settled(LOAD_LOOK_SECONDS)
        return self.service

    def on_failure(self, callback: Callable[[str], None]) -> None:
        """Call ``callback`` with the reason if the model cannot be loaded."""
        self._on_failure.append(callback)

    def on_ready(self, callback: Callable[[SpeechEngine, float], None]) -> None:
        """Call ``callback`` with the engine and the seconds it took once the model is loaded and warmed."""
        self._on_ready.append(callback)

    def start(self, files: assets.ModelFiles, store: Store | None) -> None:
        """Load the model in the background; answer from ``store`` (a result cache) where one is given."""
        settled = self._settled = asyncio.Event()
        self._loading = asyncio.create_task(self._load(files, store))
        self._loading.add_done_callback(lambda _: settled.set())

    async def stop(self, drain_seconds: float) -> None:
        """Stop loading, let what finished responses left be stored (for at most ``drain_seconds``), close."""
        for task in (self._loading, self._unloading):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if not await self.background.drain(drain_seconds):
            log.warning("results not stored at shutdown", seconds=drain_seconds)
        if self.service is not None:
            self.service.engine.close()

    async def _load(self, files: assets.ModelFiles, store: Store | None) -> None:
        started = time.perf_counter()
        engine: SpeechEngine | None = None
        try:
            engine = await asyncio.to_thread(SpeechEngine, self.engine_config, files)
            self.backend = engine.model
            warmup = await asyncio.to_thread(engine.warm_up) if self.engine_config.model.warmup else 0.0
            if store is not None and self.shared_schedule is not None:
                engine.schedule = await self.shared_schedule.agree(self.engine_config, engine.schedule, files)
            # Reading the files through for their digest takes a moment: not on the event loop.
            key = await asyncio.to_thread(self._fingerprint, files, engine) if store is not None else ""
            self.service = self._service(engine, store, key)
        except Exception as error:
            if engine is not None:
                engine.close()
            self._failed(_reason(files, error))
            return
        load_s = time.perf_counter() - started
        idle_s = self.engine_config.backend.idle_unload_seconds
        if idle_s > 0:
            self._unloading = asyncio.create_task(self._unload_when_idle(idle_s))
        for callback in self._on_ready:
            try:
                callback(engine, load_s)
            except Exception:
                log.exception("model ready callback failed")
        info = engine.backend.info
        log.info(
            "engine ready",
            model=files.model.name,
            backend=info.backend,
            provider=info.provider,
            variant=info.variant,
            precision=info.precision,
            fallbacks=engine.load_report.fallbacks or None,
            lanes=engine.lanes.lanes,
            threads=engine.config.onnx.threads(),
            schedule=engine.schedule.summary(),
            load_s=round(load_s, 3),
            warmup_s=round(warmup, 3),
        )

    async def unload(self) -> bool:
        """Free the model's memory now, unless a run is in flight; whether it is unloaded."""
        return self.backend is not None and await asyncio.to_thread(self.backend.unload)

    async def _unload_when_idle(self, idle_s: float) -> None:
        backend = self.backend
        assert backend is not None and self.service is not None
        lanes = self.service.engine.lanes
        while True:
            await asyncio.sleep(max(MIN_IDLE_CHECK_SECONDS, idle_s / IDLE_CHECKS))
            # A stream whose client reads slowly is not idle: its next chunk would wait for a load.
            if backend.loaded and backend.idle_seconds() >= idle_s and lanes.streams == 0 and lanes.waiting == 0:
                try:
                    await self.unload()
                except Exception:
                    log.exception("the idle model could not be let go; it stays loaded")

    def _fingerprint(self, files: assets.ModelFiles, engine: SpeechEngine) -> str:
        """What, besides the request, decides a response: model and voices files, what runs the model (graph,
        precision and provider change the audio a little), the settings and measured choices that change the
        audio, code version, the versions of the text path's libraries, and whether word timings are made (an
        entry without them cannot answer a request for them).

        The files count by their content: servers that each downloaded the same release share a Redis cache,
        and a file's path or time would keep their entries apart."""
        contents = [assets.sha256_of(path) for path in (files.model, files.voices)]
        backend = engine.backend
        config = self.engine_config
        heard = audible(config.synthesis, engine.schedule, self.audio, config.text, text_library_versions())
        return fingerprint(__version__, contents, asdict(backend.info), heard, backend.has_durations)

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
            limit = self.cache_config.max_bytes // MAX_ENTRY_SHARE
            budget = MemoryBudget(self.cache_config.hit_memory_bytes)
            cache = ResultCache(store, self.cache_config.ttl_seconds, limit, fingerprint, budget)
        return SpeechService(engine, cache, self.background, self.cache_config, self.audio)


def audible(
    synthesis: SynthesisConfig,
    schedule: Schedule,
    audio: EncoderSettings,
    text: TextConfig,
    libraries: Mapping[str, str | None],
) -> dict[str, Any]:
    """What changes a response's bytes for the same request, besides the model: the synthesis settings, the
    measured choices that change the audio, the encoders' settings, the text settings (``max_pause_seconds``
    caps joined pauses; the rest only refuse or are in the request's own key, and cost at most a cold cache
    when changed) and the versions of the libraries that read the text. A setting that changes the audio
    belongs in one of these, so no cache key can forget it."""
    return {
        "synthesis": asdict(synthesis),
        "schedule": schedule.audible(),
        "audio": asdict(audio),
        "text": asdict(text),
        "libraries": dict(sorted(libraries.items())),
    }


def _reason(files: assets.ModelFiles, error: Exception) -> str:
    """The error, with the folders of the model files left out: an operator knows where they are."""
    message = str(error) or type(error).__name__
    for path in (files.model, files.voices):
        message = message.replace(str(path), path.name).replace(str(path.parent), "<model folder>")
    return f"{files.model.name} could not be loaded: {message}"
