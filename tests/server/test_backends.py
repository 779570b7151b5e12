"""What runs the model, on real servers and commands: "auto" measures once and `kokoro-speech tune` prints
its choice, and a server reports what runs the model and what fell back."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kokoro_speech import SpeechConfig
from kokoro_speech.engine import assets, tuning
from kokoro_speech.engine.engine import SpeechEngine
from kokoro_speech.engine.job import SpeechJob
from tests.support import REPO, Server, base_env, start_server
from tests.support.audio import decode, level_dbfs


def test_auto_measures_once_and_the_tune_command_prints_its_choice(home: Path, tmp_path: Path) -> None:
    # OpenVINO named before auto's own candidates: two to choose between.
    env = base_env(home, tmp_path / "cache", providers="openvino:CPU,auto")
    kept = Path(env["KOKORO_SPEECH_GRAPHS_DIR"]) / "tuning.json"
    command = [sys.executable, "-m", "kokoro_speech.server.cli", "tune"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900, cwd=REPO)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "CPUExecutionProvider" in out and "openvino:CPU" in out and "float32" in out and "chosen: " in out, out
    config = SpeechConfig.from_env(env | {"KOKORO_SPEECH_RESULT_CACHE": "false"})
    files = assets.resolve(config.model)
    record = json.loads(kept.read_text())[tuning.record_key(config.engine, files, tuning.machine())]
    candidates = ("openvino:CPU/float32", "CPUExecutionProvider/int8")
    ran = [record["trials"][label] for label in candidates if record["trials"][label]["rtf"] is not None]
    assert len(ran) >= 2 and all(t["peak_rss_mb"] > 100 and t["load_s"] > 0 for t in ran)
    assert all(t["later_chunk_s"] > t["first_chunk_s"] > 0 and t["concurrent_gain"] > 0.3 for t in ran)
    cpu = record["trials"]["CPUExecutionProvider/int8"]
    assert cpu["unspun_later_chunk_s"] > 0, "ONNX Runtime's CPU threads are timed spinning and not"
    # The quality gate compares every candidate with int8: the fastest that passes it is chosen.
    openvino = record["trials"]["openvino:CPU/float32"]
    assert cpu["spectral_db"] is None and 0 < openvino["spectral_db"] < 5 and openvino["durations_agree"] > 0.9
    heard = [t for t in ran if tuning.Trial(**t).passes(config.engine.backend)]
    best = min(heard, key=lambda t: t["rtf"])
    chosen = next(line for line in out.splitlines() if line.startswith("chosen: "))
    assert chosen == f"chosen: {best['provider']}/{best['variant']}"
    for choice in ("lanes", "spinning", "first_chunk_tokens", "chunk_tokens", "preempt", "stream_rtf"):
        assert re.search(rf"^  {choice} ", out, re.MULTILINE), f"the tune command says how {choice} was chosen"
    mtime = kept.stat().st_mtime_ns
    engine = SpeechEngine(config.engine, files)
    try:
        assert kept.stat().st_mtime_ns == mtime, "the kept trials were used"
        assert engine.tuning is not None and engine.choice is not None and engine.choice.startswith(chosen[8:])
        assert (engine.backend.info.provider, engine.backend.info.variant) == (best["provider"], best["variant"])
        assert engine.schedule == tuning.schedule_for(tuning.Trial(**best), config.engine)
        # The engine plans as the schedule says: its first chunk no larger than the chosen budget.
        job = SpeechJob(" ".join(["A sentence of about a dozen words, said again and again."] * 12), "af_heart")
        plan = engine.plan(job, engine.speaker(job))
        assert len(plan.chunks) > 1 and len(plan.chunks[0].phonemes) <= engine.schedule.first_chunk_tokens
    finally:
        engine.close()
    # Another list of providers measures only what is new to it: here nothing.
    cpu_only = SpeechConfig.from_env(env | {"KOKORO_SPEECH_PROVIDERS": "cpu", "KOKORO_SPEECH_RESULT_CACHE": "false"})
    engine = SpeechEngine(cpu_only.engine, assets.resolve(cpu_only.model))
    try:
        assert kept.stat().st_mtime_ns == mtime
        assert engine.choice is None and engine.schedule == tuning.schedule_for(tuning.Trial(**cpu), cpu_only.engine)
    finally:
        engine.close()


@pytest.fixture(scope="module")
def falling_back(home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("falling-back")
    server = start_server(base_env(home, tmp, providers="cuda,cpu", model_variant="int8"), tmp / "server.log")
    yield server
    server.stop()


def test_the_server_reports_what_runs_the_model_and_the_fallback(falling_back: Server) -> None:
    ready = falling_back.get("/ready").json()
    model = ready["model"]
    assert (model["backend"], model["provider"], model["variant"], model["precision"]) == (
        "onnxruntime",
        "CPUExecutionProvider",
        "int8",
        "int8",
    )
    assert len(model["fallbacks"]) == 1 and model["fallbacks"][0].startswith("CUDAExecutionProvider/int8:")
    assert model["tuned"] is None
    log = falling_back.log.read_text()
    assert "provider falls back" in log and "engine ready" in log and "fallbacks=" in log
    response = falling_back.post("/v1/audio/speech", json={"model": "tts-1", "voice": "alloy", "input": "Still here."})
    assert response.status_code == 200
    samples, rate = decode(response.content, "mp3")
    assert len(samples) / rate > 0.5 and level_dbfs(samples) > -40
