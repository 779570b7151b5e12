"""What a worker of `kokoro-speech serve` tells the server: that it could not load the model, or that it is
due to be replaced.

A worker whose model cannot be loaded stays up and says so (``/ready`` and the speech
routes answer 500 ``model_load_failed``), so that the others may still serve. It also
leaves its reason in a folder that ``serve`` made for this run and told its workers about;
the last worker to fail tells Granian's main process to stop the server (ending only itself would
have it replaced, to fail again), and ``serve`` exits non-zero with the reason instead of running
a server that can never answer.

A worker that has answered ``KOKORO_SPEECH_WORKER_MAX_REQUESTS`` requests leaves a note in the
same folder and sends ``serve`` SIGUSR1; ``serve`` starts its replacement, then stops it
gracefully (see :mod:`kokoro_speech.server.serving`).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Mapping
from pathlib import Path

import structlog

from kokoro_speech.infra.system import alive

log = structlog.get_logger("kokoro_speech")

REPORTS_ENV = "KOKORO_SPEECH_SERVE_REPORTS"
"""Not a setting: ``serve`` sets it for its own workers to the folder of this run's reports."""
_SUFFIX = ".failed"
_RETIRING = ".retiring"
_READY = ".ready"
RETIRE_SIGNAL = signal.SIGUSR1
"""What a worker due to be replaced sends `serve`'s main process."""
KEYS_MARKER = "reread-keys"
"""A file of the run's folder that ``serve`` touches on SIGHUP: its change makes every worker reread the keys."""


class WorkerReports:
    def __init__(self, folder: Path, workers: int) -> None:
        self.folder = folder
        self.workers = workers

    @classmethod
    def from_env(cls, environ: Mapping[str, str], workers: int) -> WorkerReports | None:
        """The reports of the `serve` run this process is a worker of; None when it is not one."""
        folder = environ.get(REPORTS_ENV)
        return cls(Path(folder), workers) if folder else None

    @property
    def keys_marker(self) -> Path:
        return self.folder / KEYS_MARKER

    def failed(self, reason: str) -> None:
        """This worker cannot load the model; the last of them to fail stops the server (unless a worker that
        this one was to replace still serves)."""
        report = self.folder / f"{os.getpid()}{_SUFFIX}"
        partial = report.with_suffix(".partial")
        partial.write_text(reason)
        partial.replace(report)
        if len(self.reasons()) >= self.workers and not self._any_ready():
            log.error("no worker could load the model: stopping the server", reason=reason)
            os.kill(os.getppid(), signal.SIGTERM)

    def reasons(self) -> list[str]:
        return [path.read_text() for path in sorted(self.folder.glob(f"*{_SUFFIX}"))]

    def ready(self) -> None:
        """This worker's model is loaded: a worker it replaces may stop now."""
        (self.folder / f"{os.getpid()}{_READY}").touch()

    def is_ready(self, pid: int) -> bool:
        return (self.folder / f"{pid}{_READY}").exists()

    def has_failed(self, pid: int) -> bool:
        return (self.folder / f"{pid}{_SUFFIX}").exists()

    def forget(self, pid: int) -> None:
        """Drop what a worker that `serve` stopped reported: it no longer counts as ready, failed or due."""
        for suffix in (_READY, _SUFFIX, _RETIRING):
            (self.folder / f"{pid}{suffix}").unlink(missing_ok=True)

    def _any_ready(self) -> bool:
        return any(alive(int(path.name.removesuffix(_READY))) for path in self.folder.glob(f"*{_READY}"))

    def retire(self) -> None:
        """Ask `serve` to replace this worker (it keeps serving until its replacement has started)."""
        (self.folder / f"{os.getpid()}{_RETIRING}").touch()
        os.kill(os.getppid(), RETIRE_SIGNAL)

    def retiring(self) -> set[int]:
        """The workers that asked to be replaced and are not yet."""
        return {int(path.name.removesuffix(_RETIRING)) for path in self.folder.glob(f"*{_RETIRING}")}

    def retired(self, pid: int) -> None:
        (self.folder / f"{pid}{_RETIRING}").unlink(missing_ok=True)
