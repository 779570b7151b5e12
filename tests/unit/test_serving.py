"""Granian as `serve` makes it: a worker lifetime reaches Granian and goes through the same handover (the real
signals and handovers are ``tests/server/test_restarts.py``)."""

from __future__ import annotations

from pathlib import Path

from granian import Granian

from kokoro_speech.server import serving
from kokoro_speech.server.config import ServeConfig
from kokoro_speech.server.workers import WorkerReports


def test_a_worker_lifetime_is_granians_with_the_same_handover(tmp_path: Path) -> None:
    # Granian's lifetime (60 s at least) replaces a worker through the same handover as the test above; what is
    # the server's own is that the setting reaches it, and that the handover is the one that waits for the model.
    reports = WorkerReports(tmp_path, 2)
    lasting = serving.granian_server(ServeConfig(workers=2, worker_lifetime_seconds=3600), reports)
    assert lasting.workers_lifetime == 3600
    assert type(lasting)._respawn_workers is not Granian._respawn_workers
    assert serving.granian_server(ServeConfig(workers=2), reports).workers_lifetime is None
