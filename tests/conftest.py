"""Shared fixtures: the real model files, an in-process app, and real servers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from litestar.testing import TestClient

from kokoro_speech import SpeechConfig, create_app
from kokoro_speech.config import default_cache_dir

REPO = Path(__file__).resolve().parent.parent
READY_TIMEOUT_S = 120


def model_home() -> Path:
    """Where the tests find the real model: KOKORO_SPEECH_HOME, a shared folder beside the checkout, or the
    user cache that `kokoro-speech download` fills."""
    candidates = [REPO.parent / "shared" / "kokoro", default_cache_dir()]
    if os.environ.get("KOKORO_SPEECH_HOME"):
        candidates.insert(0, Path(os.environ["KOKORO_SPEECH_HOME"]))
    for home in candidates:
        if (home / "voices-v1.0.bin").is_file() and (home / "kokoro-v1.0.int8.onnx").is_file():
            return home
    pytest.exit(
        f"model files not found in {', '.join(map(str, candidates))}: set KOKORO_SPEECH_HOME or run "
        "`kokoro-speech download`",
        returncode=2,
    )


@pytest.fixture(scope="session")
def home() -> Path:
    return model_home()


def base_env(home: Path, cache_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOKORO_SPEECH_")}
    env.update(
        {
            "KOKORO_SPEECH_HOME": str(home),
            "KOKORO_SPEECH_CACHE_DIR": str(cache_dir),
            "KOKORO_SPEECH_ALLOW_DOWNLOAD": "false",
        }
    )
    return env


@pytest.fixture(scope="session")
def app_config(home: Path, tmp_path_factory: pytest.TempPathFactory) -> SpeechConfig:
    """In-process app without the result cache, so every request runs the model."""
    cache_dir = tmp_path_factory.mktemp("cache")
    return SpeechConfig.from_env(base_env(home, cache_dir), result_cache=False)


def wait_ready(get: Callable[[str], httpx.Response], timeout: float = READY_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if get("/ready").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise TimeoutError("server did not become ready")


@pytest.fixture(scope="session")
def client(app_config: SpeechConfig) -> Iterator[TestClient]:
    with TestClient(create_app(app_config), timeout=120) as test_client:
        wait_ready(test_client.get)
        yield test_client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        # A fresh connection per call, so the kernel may hand it to any worker.
        return httpx.get(self.url + path, timeout=60, **kwargs)  # type: ignore[arg-type]


def start_server(env: dict[str, str], log: Path, *args: str) -> Server:
    port = free_port()
    out = log.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "kokoro_speech.cli", "serve", "--port", str(port), *args],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        cwd=REPO,
    )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_ready(server.get)
    except TimeoutError:
        stop_server(server)
        raise AssertionError(f"server did not start:\n{log.read_text()}") from None
    return server


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture(scope="session")
def two_workers(home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`kokoro-speech serve --workers 2` with the shared result cache."""
    tmp = tmp_path_factory.mktemp("two-workers")
    server = start_server(base_env(home, tmp), tmp / "server.log", "--workers", "2", "--lanes", "1")
    # Both workers must be up: /ready answers 200 on many fresh connections in a row.
    deadline = time.monotonic() + READY_TIMEOUT_S
    streak = 0
    while streak < 10 and time.monotonic() < deadline:
        streak = streak + 1 if server.get("/ready").status_code == 200 else 0
        time.sleep(0.05)
    yield server
    stop_server(server)
