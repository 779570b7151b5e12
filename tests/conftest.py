"""The fixtures more than one level shares (each made once per run, and only where a test asks for it), the
level markers, and the run's figures.

Tests sit in folders by what they cost: ``unit`` (pure logic: no model files, no network, no subprocess),
``app`` (the in-process application with the real model), ``server`` (real server processes, Redis, signals),
``browser`` (the page in Chromium), ``hearing`` (speech recognition) and ``container`` (images built and run with
podman). Each test is marked with its folder's name, so ``pytest -m "not hearing"`` and the like select by cost.
The container tests take minutes and run only where ``-m`` names them: ``pytest -m container tests/container``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kokoro_speech import SpeechConfig
from kokoro_speech.testing import free_port
from tests.support import FIGURES, GRAPHS, UNTUNED_SCHEDULE, Server, base_env, model_home, start_server, wait_ready

if TYPE_CHECKING:
    from litestar.testing import TestClient

    from kokoro_speech.bench.recognizer import Recognizer

LEVELS = ("unit", "app", "server", "browser", "hearing", "container")
TEAM_LEXICON = """<?xml version="1.0" encoding="UTF-8"?>
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="en-US">
  <lexeme><grapheme>Kubernetes</grapheme><alias>koo burr net ease</alias></lexeme>
  <lexeme><grapheme>Nginx</grapheme><phoneme>ˈɛndʒɪnˈɛks</phoneme></lexeme>
</lexicon>
"""
"""The lexicon file the two-worker server is started with (KOKORO_SPEECH_LEXICONS)."""
WYOMING_PORTS: list[int] = []
HERE = Path(__file__).parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        level = item.path.relative_to(HERE).parts[0]
        if level in LEVELS:
            item.add_marker(getattr(pytest.mark, level))
    if "container" not in config.option.markexpr:
        left_out = [item for item in items if item.get_closest_marker("container")]
        if left_out:
            config.hook.pytest_deselected(items=left_out)
            items[:] = [item for item in items if not item.get_closest_marker("container")]


@pytest.fixture(scope="session")
def home() -> Path:
    return model_home()


@pytest.fixture(scope="session", autouse=True)
def shared_graphs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder of made graphs and one measurement of this machine for every server of the run."""
    if not GRAPHS:
        GRAPHS.append(tmp_path_factory.mktemp("graphs"))
    return GRAPHS[0]


@pytest.fixture(scope="session")
def app_config(home: Path, tmp_path_factory: pytest.TempPathFactory) -> SpeechConfig:
    """In-process app without the result cache, so every request runs the model; untuned (its tests are not
    about the measurement, which would cost them half a minute)."""
    cache_dir = tmp_path_factory.mktemp("cache")
    env = base_env(home, cache_dir, **UNTUNED_SCHEDULE) | {"KOKORO_SPEECH_RESULT_CACHE": "false"}
    return SpeechConfig.from_env(env)


@pytest.fixture(scope="session")
def client(app_config: SpeechConfig) -> Iterator[TestClient]:
    # Imported here, as the recognizer below: the unit tests need neither.
    from litestar.testing import TestClient

    from kokoro_speech import create_app

    with TestClient(create_app(app_config), timeout=120) as test_client:
        wait_ready(test_client.get)
        yield test_client


@pytest.fixture(scope="session")
def two_workers(home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`kokoro-speech serve --workers 2` with the shared result cache, a team lexicon, Wyoming on
    ``WYOMING_PORTS[0]`` and jobs made by its own workers (no Redis: the embedded default); both workers ready."""
    tmp = tmp_path_factory.mktemp("two-workers")
    (tmp / "team.pls").write_text(TEAM_LEXICON, encoding="utf-8")
    WYOMING_PORTS.append(free_port())
    wyoming = f"tcp://127.0.0.1:{WYOMING_PORTS[-1]}"
    # Jobs cut small, so that a short chapter is several pieces joined (as a book's are).
    env = base_env(
        home, tmp, **UNTUNED_SCHEDULE, lexicons=str(tmp / "team.pls"), wyoming_uri=wyoming, jobs_piece_chars="120"
    )
    server = start_server(env, tmp / "server.log", workers=2)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def wyoming_port(two_workers: Server) -> int:
    """The two-worker server's Wyoming port, once both workers listen on it."""
    return WYOMING_PORTS[-1]


@pytest.fixture(scope="session")
def recognizer(tmp_path_factory: pytest.TempPathFactory) -> Recognizer:
    """Whisper base, assembled and loaded once for every speech recognition check."""
    from kokoro_speech.bench.recognizer import Recognizer, whisper_model_dir

    return Recognizer(whisper_model_dir(tmp_path_factory.mktemp("asr")))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FIGURES:
        terminalreporter.section("figures")
        for line in FIGURES:
            terminalreporter.write_line(line)
