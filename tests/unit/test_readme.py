"""The README stays true to the code."""

from __future__ import annotations

import re

from kokoro_speech.config import SpeechConfig
from kokoro_speech.infra.settings import as_text, settings_of
from kokoro_speech.server.config import ServeConfig
from tests.support import REPO

README = (REPO / "README.md").read_text()
_ROW = re.compile(r"^\| `(KOKORO_SPEECH_[A-Z0-9_]+)` \| (?:`([^`]*)`)? *\|", flags=re.MULTILINE)
# Defaults that depend on the machine are described in the table, not printed.
_MACHINE_DEFAULTS = {"KOKORO_SPEECH_CACHE_DIR"}


def documented() -> dict[str, str]:
    return {env: default for env, default in _ROW.findall(README)}


def test_every_setting_is_in_the_configuration_table_with_its_default() -> None:
    table = documented()
    settings = [*settings_of(SpeechConfig), *settings_of(ServeConfig)]
    assert set(table) == {s.env for s in settings}
    for item in settings:
        if item.env in _MACHINE_DEFAULTS:
            continue
        shown = "" if item.default is None else as_text(item.default)
        assert table[item.env] == shown, item.env


def test_quick_start_runs_the_command_ci_runs() -> None:
    ci = (REPO / ".ci" / "run").read_text()
    quick_start = README[README.index("## Quick start") : README.index("## Use it")]
    test_command = re.search(r"^(python3 -m uv run pytest)\s", quick_start, flags=re.MULTILINE)
    assert test_command is not None
    assert re.search(rf"^{re.escape(test_command.group(1))}$", ci, flags=re.MULTILINE)
    # The step that serves also gets uv, so that a machine with only Python can follow it.
    assert re.search(r"^python3 -m pip install uv && python3 -m uv run kokoro-speech serve", quick_start, re.MULTILINE)
