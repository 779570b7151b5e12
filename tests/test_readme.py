"""The README stays true to the code."""

from __future__ import annotations

import dataclasses
import re

from kokoro_speech.config import ENV_PREFIX, SpeechConfig
from tests.conftest import REPO

README = (REPO / "README.md").read_text()


def test_every_setting_is_in_the_configuration_table() -> None:
    documented = set(re.findall(r"^\| `(KOKORO_SPEECH_[A-Z0-9_]+)` \|", README, flags=re.MULTILINE))
    expected = {ENV_PREFIX + f.name.upper() for f in dataclasses.fields(SpeechConfig)}
    assert documented == expected


def test_quick_start_runs_the_command_ci_runs() -> None:
    ci = (REPO / ".ci" / "run").read_text()
    assert "uv run pytest" in README
    assert re.search(r"^uv run pytest$", ci, flags=re.MULTILINE)
