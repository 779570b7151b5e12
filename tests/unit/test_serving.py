"""Real signals to a real `kokoro-speech serve`: SIGTERM drains, a killed worker is replaced."""

from __future__ import annotations

from pathlib import Path

import httpx
from granian import Granian

from kokoro_speech.server import serving
from kokoro_speech.server.config import ServeConfig
from kokoro_speech.server.workers import WorkerReports
from tests.support import UNTUNED_SCHEDULE, Server, base_env, start_server

LONG = (
    "A server that is told to stop lets every answer it has started run to its end. This stream began before "
    "the signal, so it must arrive whole, down to its very last word, and the server exits cleanly after it."
)
DRAIN_GRACE_S = 300
"""Long enough for the stream to finish on a slow machine: the test is that it finishes, not how fast."""
SHORT_GRACE_S = 2
MID_STREAM_LIMIT_S = 5
"""Past the first chunk on any CPU (about a second here), long before the end of three times the long text."""
MAX_TRIES_FOR_OTHER_WORKER = 30


def server_with(home: Path, tmp: Path, workers: int, **settings: str) -> Server:
    tmp.mkdir(exist_ok=True)
    env = base_env(home, tmp, **(UNTUNED_SCHEDULE | settings))
    return start_server(env, tmp / "server.log", workers=workers)


def _refused(server: Server) -> bool:
    try:
        httpx.post(server.url + "/v1/audio/speech", json={"model": "tts-1", "voice": "af_heart", "input": "Late."})
    except httpx.ConnectError:
        return True
    except httpx.TransportError:
        return False
    return False


def _workers_ready(server: Server) -> int:
    seen = set()
    for _ in range(MAX_TRIES_FOR_OTHER_WORKER):
        try:
            response = server.get("/ready")
        except httpx.TransportError:
            continue
        if response.status_code == 200:
            seen.add(response.headers["x-worker-pid"])
    return len(seen)


def _lanes(server: Server) -> dict[str, int]:
    lanes = server.get("/ready").json()["lanes"]
    return {"busy": lanes["busy"], "waiting": lanes["waiting"]}


MAX_REQUESTS = 6


def test_a_worker_lifetime_is_granians_with_the_same_handover(tmp_path: Path) -> None:
    # Granian's lifetime (60 s at least) replaces a worker through the same handover as the test above; what is
    # the server's own is that the setting reaches it, and that the handover is the one that waits for the model.
    reports = WorkerReports(tmp_path, 2)
    lasting = serving.granian_server(ServeConfig(workers=2, worker_lifetime_seconds=3600), reports)
    assert lasting.workers_lifetime == 3600
    assert type(lasting)._respawn_workers is not Granian._respawn_workers
    assert serving.granian_server(ServeConfig(workers=2), reports).workers_lifetime is None
