"""The README and `kokoro-speech serve --help` stay true to the code."""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from kokoro_speech.config import SpeechConfig
from kokoro_speech.infra.settings import ENV_PREFIX, as_text, settings_of
from kokoro_speech.server import cli
from kokoro_speech.server.config import ServeConfig
from tests.support import REPO
from tests.support.readme import README, quick_start

MAX_LINES = 500
"""A newcomer reads it in a few minutes; the complete settings reference is `serve --help`."""
QUICK_START_WITHIN = 60
_ROW = re.compile(r"^\| `(KOKORO_SPEECH_[A-Z0-9_]+)` \| (?:`([^`]*)`)? *\|", flags=re.MULTILINE)
_NAME = re.compile(rf"{ENV_PREFIX}[A-Z0-9_]*[A-Z0-9]")


def every_setting() -> dict[str, str]:
    """Each variable and its default as a variable holds it."""
    return {
        item.env: "" if item.default is None else as_text(item.default)
        for item in (*settings_of(SpeechConfig), *settings_of(ServeConfig))
    }


@pytest.fixture(scope="module")
def serve_help() -> str:
    """What `kokoro-speech serve --help` prints."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exited:
        cli.main(["serve", "--help"])
    assert exited.value.code == 0
    return out.getvalue()


def test_the_readme_is_short_with_its_quick_start_near_the_top() -> None:
    lines = README.splitlines()
    assert len(lines) <= MAX_LINES
    assert any(line == "## Quick start" for line in lines[:QUICK_START_WITHIN])
    assert "## Contents" in README


def test_the_settings_the_readme_shows_exist_with_their_defaults() -> None:
    shown = dict(_ROW.findall(README))
    settings = every_setting()
    assert len(shown) >= 10, "the README shows the settings people change most"
    for name, default in shown.items():
        assert name in settings, name
        assert default == settings[name], name


def test_serve_help_lists_every_variable_the_package_reads_with_its_default(serve_help: str) -> None:
    listed = serve_help
    for item in (*settings_of(SpeechConfig), *settings_of(ServeConfig)):
        if item.env == "KOKORO_SPEECH_CACHE_DIR":  # the user's own folder: shown, with ~ for the home
            assert f"  {item.env}=~" in listed
            continue
        shown = "unset" if item.default is None else as_text(item.default) or '""'
        assert f"  {item.env}={shown}\n" in listed, item.env
    in_code = {
        name
        for path in (REPO / "kokoro_speech").rglob("*")
        if path.is_file() and path.suffix in (".py", ".js", ".html")
        for name in _NAME.findall(path.read_text(encoding="utf-8"))
    }
    assert in_code, "the package names its variables"
    missing = sorted(name for name in in_code if f"  {name}" not in listed)
    assert missing == [], missing


def test_quick_start_runs_the_command_ci_runs() -> None:
    ci = (REPO / ".ci" / "run").read_text()
    test_command = re.search(r"^(\S+ run pytest)$", quick_start(), flags=re.MULTILINE)
    assert test_command is not None
    assert re.search(rf"^{re.escape(test_command.group(1))}$", ci, flags=re.MULTILINE)


def test_quick_start_gets_uv_with_only_python_and_its_venv_module_as_ci_does() -> None:
    """No pip in the system's Python (PEP 668 refuses it, or there is none): uv goes into a venv of its own, not
    into the project's `.venv`, which `uv sync` keeps exact; CI gets it the same way, the same version as the
    container image."""
    serve = re.search(
        r"^(python3 -m venv (\S+) && \2/bin/pip install uv==(\S+)) && (\2/bin/uv) run kokoro-speech serve$",
        quick_start(),
        flags=re.MULTILINE,
    )
    assert serve is not None, "the step that serves also gets uv, so that a machine with only Python can follow it"
    get_uv, tools, version, uv = serve.groups()
    assert tools != ".venv"
    ci = (REPO / ".ci" / "run").read_text()
    assert re.search(rf"^{re.escape(get_uv)}$", ci, flags=re.MULTILINE)
    assert re.search(rf"^{re.escape(uv)} run pytest$", quick_start(), flags=re.MULTILINE)
    assert f"{tools.removeprefix('./')}/" in (REPO / ".gitignore").read_text().split()
    assert f"ARG UV_VERSION={version}\n" in (REPO / "deploy" / "Dockerfile").read_text()
