"""Backends, providers and variants on this machine: each named provider that cannot run falls back and
the model still speaks; OpenVINO runs, stops and times words; "auto" measures once and keeps the ranking."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from kokoro_speech import SpeechConfig
from kokoro_speech.config import BackendConfig
from kokoro_speech.engine import assets, tuning
from kokoro_speech.engine.backends import loading
from kokoro_speech.engine.backends.base import (
    BackendInfo,
    ModelOutput,
    RunControl,
)
from kokoro_speech.engine.engine import SpeechEngine
from kokoro_speech.engine.job import SpeechJob
from tests.support import Server, base_env, start_server

GPU_AND_PLATFORM_PROVIDERS = ["cuda", "rocm", "migraphx", "tensorrt", "coreml", "directml"]


def engine_for(home: Path, cache: Path, **settings: str) -> SpeechEngine:
    config = SpeechConfig.from_env(base_env(home, cache, result_cache="false", **settings))
    return SpeechEngine(config.engine, assets.resolve(config.model))


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


@pytest.fixture(scope="module")
def falling_back(home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("falling-back")
    server = start_server(base_env(home, tmp, providers="cuda,cpu", model_variant="int8"), tmp / "server.log")
    yield server
    server.stop()
