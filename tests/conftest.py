"""Shared fixtures: the real model files, an in-process app, and real servers."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from kokoro_speech import SpeechConfig, create_app
from kokoro_speech.bench.recognizer import Recognizer, whisper_model_dir
from kokoro_speech.config import default_cache_dir
from kokoro_speech.engine.tuning import schedule_for
from kokoro_speech.testing import ServerProcess as Server
from kokoro_speech.testing import clean_env, free_port, start_server, wait_ready

__all__ = ["REPO", "UNTUNED_SCHEDULE", "Server", "base_env", "free_port", "start_server", "wait_for", "wait_ready"]

REPO = Path(__file__).resolve().parent.parent
EVENT_TIMEOUT_S = 300
"""How long a test waits for an event before it calls it missing: a guard against a hang, not a goal."""


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


_graphs: list[Path] = []


@pytest.fixture(scope="session", autouse=True)
def shared_graphs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder of made graphs and one measurement of this machine for every server of the run, as
    servers sharing a cache directory have: each graph is made, and "auto" measured, once."""
    _graphs.append(tmp_path_factory.mktemp("graphs"))
    return _graphs[0]


_UNTUNED = schedule_for(None, SpeechConfig())
UNTUNED_SCHEDULE = {
    "lanes": str(_UNTUNED.lanes),
    "intra_op_spinning": str(_UNTUNED.spinning).lower(),
    "first_chunk_tokens": str(_UNTUNED.first_chunk_tokens),
    "chunk_tokens": str(_UNTUNED.chunk_tokens),
    "preempt_later_chunks": str(_UNTUNED.preempt).lower(),
    "stream_rtf": "1",  # unpaced, as untuned; its untuned 0 would mean "measure" as a setting
}
"""The schedule a worker runs where nothing is measured, given explicitly: for servers and engines whose tests
are about something else than the measurement and whose threads or graph would otherwise be timed again (each
such trial costs about half a minute on two fast cores; the tests about tuning measure for real)."""


def base_env(home: Path, cache_dir: Path, **settings: str) -> dict[str, str]:
    """A clean environment for the real model; ``settings`` as for ``clean_env`` (``queue_size="1"``)."""
    shared = {"graphs_dir": str(_graphs[0])} if _graphs else {}
    return clean_env(home=str(home), cache_dir=str(cache_dir), allow_download="false", **(shared | settings))


@pytest.fixture(scope="session")
def app_config(home: Path, tmp_path_factory: pytest.TempPathFactory) -> SpeechConfig:
    """In-process app without the result cache, so every request runs the model; untuned (its tests are not
    about the measurement, which would cost them half a minute)."""
    cache_dir = tmp_path_factory.mktemp("cache")
    env = base_env(home, cache_dir, **UNTUNED_SCHEDULE) | {"KOKORO_SPEECH_RESULT_CACHE": "false"}
    return SpeechConfig.from_env(env)


def wait_for(condition: Callable[[], object], what: str, timeout: float = EVENT_TIMEOUT_S) -> None:
    """Return once ``condition()`` is true; fail naming ``what`` if it never comes."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not seen after {timeout} s")
        time.sleep(0.02)


@pytest.fixture(scope="session")
def recognizer(tmp_path_factory: pytest.TempPathFactory) -> Recognizer:
    """Whisper base, assembled and loaded once for every speech recognition check."""
    return Recognizer(whisper_model_dir(tmp_path_factory.mktemp("asr")))


@pytest.fixture(scope="session")
def client(app_config: SpeechConfig) -> Iterator[TestClient]:
    with TestClient(create_app(app_config), timeout=120) as test_client:
        wait_ready(test_client.get)
        yield test_client


@pytest.fixture(scope="session")
def two_workers(home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`kokoro-speech serve --workers 2` with the shared result cache; both workers ready."""
    tmp = tmp_path_factory.mktemp("two-workers")
    server = start_server(base_env(home, tmp, **UNTUNED_SCHEDULE), tmp / "server.log", workers=2)
    yield server
    server.stop()


FIGURES: list[str] = []
"""Lines a test wants in the run's summary (how many cases a fuzzer tried), printed once the run ends."""


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FIGURES:
        terminalreporter.section("figures")
        for line in FIGURES:
            terminalreporter.write_line(line)
