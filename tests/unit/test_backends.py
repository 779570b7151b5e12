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
    assert "CPUExecutionProvider" in auto
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
    order, reason = tuning.ranked(trials, BackendConfig())
    assert [c.label for c in order] == [
        "openvino:CPU/float32",
        "CPUExecutionProvider/int8",
        "CPUExecutionProvider/float32",
        "CUDAExecutionProvider/int8",
    ]
    assert reason.startswith("openvino:CPU/float32 (bf16) runs at RTF 0.300") and "failed: CUDA" in reason
    capped, why = tuning.ranked(trials, BackendConfig(memory_limit_mb=600))
    assert capped[0].label == "CPUExecutionProvider/int8" and "over the 600 MB cap: openvino:CPU/float32 800 MB" in why


def test_openvino_is_a_candidate_of_auto_only_where_the_cpu_computes_in_bf16(monkeypatch: pytest.MonkeyPatch) -> None:
    from kokoro_speech.engine.backends import openvino

    monkeypatch.setattr(openvino, "cpu_flags", lambda: {"avx2", "avx512f", "avx512_vnni"})
    assert "openvino:CPU" not in loading.parse_providers("auto")
    monkeypatch.setattr(openvino, "cpu_flags", lambda: {"avx2", "avx512f", "avx512_bf16"})
    assert loading.parse_providers("auto")[-2:] == ["CPUExecutionProvider", "openvino:CPU"]
    monkeypatch.setattr(openvino, "cpu_flags", lambda: {"amx_bf16"})
    assert "openvino:CPU" in loading.parse_providers("auto")


def test_a_candidate_outside_the_quality_gate_comes_after_every_one_within_it() -> None:
    trials = [
        tuning.Trial("CPUExecutionProvider", "int8", "int8", 0.5, 0.7, 0.50, 450.0),
        tuning.Trial("openvino:CPU", "float32", "bf16", 2.0, 0.5, 0.30, 800.0, spectral_db=6.0, durations_agree=0.97),
        tuning.Trial(
            "CPUExecutionProvider", "float32", "fp32", 0.9, 0.8, 0.55, 700.0, spectral_db=1.5, durations_agree=0.5
        ),
    ]
    order, reason = tuning.ranked(trials, BackendConfig())
    assert [c.label for c in order] == [
        "CPUExecutionProvider/int8",
        "openvino:CPU/float32",
        "CPUExecutionProvider/float32",
    ]
    assert (
        "outside the quality gate (1.5 dB, 90% of durations): openvino:CPU/float32, CPUExecutionProvider/float32"
        in reason
    )
    trials[1] = tuning.Trial(
        "openvino:CPU", "float32", "bf16", 2.0, 0.5, 0.30, 800.0, spectral_db=1.2, durations_agree=0.96
    )
    order, reason = tuning.ranked(trials, BackendConfig())
    assert order[0].label == "openvino:CPU/float32"
    assert "(1.20 dB from int8, 96% of durations the same)" in reason
    assert tuning.ranked(trials, BackendConfig(quality_max_db=1.0))[0][0].label == "CPUExecutionProvider/int8"
