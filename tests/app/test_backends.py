"""Backends, providers and variants on this machine: each named provider that cannot run falls back and the
model still speaks, a failing check falls back to the next, OpenVINO runs, stops and times words, and the
variants follow the files present."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from kokoro_speech import SpeechConfig
from kokoro_speech.engine import assets
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
from kokoro_speech.engine.config import MODEL_MAX_TOKENS
from kokoro_speech.engine.engine import SpeechEngine
from kokoro_speech.engine.job import SpeechJob
from kokoro_speech.engine.languages import find
from tests.support import UNTUNED_SCHEDULE, base_env

GPU_AND_PLATFORM_PROVIDERS = ["cuda", "rocm", "migraphx", "tensorrt", "coreml", "directml"]


def engine_for(home: Path, cache: Path, **settings: str) -> SpeechEngine:
    config = SpeechConfig.from_env(base_env(home, cache, result_cache="false", **settings))
    return SpeechEngine(config.engine, assets.resolve(config.model))


def spoken_seconds(engine: SpeechEngine, text: str = "Falling back still speaks.") -> float:
    _, chunks = engine.speak(SpeechJob(text, "af_heart"))
    audio = np.concatenate([c.pcm for c in chunks])
    assert np.sqrt(np.mean(audio**2)) > 0.01
    return len(audio) / engine.sample_rate


def test_every_gpu_or_platform_provider_named_falls_back_to_the_cpu_and_speaks(home: Path, tmp_path: Path) -> None:
    engine = engine_for(
        home,
        tmp_path,
        providers=",".join([*GPU_AND_PLATFORM_PROVIDERS, "cpu"]),
        model_variant="int8",
        **UNTUNED_SCHEDULE,
    )
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

    def opener(candidate: loading.Candidate) -> Backend:
        return _Failing() if candidate == first else loading.open_backend(candidate, config.engine, files)

    def check(backend: Backend) -> None:
        backend.run([50, 157, 43], np.zeros(256, np.float32), 1.0)

    backend, report = loading.load_first([first, second], check, opener)
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
        # The longest run the model takes: seconds on any CPU, so the stop comes while it runs.
        text = "A run long enough to be stopped halfway, with many words in it, one after another. " * 8
        tokens = engine.phonemizer.tokenize(engine.phonemizer.phonemize([text], find("en-us"))[0])[:MODEL_MAX_TOKENS]
        style = plan.voice.style_for(len(tokens))
        control = engine.backend.control()
        threading.Timer(0.2, control.stop).start()
        started = time.perf_counter()
        with pytest.raises(InferenceAborted):
            engine.backend.run(tokens, style, 1.0, control)
        stopped_run = time.perf_counter() - started
        started = time.perf_counter()
        with pytest.raises(InferenceAborted):
            engine.backend.run(tokens, style, 1.0, control)
        assert time.perf_counter() - started < 0.25 * stopped_run, "a stopped control never runs the model"
        assert len(engine.backend.run(tokens[:40], style, 1.0).audio) > 24000
    finally:
        engine.close()


def test_variants_follow_the_files_present(home: Path, tmp_path: Path) -> None:
    given = SpeechConfig.from_env(base_env(home, tmp_path, providers="auto"))
    files = assets.resolve(given.model)
    config = given.engine
    assert files.variant == "int8" and set(files.others or {}) == {"int8"}
    cpu = "CPUExecutionProvider"
    assert loading.variants_for(cpu, config, files) == ["int8"], "a made graph is used only where named"
    assert loading.variants_for("openvino:CPU", config, files) == ["float32"]
    # "auto": ONNX Runtime on the file present, and OpenVINO on the made graph where the CPU computes in bf16.
    bf16 = openvino_backend.available() and openvino_backend.computes_bf16()
    expected = [f"{cpu}/int8", *(["openvino:CPU/float32"] if bf16 else [])]
    assert [c.label for c in loading.candidates(config, files)] == expected
    fixed = SpeechConfig.from_env(base_env(home, tmp_path, model_variant="int8")).engine
    assert loading.variants_for(cpu, fixed, files) == ["int8"] and not loading.is_choice(
        SpeechConfig.from_env(base_env(home, tmp_path, model_variant="int8", providers="cpu")).engine
    )
    with pytest.raises(BackendUnavailable, match="fp16 model file is not present"):
        loading.graph_path("fp16", config, files)
