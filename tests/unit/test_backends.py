"""Choosing what runs the model, as pure logic: providers parsed in order with their aliases and "auto", and
the candidates ranked fastest first within the memory cap (the runs themselves are ``tests/app`` and
``tests/server``'s ``test_backends.py``)."""

from __future__ import annotations

import pytest

from kokoro_speech.config import BackendConfig
from kokoro_speech.engine import tuning
from kokoro_speech.engine.backends import loading


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
