"""Granian running the workers of `kokoro-speech serve`: signals, draining, respawning, recycling, the metrics
folder.

SIGTERM and SIGINT: Granian stops accepting connections, each worker finishes the responses it
has in flight and then exits; a worker still busy after the shutdown grace is killed.
A worker that dies is replaced while the others keep serving. SIGHUP rereads the API keys file
in every worker instead of Granian's own reload, which would restart every worker and so load
the model again in each.

Recycling: after ``worker_lifetime_seconds`` Granian's own worker lifetime replaces a worker;
after ``worker_max_requests`` the worker asks for it (SIGUSR1, see :mod:`kokoro_speech.server.workers`)
and the same replacement runs for it alone. Either way the replacement starts first, and the old
worker keeps serving until the new one has loaded its model (Granian's own handover waits a fixed
3.5 s, less than a worker takes to import its libraries, so connections were refused in between);
then the old one is stopped as at shutdown, finishing what it has in flight. Requests that reach
the new worker while its model loads wait for it (``KOKORO_SPEECH_LOAD_WAIT_SECONDS``).
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

from kokoro_speech.server.config import ServeConfig
from kokoro_speech.server.workers import REPORTS_ENV, RETIRE_SIGNAL, WorkerReports

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
"""Read by prometheus_client when it is imported, so it is set here and never imported in this process:
the workers must find it set when they first import it."""


HANDOVER_TIMEOUT_S = 600.0
"""Longest an old worker waits for its replacement's model before it is stopped anyway: a guard against a
replacement that hangs, not a goal (a replacement loads in seconds; only a first start measures the machine)."""
HANDOVER_POLL_S = 0.1


def run(serve: ServeConfig, folder: Path) -> None:
    """Serve until stopped; ``folder`` is this run's own (reports, the keys marker, the metrics files)."""
    os.environ[REPORTS_ENV] = str(folder)
    # One folder per run, made empty here: the workers' metrics files of an earlier run never count.
    metrics_folder = folder / "metrics"
    metrics_folder.mkdir()
    os.environ[MULTIPROCESS_ENV] = str(metrics_folder)
    reports = WorkerReports(folder, serve.workers)
    server = granian_server(serve, reports)

    def reread_keys(signum: int, frame: FrameType | None) -> None:
        reports.keys_marker.touch()
        print("kokoro-speech: SIGHUP: the workers reread the API keys file", file=sys.stderr, flush=True)

    def replace_due_workers(signum: int, frame: FrameType | None) -> None:
        server.reload_signal = True
        server.main_loop_interrupt.set()

    server.signal_handler_reload = reread_keys
    signal.signal(RETIRE_SIGNAL, replace_due_workers)
    server.serve()


def granian_server(serve: ServeConfig, reports: WorkerReports) -> Any:
    """Granian for `serve`'s workers, with this module's handover and replacement of due workers."""
    from granian import Granian
    from granian.constants import Interfaces, Loops
    from granian.http import HTTP1Settings

    # Old workers still finishing their responses when the server was told to stop: stopped with the rest.
    draining: list[Any] = []

    class Server(Granian):  # type: ignore[misc, valid-type]
        def _respawn_workers(self, workers: list[int], spawn_target: Any, target_loader: Any, delay: float = 0) -> None:
            if not delay:  # a worker died: there is nothing to hand over from
                for idx in workers:
                    reports.forget(self.wrks[idx].inner.pid)
                super()._respawn_workers(workers, spawn_target, target_loader, delay)
                return
            for idx in workers:
                if self.interrupt_signal:
                    return
                self.respawned_wrks[idx] = time.monotonic()
                old = self.wrks[idx]
                # Until the handover ends, the old worker's own exit is not a crash for Granian to answer by
                # replacing whatever then holds its place (the new worker).
                old.interrupt_by_parent = True
                new = self._spawn_worker(idx=idx, target=spawn_target, callback_loader=target_loader)
                new.start()
                self.wrks[idx] = new
                self._metrics.incr_spawn(1)
                if self._wait_ready(new):
                    self._stop_old(old)
                elif self.interrupt_signal:
                    draining.append(old)
                else:
                    self._keep_old(idx, old, new, spawn_target, target_loader)

        def _wait_ready(self, new: Any) -> bool:
            """Whether the new worker loaded its model (not: it failed, died, hung or the server is stopping)."""
            pid = new.inner.pid
            deadline = time.monotonic() + HANDOVER_TIMEOUT_S
            while not self.interrupt_signal and new.is_alive() and time.monotonic() < deadline:
                if reports.is_ready(pid):
                    return True
                if reports.has_failed(pid):
                    return False
                time.sleep(HANDOVER_POLL_S)
            return False

        def _stop_old(self, old: Any) -> None:
            """Stop the old worker as at shutdown: it finishes what it has in flight within the grace."""
            old.terminate()
            deadline = time.monotonic() + (self.workers_kill_timeout or HANDOVER_TIMEOUT_S)
            while old.is_alive() and time.monotonic() < deadline:
                if self.interrupt_signal:
                    # The server stops too: the shutdown's one grace covers this worker with the others.
                    draining.append(old)
                    return
                old.join(HANDOVER_POLL_S)
            if old.is_alive():
                old.kill()
                old.join()
            reports.forget(old.inner.pid)

        def _keep_old(self, idx: int, old: Any, new: Any, spawn_target: Any, target_loader: Any) -> None:
            """The replacement could not take over: it goes, and the old worker serves on (or, if it died
            meanwhile, is replaced the way a dead worker is)."""
            print(f"kokoro-speech: worker-{idx + 1}'s replacement did not start; keeping it", file=sys.stderr)
            new.kill()
            new.join()
            reports.forget(new.inner.pid)
            self.wrks[idx] = old
            old.interrupt_by_parent = False
            if not old.is_alive():
                reports.forget(old.inner.pid)
                super()._respawn_workers([idx], spawn_target, target_loader, 0)

        def _stop_workers(self) -> None:
            self.wrks.extend(draining)
            draining.clear()
            super()._stop_workers()

        def _reload(self, spawn_target: Any, target_loader: Any) -> None:
            # Granian's reload replaces every worker; SIGHUP rereads the keys instead, so this is reached only
            # through RETIRE_SIGNAL: replace, one at a time and the same way, the workers that asked for it.
            self.reload_signal = False
            self.main_loop_interrupt.clear()
            retiring = reports.retiring()
            for worker in list(self.wrks):
                if worker.inner.pid in retiring:
                    print(f"kokoro-speech: replacing worker-{worker.idx + 1} (due)", file=sys.stderr, flush=True)
                    self._respawn_workers([worker.idx], spawn_target, target_loader, delay=self.respawn_interval)
            for pid in retiring:
                reports.retired(pid)
            if self.interrupt_children or self.interrupt_signal or self.lifetime_signal:
                # Whatever came while the handover ran is answered by the main loop's next turn.
                self.main_loop_interrupt.set()

    return Server(
        serve.app,
        factory=True,
        address=serve.host,
        port=serve.port,
        workers=serve.workers,
        interface=Interfaces.ASGI,
        loop=Loops.uvloop,
        log_level=serve.log_level.lower(),
        respawn_failed_workers=serve.respawn_workers,
        workers_kill_timeout=serve.shutdown_grace_seconds,
        workers_lifetime=serve.worker_lifetime_seconds or None,
        http1_settings=HTTP1Settings(header_read_timeout=round(serve.header_timeout_seconds * 1000)),
    )
