"""A `kokoro-speech serve` child process on a free local port, for benchmarks and tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

READY_TIMEOUT_S = 120
POLL_S = 0.05


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServerProcess:
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    started_at: float
    ready_after_s: float | None = None
    workers: int = 1
    _tree: list[psutil.Process] = field(default_factory=list)

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        # A fresh connection per call, so the kernel may hand it to any worker.
        return httpx.get(self.url + path, timeout=60, **kwargs)  # type: ignore[arg-type]

    def wait_ready(self, timeout: float = READY_TIMEOUT_S) -> float:
        """Seconds from the spawn until every worker answers /ready with 200."""
        deadline = time.monotonic() + timeout
        ready_pids: set[str] = set()
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log.read_text()}")
            try:
                response = self.get("/ready")
                if response.status_code == 200:
                    ready_pids.add(response.headers.get("x-worker-pid", ""))
                    if len(ready_pids) >= self.workers:
                        self.ready_after_s = time.monotonic() - self.started_at
                        return self.ready_after_s
                    continue  # ask again at once: another connection may reach another worker
            except httpx.TransportError:
                pass
            time.sleep(POLL_S)
        raise TimeoutError(f"server not ready after {timeout} s:\n{self.log.read_text()}")

    def rss_bytes(self) -> int:
        """Resident memory of the server and all its worker processes."""
        try:
            root = psutil.Process(self.process.pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0
        total = 0
        for p in processes:
            with contextlib.suppress(psutil.NoSuchProcess):
                total += p.memory_info().rss
        return total

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
    out = log.open("wb")
    command = [
        sys.executable,
        "-m",
        "kokoro_speech.cli",
        "serve",
        "--port",
        str(port),
        "--workers",
        str(workers),
        *args,
    ]
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = ServerProcess(f"http://127.0.0.1:{port}", process, log, started, workers=workers)
    if wait:
        try:
            server.wait_ready()
        except (TimeoutError, RuntimeError):
            server.stop()
            raise
    return server


def clean_env(**settings: str) -> dict[str, str]:
    """This process's environment without KOKORO_SPEECH_* settings, plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOKORO_SPEECH_")}
    env.update({f"KOKORO_SPEECH_{k.upper()}": v for k, v in settings.items()})
    return env
