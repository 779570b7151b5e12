"""What the tests share: where the model is, the environment of a test server, starting one, waiting for an
event, and the figures printed at the end of the run. Tests import these from here (fixtures live in the
``conftest.py`` files and use them)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kokoro_speech.engine.schedule import untuned_environment
from kokoro_speech.infra.settings import ENV_PREFIX
from kokoro_speech.infra.system import default_cache_dir
from kokoro_speech.testing import ServerProcess as Server
from kokoro_speech.testing import clean_env, free_port, start_server, wait_ready

__all__ = [
    "EVENT_TIMEOUT_S",
    "FIGURES",
    "MACHINE_PATH",
    "REPO",
    "UNTUNED_SCHEDULE",
    "Server",
    "base_env",
    "free_port",
    "model_home",
    "start_server",
    "wait_for",
    "wait_ready",
]

REPO = Path(__file__).resolve().parents[2]
EVENT_TIMEOUT_S = 300
"""How long a test waits for an event before it calls it missing: a guard against a hang, not a goal."""

UNTUNED_SCHEDULE = {name.removeprefix(ENV_PREFIX).lower(): value for name, value in untuned_environment().items()}
"""The schedule a worker runs where nothing is measured, given explicitly: for servers and engines whose tests
are about something else than the measurement and whose threads or graph would otherwise be timed again (each
such trial costs about half a minute on two fast cores; the tests about tuning measure for real)."""

MACHINE_PATH = {"providers": "cpu"}
"""The way "auto" runs the model with its default quality gate, on every machine so far: ONNX Runtime on int8
(OpenVINO's bf16 path is measured where the CPU has bf16 units, and falls short of the gate). Named instead of
measured, so that a run does not pay for the measurement in every server; ``tests/server/test_backends.py``
measures it."""

GRAPHS: list[Path] = []
"""The one folder of made graphs (and measurement of this machine) every server of the run shares, as servers
sharing a cache directory do: each graph is made, and "auto" measured, once. Set by the root conftest."""

FIGURES: list[str] = []
"""Lines a test wants in the run's summary (how many cases a fuzzer tried), printed once the run ends."""


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


def base_env(home: Path, cache_dir: Path, **settings: str) -> dict[str, str]:
    """A clean environment for the real model; ``settings`` as for ``clean_env`` (``queue_size="1"``)."""
    shared = MACHINE_PATH | ({"graphs_dir": str(GRAPHS[0])} if GRAPHS else {})
    return clean_env(home=str(home), cache_dir=str(cache_dir), allow_download="false", **(shared | settings))


def wait_for(condition: Callable[[], object], what: str, timeout: float = EVENT_TIMEOUT_S) -> None:
    """Return once ``condition()`` is true; fail naming ``what`` if it never comes."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not seen after {timeout} s")
        time.sleep(0.02)
