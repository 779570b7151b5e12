"""A real `kokoro-speech serve` for your own integration tests, the way ``litestar.testing`` gives a client.

    from kokoro_speech.testing import clean_env, start_server

    server = start_server(clean_env(home="/models", cache_dir=str(tmp)), tmp / "server.log", workers=2)
    try:
        response = server.post("/v1/audio/speech", json={"model": "tts-1", "voice": "alloy", "input": "Hi."})
    finally:
        server.stop()

``start_server`` spawns the command on a free local port with the environment you give it
and returns once every worker answers ``/ready``. For an in-process application, use
``litestar.testing.TestClient(create_app(...))`` and :func:`wait_ready` with its ``get``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from kokoro_speech.infra.settings import ENV_PREFIX

READY_TIMEOUT_S = 600
"""How long a server may take to be ready before it is called stuck: a guard against a hang, not a goal. A first
start measures the machine (two minutes on a slow two-core CPU, more when it is shared), each candidate within the
measurement's own bound."""
POLL_S = 0.05
REQUEST_TIMEOUT_S = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerExited(RuntimeError):
    """The server process ended while it was being waited for; the message holds its log."""


def wait_ready(
    get: Callable[[str], httpx.Response],
    workers: int = 1,
    timeout: float = READY_TIMEOUT_S,
    alive: Callable[[], None] = lambda: None,
) -> None:
    """Return once ``workers`` different workers have answered ``GET /ready`` with 200.

    ``get`` sends one request (a fresh connection each time, so that any worker may take it);
    ``alive`` raises if the server is gone, so a crash is reported at once instead of at the deadline.
    """
    deadline = time.monotonic() + timeout
    ready: set[str] = set()
    while time.monotonic() < deadline:
        alive()
        try:
            response = get("/ready")
            if response.status_code == 200:
                ready.add(response.headers.get("x-worker-pid", ""))
                if len(ready) >= workers:
                    return
        except httpx.TransportError:
            pass
        time.sleep(POLL_S)
    raise TimeoutError(f"{workers - len(ready)} of {workers} worker(s) not ready after {timeout} s")


@dataclass
class ServerProcess:
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    started_at: float
    workers: int = 1
    ready_after_s: float | None = None

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        # A fresh connection per call, so the kernel may hand it to any worker.
        return httpx.get(self.url + path, timeout=REQUEST_TIMEOUT_S, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return httpx.post(self.url + path, timeout=REQUEST_TIMEOUT_S, **kwargs)

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            raise ServerExited(f"server exited with {self.process.returncode}:\n{self.log.read_text()}")

    def wait_ready(self, timeout: float = READY_TIMEOUT_S) -> float:
        """Seconds from the spawn until every worker answers /ready with 200."""
        try:
            wait_ready(self.get, self.workers, timeout, alive=self.check_alive)
        except TimeoutError as error:
            raise TimeoutError(f"{error}:\n{self.log.read_text()}") from error
        self.ready_after_s = time.monotonic() - self.started_at
        return self.ready_after_s

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(env: dict[str, str], log: Path, *args: str, workers: int = 1, wait: bool = True) -> ServerProcess:
    """Spawn `kokoro-speech serve` with ``env`` on a free port; by default wait until it is ready."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "kokoro_speech.server.cli",
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
        *args,
    ]
    started = time.monotonic()
    with log.open("wb") as out:  # the child has its own copy of the file
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = ServerProcess(f"http://127.0.0.1:{port}", process, log, started, workers=workers)
    if wait:
        try:
            server.wait_ready()
        except (TimeoutError, ServerExited):
            server.stop()
            raise
    return server


def clean_env(**settings: str) -> dict[str, str]:
    """This process's environment without ``KOKORO_SPEECH_*`` variables, plus ``settings``
    (``clean_env(home="/models")`` sets ``KOKORO_SPEECH_HOME``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(ENV_PREFIX)}
    env.update({f"{ENV_PREFIX}{k.upper()}": v for k, v in settings.items()})
    return env
