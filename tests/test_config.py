"""Settings: defaults, environment variables, overrides."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from kokoro_speech.config import ENV_PREFIX, SpeechConfig


def test_every_setting_has_a_default_and_an_environment_variable() -> None:
    config = SpeechConfig()
    env = config.to_env()
    for f in dataclasses.fields(SpeechConfig):
        if getattr(config, f.name) is not None:
            assert ENV_PREFIX + f.name.upper() in env
    assert SpeechConfig.from_env(env) == config


def test_environment_values_are_typed() -> None:
    config = SpeechConfig.from_env(
        {
            "KOKORO_SPEECH_LANES": "3",
            "KOKORO_SPEECH_WARMUP": "false",
            "KOKORO_SPEECH_HOME": "~/models",
            "KOKORO_SPEECH_SENTENCE_PAUSE_SECONDS": "0.3",
        }
    )
    assert config.lanes == 3
    assert config.warmup is False
    assert config.home == Path("~/models").expanduser()
    assert config.sentence_pause_seconds == 0.3


def test_overrides_beat_the_environment_and_none_leaves_it() -> None:
    env = {"KOKORO_SPEECH_PORT": "9000", "KOKORO_SPEECH_WORKERS": "2"}
    config = SpeechConfig.from_env(env, port=7000, workers=None)
    assert (config.port, config.workers) == (7000, 2)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LANES", "many"),
        ("CHUNK_TOKENS", "900"),
        ("QUEUE_SIZE", "0"),
        ("MODEL_VARIANT", "int4"),
        ("FIRST_CHUNK_TOKENS", "300"),
    ],
)
def test_bad_values_are_refused_with_the_setting_named(name: str, value: str) -> None:
    with pytest.raises(ValueError, match="(?i)" + name.split("_")[0]):
        SpeechConfig.from_env({ENV_PREFIX + name: value})


def test_automatic_lanes_and_threads_split_the_cores_across_workers() -> None:
    one = SpeechConfig(workers=1)
    cores = one.cpu_count()
    assert one.resolved_threads() == cores
    assert SpeechConfig(workers=cores * 2).resolved_threads() == 1
    assert SpeechConfig(lanes=5).resolved_lanes() == 5
