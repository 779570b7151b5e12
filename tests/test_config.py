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
        ("SENTENCE_PAUSE_SECONDS", "-1"),
        ("MP3_BITRATE", "0"),
        ("LOG_LEVEL", "loud"),
    ],
)
def test_bad_values_are_refused_with_the_setting_named(name: str, value: str) -> None:
    with pytest.raises(ValueError, match="(?i)" + name.split("_")[0]):
        SpeechConfig.from_env({ENV_PREFIX + name: value})


def test_automatic_lanes_and_threads_split_the_cores_between_workers() -> None:
    cores = SpeechConfig().cpu_count()
    for workers in (1, 2, 3):
        config = SpeechConfig(workers=workers)
        assert config.resolved_lanes() == 1
        assert workers * config.resolved_threads() <= max(cores, workers)
    assert SpeechConfig(workers=1).resolved_threads() == cores
    assert SpeechConfig(lanes=5).resolved_lanes() == 5
    assert SpeechConfig(intra_op_threads=3).resolved_threads() == 3


def test_an_empty_text_setting_survives_the_trip_to_the_workers() -> None:
    config = SpeechConfig(cors_origins="", api_prefix="")
    assert SpeechConfig.from_env(config.to_env()) == config
    # Empty values of other kinds mean "use the default".
    assert SpeechConfig.from_env({"KOKORO_SPEECH_LANES": "", "KOKORO_SPEECH_HOME": ""}) == SpeechConfig()


def test_normalization_settings_and_request_overrides() -> None:
    from kokoro_speech.config import normalization_options

    config = SpeechConfig.from_env({"KOKORO_SPEECH_NORMALIZE_UNITS": "false", "KOKORO_SPEECH_DATE_ORDER": "dmy"})
    options = normalization_options(config)
    assert options.units is False and options.money is True and options.date_order == "dmy"
    assert normalization_options(config, units=True, money=None).units is True
    everything_off = normalization_options(config, normalize=False)
    assert not any(v for k, v in vars(everything_off).items() if k != "date_order")
    assert normalization_options(config, normalize=False, money=True).money is True


def test_every_normalization_switch_has_a_setting_and_a_request_field() -> None:
    from kokoro_speech.api.schemas import Normalization
    from kokoro_speech.normalize import NormalizationOptions

    options = {f.name for f in dataclasses.fields(NormalizationOptions)}
    settings = {f.name for f in dataclasses.fields(SpeechConfig)}
    assert {name if name == "date_order" else f"normalize_{name}" for name in options} <= settings
    assert set(Normalization.__struct_fields__) == options | {"normalize"}
