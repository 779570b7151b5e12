"""The command line: say, voices."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kokoro_speech.engine import tuning
from tests.support import EVENT_TIMEOUT_S, REPO, UNTUNED_SCHEDULE, base_env
from tests.support.audio import decode, level_dbfs


def run_cli(home: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kokoro_speech.server.cli", *args],
        env=base_env(home, tmp_path, **UNTUNED_SCHEDULE),
        capture_output=True,
        text=True,
        timeout=EVENT_TIMEOUT_S,
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


def test_bench_runs_every_case_and_writes_its_figures(home: Path, tmp_path: Path) -> None:
    """A short smoke run of `kokoro-speech bench`: every case once on small inputs, a table and the JSON; with
    `--access`, so that every request also passes a key, both limits and the metrics (a 401 or 429 fails it)."""
    report = tmp_path / "bench.json"
    result = run_cli(home, tmp_path, "bench", "--smoke", "--access", "--reps", "1", "--json", str(report))
    assert result.returncode == 0, result.stderr
    figures = json.loads(report.read_text())
    assert figures["smoke"] is True and figures["access"] is True and figures["machine"]["cores"] >= 1
    assert figures["config"]["KOKORO_SPEECH_API_KEYS"], "the server ran with a key"
    cases = {case["case"].split(".")[0]: case for case in figures["cases"]}
    assert set(cases) == {"1", "2", "2b", "3", "3a", "3b", "4", "5", "6", "8"}
    assert all(case["server"] > 0 for case in cases.values())
    assert all(case["raw"] > 0 for key, case in cases.items() if key in {"1", "2", "2b", "3", "3a", "4", "8"})
    assert all(case["spread"] for key, case in cases.items() if key in {"1", "2", "3", "3a", "4", "8"})
    assert figures["machine"]["instruction_sets"] == tuning.instruction_sets()
    assert figures["model_runner"]["provider"] and figures["model_runner"]["precision"]
    assert "running the model: " in result.stdout and "schedule in force: " in result.stdout
    assert figures["model_runner"]["schedule"]["first_chunk_tokens"] > 0
    lanes = figures["model_runner"]["schedule"]["lanes"]
    assert 0 < cases["3b"]["server"] <= lanes + 0.05, "the lanes ran within the wall time"
    assert figures["stages_s"]["audio seconds"] > 1
    assert "case" in result.stdout and "wrote" in result.stdout
