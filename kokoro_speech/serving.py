"""Granian running the workers of `kokoro-speech serve`: signals, draining, respawning, the metrics folder.

SIGTERM and SIGINT: Granian stops accepting connections, each worker finishes the responses it
has in flight and then exits; a worker still busy after ``ShutdownConfig``'s grace is killed.
A worker that dies is replaced while the others keep serving. SIGHUP rereads the API keys file
in every worker instead of Granian's own reload, which would restart every worker and so load
the model again in each.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import FrameType

from kokoro_speech.config import ServeConfig
from kokoro_speech.workers import REPORTS_ENV, WorkerReports

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
"""Read by prometheus_client when it is imported, so it is set here and never imported in this process:
the workers must find it set when they first import it."""


def run(serve: ServeConfig, folder: Path) -> None:
    """Serve until stopped; ``folder`` is this run's own (reports, the keys marker, the metrics files)."""
    from granian import Granian
    from granian.constants import Interfaces, Loops

    os.environ[REPORTS_ENV] = str(folder)
    # One folder per run, made empty here: the workers' metrics files of an earlier run never count.
    metrics_folder = folder / "metrics"
    metrics_folder.mkdir()
    os.environ[MULTIPROCESS_ENV] = str(metrics_folder)
    marker = WorkerReports(folder, serve.workers).keys_marker
    server = Granian(
        "kokoro_speech.app:create_app",
        factory=True,
        address=serve.host,
        port=serve.port,
        workers=serve.workers,
        interface=Interfaces.ASGI,
        loop=Loops.uvloop,
        log_level=serve.log_level.lower(),  # type: ignore[arg-type]
        respawn_failed_workers=serve.respawn_workers,
        workers_kill_timeout=serve.shutdown_grace_seconds,
    )

    def reread_keys(signum: int, frame: FrameType | None) -> None:
        marker.touch()
        print("kokoro-speech: SIGHUP: the workers reread the API keys file", file=sys.stderr, flush=True)

    server.signal_handler_reload = reread_keys  # type: ignore[method-assign]
    server.serve()
