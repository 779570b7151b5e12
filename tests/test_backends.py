"""Backends, providers and variants on this machine: each named provider that cannot run falls back and
the model still speaks; OpenVINO runs, stops and times words; "auto" measures once and keeps the ranking."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from kokoro_speech import SpeechConfig
from kokoro_speech.config import BackendConfig
from kokoro_speech.engine import assets, tuning
from kokoro_speech.engine.backends import loading
from kokoro_speech.engine.backends import openvino as openvino_backend
from kokoro_speech.engine.backends.base import (
    Backend,
    BackendInfo,
    BackendUnavailable,
    InferenceAborted,
    ModelOutput,
    RunControl,
)
from kokoro_speech.engine.engine import SpeechEngine
from kokoro_speech.engine.languages import find
from kokoro_speech.speech.job import SpeechJob
from tests.audio import decode, level_dbfs
from tests.conftest import REPO, UNTUNED_SCHEDULE, Server, base_env, start_server

GPU_AND_PLATFORM_PROVIDERS = ["cuda", "rocm", "migraphx", "tensorrt", "coreml", "directml"]


def engine_for(home: Path, cache: Path, **settings: str) -> SpeechEngine:
    config = SpeechConfig.from_env(base_env(home, cache, result_cache="false", **settings))
    return SpeechEngine(config, assets.resolve(config.model))


def spoken_seconds(engine: SpeechEngine, text: str = "Falling back still speaks.") -> float:
    _, chunks = engine.speak(SpeechJob(text, "af_heart"))
    audio = np.concatenate([c.pcm for c in chunks])
    assert np.sqrt(np.mean(audio**2)) > 0.01
    return len(audio) / engine.sample_rate


def test_providers_are_parsed_in_order_with_aliases_and_auto() -> None:
    assert loading.parse_providers("cuda, CPU,openvino:gpu,openvino") == [
        "CUDAExecutionProvider",
        "CPUExecutionProvider",
        "openvino:GPU",
        "openvino:CPU",
    ]
    auto = loading.parse_providers("auto")
    assert auto[-1] == "CPUExecutionProvider" and "openvino:CPU" not in auto, "OpenVINO runs only where named"
    assert loading.parse_providers("openvino:CPU,auto")[0] == "openvino:CPU"
    with pytest.raises(ValueError, match="KOKORO_SPEECH_PROVIDERS"):
        BackendConfig(providers=" , ")


def test_every_gpu_or_platform_provider_named_falls_back_to_the_cpu_and_speaks(home: Path, tmp_path: Path) -> None:
    engine = engine_for(home, tmp_path, providers=",".join([*GPU_AND_PLATFORM_PROVIDERS, "cpu"]), model_variant="int8")
    try:
        assert engine.backend.info == BackendInfo("onnxruntime", "CPUExecutionProvider", "int8", "int8")
        assert len(engine.load_report.fallbacks) == len(GPU_AND_PLATFORM_PROVIDERS)
        assert all("not in this build of ONNX Runtime" in reason for reason in engine.load_report.fallbacks)
        assert engine.choice is None, "nothing was left to choose"
        assert spoken_seconds(engine) > 1.0
    finally:
        engine.close()


def test_a_graph_that_does_not_compile_falls_back(home: Path, tmp_path: Path) -> None:
    engine = engine_for(home, tmp_path, providers="openvino:NPU,cpu", model_variant="float32", **UNTUNED_SCHEDULE)
    try:
        assert engine.backend.info.provider == "CPUExecutionProvider"
        assert engine.backend.info.variant == "float32"
        [reason] = engine.load_report.fallbacks
        assert reason.startswith("openvino:NPU/float32:") and "compile" in reason
        assert spoken_seconds(engine) > 1.0
    finally:
        engine.close()


def test_no_provider_that_can_run_is_a_load_failure_naming_each(home: Path, tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailable, match=r"CUDAExecutionProvider/float32.*openvino:NPU/float32"):
        engine_for(home, tmp_path, providers="cuda,openvino:NPU", model_variant="float32")


class _Failing:
    """A backend whose every run fails: the check before use must catch it."""

    info = BackendInfo("test", "failing", "int8", "int8")
    has_durations = False
    closed = False

    def control(self) -> RunControl:
        return self

    def stop(self) -> None:
        pass

    def run(self, *args: object) -> ModelOutput:
        raise RuntimeError("the warm-up run failed")

    def close(self) -> None:
        _Failing.closed = True


def test_a_provider_whose_check_run_fails_falls_back_to_the_next(home: Path, tmp_path: Path) -> None:
    config = SpeechConfig.from_env(base_env(home, tmp_path, model_variant="int8"))
    files = assets.resolve(config.model)
    first, second = loading.Candidate("failing", "int8"), loading.Candidate("CPUExecutionProvider", "int8")

    def opener(candidate: loading.Candidate, config: SpeechConfig, files: assets.ModelFiles) -> Backend:
        return _Failing() if candidate == first else loading.open_backend(candidate, config, files)

    def check(backend: Backend) -> None:
        backend.run([50, 157, 43], np.zeros(256, np.float32), 1.0)

    backend, report = loading.load_first([first, second], config, files, check, opener)
    assert backend.info.provider == "CPUExecutionProvider" and _Failing.closed
    assert report.fallbacks == ["failing/int8: the warm-up run failed"]


def test_openvino_runs_the_float_graph_with_durations_and_stops_a_run(home: Path, tmp_path: Path) -> None:
    engine = engine_for(home, tmp_path, providers="openvino:CPU", model_variant="float32", **UNTUNED_SCHEDULE)
    try:
        info = engine.backend.info
        assert (info.backend, info.provider, info.variant) == ("openvino", "openvino:CPU", "float32")
        assert info.precision == openvino_backend.precision_for("CPU", "auto")
        assert engine.backend.has_durations
        plan, chunks = engine.speak(SpeechJob("OpenVINO times every word it says.", "af_heart"))
        assert sorted({w.owner for c in chunks for w in c.words}) == list(range(len(plan.words)))
        # A run stopped from another thread is discarded (InferenceAborted); one stopped before it starts
        # never runs. The request it ran on serves the next run.
        text = "A run long enough to be stopped halfway, with many words in it, one after another. " * 3
        tokens = engine.phonemizer.tokenize(engine.phonemizer.phonemize([text], find("en-us"))[0])[:200]
        style = plan.voice.style_for(len(tokens))
        control = engine.backend.control()
        threading.Timer(0.2, control.stop).start()
        with pytest.raises(InferenceAborted):
            engine.backend.run(tokens, style, 1.0, control)
        started = time.perf_counter()
        with pytest.raises(InferenceAborted):
            engine.backend.run(tokens, style, 1.0, control)
        assert time.perf_counter() - started < 0.05
        assert len(engine.backend.run(tokens[:40], style, 1.0).audio) > 24000
    finally:
        engine.close()


def test_variants_follow_the_files_present(home: Path, tmp_path: Path) -> None:
    config = SpeechConfig.from_env(base_env(home, tmp_path))
    files = assets.resolve(config.model)
    assert files.variant == "int8" and set(files.others or {}) == {"int8"}
    cpu = "CPUExecutionProvider"
    assert loading.variants_for(cpu, config, files) == ["int8"], "a made graph is used only where named"
    assert loading.variants_for("openvino:CPU", config, files) == ["float32"]
    assert not loading.is_choice(config) or len(loading.candidates(config, files)) == 1
    fixed = SpeechConfig.from_env(base_env(home, tmp_path, model_variant="int8"))
    assert loading.variants_for(cpu, fixed, files) == ["int8"] and not loading.is_choice(
        SpeechConfig.from_env(base_env(home, tmp_path, model_variant="int8", providers="cpu"))
    )
    with pytest.raises(BackendUnavailable, match="fp16 model file is not present"):
        loading.graph_path("fp16", config, files)


def test_ranking_puts_the_fastest_within_the_memory_cap_first() -> None:
    trials = [
        tuning.Trial("CPUExecutionProvider", "int8", "int8", 0.5, 0.7, 0.50, 450.0),
        tuning.Trial("openvino:CPU", "float32", "bf16", 2.0, 0.5, 0.30, 800.0),
        tuning.Trial("CPUExecutionProvider", "float32", "fp32", 0.9, 0.8, 0.55, 700.0),
        tuning.Trial("CUDAExecutionProvider", "int8", error="BackendUnavailable: not in this build"),
    ]
    order, reason = tuning.ranked(trials, memory_limit_mb=0)
    assert [c.label for c in order] == [
        "openvino:CPU/float32",
        "CPUExecutionProvider/int8",
        "CPUExecutionProvider/float32",
        "CUDAExecutionProvider/int8",
    ]
    assert reason.startswith("openvino:CPU/float32 (bf16) runs at RTF 0.300") and "failed: CUDA" in reason
    capped, why = tuning.ranked(trials, memory_limit_mb=600)
    assert capped[0].label == "CPUExecutionProvider/int8" and "over the 600 MB cap: openvino:CPU/float32 800 MB" in why


def test_auto_measures_once_and_the_tune_command_prints_its_choice(home: Path, tmp_path: Path) -> None:
    # OpenVINO named before auto's own candidates: two to choose between.
    env = base_env(home, tmp_path / "cache", providers="openvino:CPU,auto")
    kept = Path(env["KOKORO_SPEECH_GRAPHS_DIR"]) / "tuning.json"
    command = [sys.executable, "-m", "kokoro_speech.server.cli", "tune"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900, cwd=REPO)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "CPUExecutionProvider" in out and "openvino:CPU" in out and "float32" in out and "chosen: " in out, out
    records = json.loads(kept.read_text())
    [record] = [r for r in records.values() if "openvino:CPU/float32" in r["trials"]]
    candidates = ("openvino:CPU/float32", "CPUExecutionProvider/int8")
    ran = [record["trials"][label] for label in candidates if record["trials"][label]["rtf"] is not None]
    assert len(ran) >= 2 and all(t["peak_rss_mb"] > 100 and t["load_s"] > 0 for t in ran)
    assert all(t["later_chunk_s"] > t["first_chunk_s"] > 0 and t["concurrent_gain"] > 0.3 for t in ran)
    cpu = record["trials"]["CPUExecutionProvider/int8"]
    assert cpu["unspun_later_chunk_s"] > 0, "ONNX Runtime's CPU threads are timed spinning and not"
    best = min(ran, key=lambda t: t["rtf"])
    chosen = next(line for line in out.splitlines() if line.startswith("chosen: "))
    assert chosen == f"chosen: {best['provider']}/{best['variant']}"
    for choice in ("lanes", "spinning", "first_chunk_tokens", "chunk_tokens", "preempt", "stream_rtf"):
        assert re.search(rf"^  {choice} ", out, re.MULTILINE), f"the tune command says how {choice} was chosen"
    mtime = kept.stat().st_mtime_ns
    config = SpeechConfig.from_env(env | {"KOKORO_SPEECH_RESULT_CACHE": "false"})
    engine = SpeechEngine(config, assets.resolve(config.model))
    try:
        assert kept.stat().st_mtime_ns == mtime, "the kept trials were used"
        assert engine.tuning is not None and engine.choice is not None and engine.choice.startswith(chosen[8:])
        assert (engine.backend.info.provider, engine.backend.info.variant) == (best["provider"], best["variant"])
        assert engine.schedule == tuning.schedule_for(tuning.Trial(**best), config)
        assert engine.config.synthesis.first_chunk_tokens == engine.schedule.first_chunk_tokens > 0
    finally:
        engine.close()
    # Another list of providers measures only what is new to it: here nothing.
    cpu_only = SpeechConfig.from_env(env | {"KOKORO_SPEECH_PROVIDERS": "cpu", "KOKORO_SPEECH_RESULT_CACHE": "false"})
    engine = SpeechEngine(cpu_only, assets.resolve(cpu_only.model))
    try:
        assert kept.stat().st_mtime_ns == mtime
        assert engine.choice is None and engine.schedule == tuning.schedule_for(tuning.Trial(**cpu), cpu_only)
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
