"""The schedule chosen from a machine's measurement, and settings winning over it (pure logic)."""

from __future__ import annotations

import pytest

from kokoro_speech.config import BackendConfig, OnnxConfig, SchedulingConfig, SpeechConfig, SynthesisConfig
from kokoro_speech.engine.config import EngineConfig
from kokoro_speech.engine.schedule import CHOICES, Schedule, needs_measuring, untuned_environment
from kokoro_speech.engine.tuning import RULES, Trial
from kokoro_speech.engine.tuning import schedule_for as schedule_of


def schedule_for(trial: Trial | None, config: SpeechConfig) -> Schedule:
    return schedule_of(trial, config.engine)


CPU_LIKE = Trial(
    "CPUExecutionProvider",
    "int8",
    "int8",
    load_s=0.7,
    first_chunk_s=1.0,
    rtf=0.32,
    peak_rss_mb=390.0,
    later_chunk_s=2.3,
    audio_per_token_s=0.06,
    unspun_later_chunk_s=2.2,
    concurrent_gain=1.09,
    concurrent_peak_rss_mb=540.0,
)
"""Two cores of a current x86 server: a phoneme costs the same at 60 and 120, two runs at once gain little."""
GPU_LIKE = Trial(
    "CUDAExecutionProvider",
    "fp32",
    "fp32",
    load_s=2.0,
    first_chunk_s=0.05,
    rtf=0.01,
    peak_rss_mb=900.0,
    later_chunk_s=0.07,
    long_chunk_s=0.09,
    audio_per_token_s=0.06,
    concurrent_gain=1.6,
    concurrent_peak_rss_mb=950.0,
)
"""A GPU: runs take a fixed time more than a time per phoneme, and two at once nearly double the work."""


def test_without_figures_the_untuned_defaults_run() -> None:
    schedule = schedule_for(None, SpeechConfig())
    assert (schedule.lanes, schedule.spinning, schedule.first_chunk_tokens, schedule.chunk_tokens) == (1, True, 60, 120)
    assert (schedule.preempt, schedule.stream_rtf) == (True, 1.0), "unmeasured, streams are not paced"
    assert set(schedule.why.values()) == {"not measured: the default"}


def test_a_two_core_cpu_keeps_one_lane_and_paces_streams_for_its_speed() -> None:
    schedule = schedule_for(CPU_LIKE, SpeechConfig())
    assert schedule.lanes == 1 and "1.09x" in schedule.why["lanes"]
    assert schedule.spinning is False, "unspun runs were more than 3% faster"
    assert schedule.chunk_tokens == 120 and schedule.first_chunk_tokens == 60
    assert schedule.preempt is True
    # 2.2 s for 120 phonemes of 0.06 s of audio each: 0.31 s a second, planned as 0.3.
    assert schedule.stream_rtf == pytest.approx(0.3)
    spinning = schedule_for(Trial(**{**CPU_LIKE.__dict__, "unspun_later_chunk_s": 2.5}), SpeechConfig())
    assert spinning.spinning is True and "2.500 s not" in spinning.why["spinning"]


def test_a_gpu_gets_two_lanes_long_chunks_a_large_first_chunk_and_no_preemption() -> None:
    schedule = schedule_for(GPU_LIKE, SpeechConfig())
    assert schedule.lanes == 2 and schedule.spinning is False
    assert schedule.chunk_tokens == 240, "a phoneme cost 0.38 ms at 240 against 0.58 ms at 120"
    assert schedule.first_chunk_tokens == 240, "made well within a second"
    assert schedule.preempt is False, "a later chunk takes about a tenth of a second: waiting is not noticed"
    assert schedule.stream_rtf == pytest.approx(0.05), "the smallest step: paced, never unpaced by rounding"


def test_a_second_lane_must_fit_the_memory_cap() -> None:
    capped = SpeechConfig(backend=BackendConfig(memory_limit_mb=600))
    assert schedule_for(GPU_LIKE, capped).lanes == 1
    assert schedule_for(GPU_LIKE, SpeechConfig(backend=BackendConfig(memory_limit_mb=1000))).lanes == 2


def test_a_slow_machine_keeps_the_first_chunk_at_its_floor() -> None:
    slow = Trial(**{**CPU_LIKE.__dict__, "first_chunk_s": 2.4, "later_chunk_s": 4.6, "unspun_later_chunk_s": 4.7})
    schedule = schedule_for(slow, SpeechConfig())
    assert schedule.first_chunk_tokens == 60 and schedule.stream_rtf == pytest.approx(0.65)


def test_every_setting_given_wins_over_the_measurement() -> None:
    given = SpeechConfig(
        onnx=OnnxConfig(intra_op_spinning=True),
        scheduling=SchedulingConfig(lanes=3, preempt_later_chunks=False),
        synthesis=SynthesisConfig(first_chunk_tokens=80, chunk_tokens=200, stream_rtf=1.0),
    )
    assert not needs_measuring(given.engine) and needs_measuring(EngineConfig())
    schedule = schedule_for(GPU_LIKE, given)
    assert (schedule.lanes, schedule.spinning, schedule.first_chunk_tokens, schedule.chunk_tokens) == (3, True, 80, 200)
    assert (schedule.preempt, schedule.stream_rtf) == (False, 1.0)
    assert schedule.why["lanes"] == "set by KOKORO_SPEECH_LANES"
    assert schedule.why["spinning"] == "set by KOKORO_SPEECH_INTRA_OP_SPINNING"
    assert schedule.why["stream_rtf"] == "set by KOKORO_SPEECH_STREAM_RTF"


def test_each_choice_is_declared_once_with_its_setting_and_its_rule() -> None:
    assert list(RULES) == list(CHOICES)
    untuned = SpeechConfig.from_env(untuned_environment())
    assert not needs_measuring(untuned.engine), "a server given the untuned settings measures nothing"
    assert schedule_for(CPU_LIKE, untuned) == schedule_for(None, SpeechConfig())
