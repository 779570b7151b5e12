"""A backend that can let its model go and load it again on the next run: a home machine's server need not keep
the model's memory while nobody speaks (Kokoro-FastAPI's ``/dev/unload``; speaches unloads idle models too).

A run's control is its own, not the loaded graph's: it is handed to whichever graph runs it, so an unload
between a run's control and its start changes nothing for it.

The graph it loads again is the one the engine chose and measured, so nothing is chosen or tuned twice. A run
that finds the model gone loads it first, on its own lane's thread: that request's first audio pays the load
(the log and the metrics say so), no other waits on the event loop. Unloading waits for no run: it is refused
while any is in flight, and tried again at the next idle check.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np
import structlog
from numpy.typing import NDArray

from kokoro_speech.engine.assets import ModelFiles
from kokoro_speech.engine.backends import loading
from kokoro_speech.engine.backends.base import Backend, BackendInfo, InferenceAborted, ModelOutput, RunControl
from kokoro_speech.engine.config import EngineConfig

log = structlog.get_logger("kokoro_speech")


class ReloadingBackend:
    """``Backend`` around one that ``reopen`` makes again after :meth:`unload`."""

    def __init__(
        self,
        backend: Backend,
        reopen: Callable[[], Backend],
        on_load: Callable[[float], None] | None = None,
        on_unload: Callable[[], None] | None = None,
    ) -> None:
        self.info: BackendInfo = backend.info
        self._has_durations = backend.has_durations
        self._backend: Backend | None = backend
        self._reopen = reopen
        self.on_load = on_load
        """Called with the seconds a load after an unload took."""
        self.on_unload = on_unload
        self._lock = threading.Lock()
        self._running = 0
        self._closed = False
        self._last_active = time.monotonic()

    def idle_seconds(self) -> float:
        """Seconds since the last run ended (or the model was loaded); 0 while one runs."""
        with self._lock:
            return 0.0 if self._running else time.monotonic() - self._last_active

    @property
    def has_durations(self) -> bool:
        return self._has_durations

    @property
    def loaded(self) -> bool:
        return self._backend is not None

    def control(self) -> RunControl:
        return _LateControl()

    def run(
        self, tokens: list[int], style: NDArray[np.float32], speed: float, control: RunControl | None = None
    ) -> ModelOutput:
        with self._lock:
            backend = self._load_locked()
            self._running += 1
        try:
            inner = backend.control()
            if isinstance(control, _LateControl):
                control.attach(inner)
            return backend.run(tokens, style, speed, inner)
        finally:
            with self._lock:
                self._running -= 1
                self._last_active = time.monotonic()

    def unload(self) -> bool:
        """Free the model if no run is in flight; whether it is unloaded now."""
        with self._lock:
            if self._backend is None:
                return True
            if self._running:
                return False
            backend, self._backend = self._backend, None
            backend.close()
        log.info("model unloaded: it is loaded again on the next request")
        if self.on_unload is not None:
            self.on_unload()
        return True

    def close(self) -> None:
        with self._lock:
            backend, self._backend = self._backend, None
            self._closed = True
        if backend is not None:
            backend.close()

    def _load_locked(self) -> Backend:
        if self._closed:
            raise InferenceAborted("the server is stopping")
        if self._backend is None:
            started = time.perf_counter()
            self._backend = self._reopen()
            seconds = time.perf_counter() - started
            self._last_active = time.monotonic()
            log.info("model loaded again for a request", load_s=round(seconds, 3))
            if self.on_load is not None:
                self.on_load(seconds)
        return self._backend


class _LateControl:
    """A run's control before it knows its graph: a stop asked for early reaches the run once it starts."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stopped = False
        self._inner: RunControl | None = None

    def attach(self, inner: RunControl) -> None:
        with self._lock:
            self._inner = inner
            stopped = self._stopped
        if stopped:
            inner.stop()

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            inner = self._inner
        if inner is not None:
            inner.stop()


def reloadable(backend: Backend, config: EngineConfig, files: ModelFiles, *, spinning: bool) -> ReloadingBackend:
    """``backend``, able to let its model go and load the same graph, on the same provider, again."""
    candidate = loading.Candidate(backend.info.provider, backend.info.variant)
    return ReloadingBackend(backend, lambda: loading.open_backend(candidate, config, files, spinning=spinning))
