"""The command line: say, voices."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.audio import decode, level_dbfs
from tests.conftest import REPO, base_env


def run_cli(home: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kokoro_speech.cli", *args],
        env=base_env(home, tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )


def test_say_writes_the_format_its_extension_names(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "hello.flac"
    result = run_cli(home, tmp_path, "say", "Hello from the command line.", "-v", "bm_george", "-o", str(out))
    assert result.returncode == 0, result.stderr
    samples, rate = decode(out.read_bytes(), "flac")
    assert len(samples) / rate > 1.0 and level_dbfs(samples) > -35


def test_say_refuses_an_unknown_voice_and_format(home: Path, tmp_path: Path) -> None:
    bad_voice = run_cli(home, tmp_path, "say", "Hi.", "-v", "nobody", "-o", str(tmp_path / "x.mp3"))
    assert bad_voice.returncode != 0 and "nobody" in bad_voice.stderr
    bad_format = run_cli(home, tmp_path, "say", "Hi.", "-o", str(tmp_path / "x.xyz"))
    assert bad_format.returncode != 0 and "--format" in bad_format.stderr


def test_voices_lists_every_voice_with_its_openai_names(home: Path, tmp_path: Path) -> None:
    result = run_cli(home, tmp_path, "voices")
    assert result.returncode == 0
    lines = result.stdout.splitlines()[1:]
    assert len(lines) == 54
    assert any(line.startswith("am_onyx") and "onyx" in line.split()[-1] for line in lines)
