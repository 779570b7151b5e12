"""The README's quick start, read from the README itself, on a bare Debian 12: python3 and python3-venv only (no
pip in the system's Python, no compiler, no git, no curl), the repository copied in. The one concession to this
machine is its CA store, mounted read-only, since PyPI is reached here through a TLS proxy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kokoro_speech.engine.schedule import untuned_environment
from tests.support import free_port
from tests.support.containers import (
    CA_STORE,
    Container,
    debian_base,
    host_env,
    podman,
    ready,
    repository_copy,
    require_podman,
    run_detached,
)
from tests.support.readme import quick_start_serve_command

BARE_PACKAGES = ("python3", "python3-venv")
SOURCE = "/src"
READY_TIMEOUT_S = 1500
"""A guard against a hang: the command installs every locked package from PyPI first (minutes)."""
SPEECH = {"model": "tts-1", "voice": "am_michael", "input": "The quick start works.", "response_format": "mp3"}
SPEECH_SECONDS = (0.8, 5.0)


@pytest.fixture(scope="module")
def bare_debian(tmp_path_factory: pytest.TempPathFactory) -> str:
    require_podman()
    return debian_base(BARE_PACKAGES, tmp_path_factory.mktemp("base"))


def test_the_base_is_bare(bare_debian: str) -> None:
    """What the quick start may not count on is absent, so the test below shows it does without."""
    tools = "for tool in pip pip3 git curl wget gcc cc; do command -v $tool; done"
    script = f"{tools}; python3 -m pip --version >/dev/null 2>&1 && echo 'python3 -m pip'; true"
    found = podman("run", "--rm", bare_debian, "sh", "-c", script)
    assert found == "", f"present in the bare base: {found}"


@pytest.fixture(scope="module")
def quick_start(bare_debian: str, home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    source = repository_copy(tmp_path_factory.mktemp("repository"))
    port = free_port()
    env = {
        **host_env(),
        "KOKORO_SPEECH_HOME": "/model",
        "KOKORO_SPEECH_PORT": str(port),
        # Not about the first start's measurement, which would cost a minute or two.
        **untuned_environment(),
    }
    volumes = [f"{home}:/model:ro", f"{source}:{SOURCE}"]
    volumes += [f"{CA_STORE}:{CA_STORE}:ro"] if CA_STORE.is_file() else []
    command = f"cd {SOURCE} && {quick_start_serve_command()}"
    container = run_detached(bare_debian, env, volumes, port, "sh", "-c", command)
    with ready(container, READY_TIMEOUT_S):
        yield container


def test_the_quick_start_serves_speech_on_a_bare_debian(quick_start: Container) -> None:
    quick_start.speaks(SPEECH, SPEECH_SECONDS)
