"""Settings: defaults, environment variables, nesting, overrides (pure logic)."""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path
from typing import Any

import pytest

from kokoro_speech.audio.formats import EncoderSettings
from kokoro_speech.cache.results import fingerprint
from kokoro_speech.config import (
    ApiConfig,
    OnnxConfig,
    SchedulingConfig,
    SpeechConfig,
    SynthesisConfig,
    TextConfig,
)
from kokoro_speech.engine import speeds
from kokoro_speech.engine.config import EngineConfig
from kokoro_speech.engine.schedule import Schedule
from kokoro_speech.engine.tuning import schedule_for
from kokoro_speech.infra.settings import ENV_PREFIX, Setting, env_of, settings_of
from kokoro_speech.infra.system import cpu_count
from kokoro_speech.normalize import NormalizationOptions
from kokoro_speech.server import cli
from kokoro_speech.server.config import ServeConfig
from kokoro_speech.speech.worker import audible


def every_setting() -> list[Setting]:
    return [*settings_of(SpeechConfig), *settings_of(ServeConfig)]


def load(environ: dict[str, str]) -> tuple[SpeechConfig, ServeConfig]:
    return SpeechConfig.from_env(environ), ServeConfig.from_env(environ)


def test_every_setting_has_a_default_and_an_environment_variable() -> None:
    config, serve = SpeechConfig(), ServeConfig()
    env = {**config.to_env(), **serve.to_env()}
    for item in every_setting():
        assert item.env.startswith(ENV_PREFIX)
        if item.default is not None:
            assert item.env in env
    assert len({item.env for item in every_setting()}) == len(every_setting()), "a variable is used twice"
    assert load(env) == (config, serve)


def test_environment_values_are_typed() -> None:
    config = SpeechConfig.from_env(
        {
            "KOKORO_SPEECH_LANES": "3",
            "KOKORO_SPEECH_WARMUP": "false",
            "KOKORO_SPEECH_HOME": "~/models",
            "KOKORO_SPEECH_SENTENCE_PAUSE_SECONDS": "0.3",
        }
    )
    assert config.scheduling.lanes == 3
    assert config.model.warmup is False
    assert config.model.home == Path("~/models").expanduser()
    assert config.synthesis.sentence_pause_seconds == 0.3


# Where the value a type gets would break a check between settings, one that keeps it.
_VALID_OTHERWISE = {
    "KOKORO_SPEECH_MODEL_SPEED_MAX": ("2.5", 2.5),
    "KOKORO_SPEECH_CHUNK_TOKENS": ("200", 200),
    "KOKORO_SPEECH_WORKER_LIFETIME_SECONDS": ("3600", 3600),
    "KOKORO_SPEECH_REDIS_URL": ("redis://cache.internal:6379/1", "redis://cache.internal:6379/1"),
    "KOKORO_SPEECH_PAGE_PATH": ("/speak", "/speak"),
    "KOKORO_SPEECH_APP": ("myproject.app:create_app", "myproject.app:create_app"),
    "KOKORO_SPEECH_TRUSTED_PROXIES": ("10.0.0.0/8,fd00::/8", "10.0.0.0/8,fd00::/8"),
    "KOKORO_SPEECH_WYOMING_URI": ("tcp://0.0.0.0:10200", "tcp://0.0.0.0:10200"),
}


def _other_value(item: Setting) -> tuple[str, Any]:
    """One valid value other than the default, in the variable's text and as the config holds it."""
    if item.env in _VALID_OTHERWISE:
        return _VALID_OTHERWISE[item.env]
    type_ = item.type
    if type_ is bool or (typing.get_origin(type_) is typing.Union and bool in typing.get_args(type_)):
        # A switch, or one that may be left to the machine's measurement ("auto").
        return ("false", False) if item.default is not False else ("1", True)
    if type_ is int:
        return "7", 7
    if type_ is float:
        return "0.5", 0.5
    if type_ is str:
        return "something", "something"
    if type_ in (Path, Path | None):
        return "~/somewhere", Path("~/somewhere").expanduser()
    if typing.get_origin(type_) is typing.Literal:
        choice = next(c for c in typing.get_args(type_) if c != item.default)
        return str(choice), choice
    raise AssertionError(f"{item.env}: the config declares a type this test does not know: {type_}")


@pytest.mark.parametrize("item", every_setting(), ids=lambda item: item.env)
def test_every_declared_type_is_read_from_its_variable(item: Setting) -> None:
    text, expected = _other_value(item)
    speech, serve = load({item.env: text})
    value: Any = speech if item in list(settings_of(SpeechConfig)) else serve
    for name in item.path:
        value = getattr(value, name)
    assert value == expected and type(value) is type(expected)


def test_flags_beat_the_environment_and_a_flag_not_given_leaves_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOKORO_SPEECH_PORT", "9000")
    monkeypatch.setenv("KOKORO_SPEECH_WORKERS", "2")
    _, serve = cli._configs(cli._with_flags({"KOKORO_SPEECH_PORT": 7000, "KOKORO_SPEECH_WORKERS": None}))
    assert (serve.port, serve.workers) == (7000, 2)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("LANES", "many"),
        ("CHUNK_TOKENS", "900"),
        ("QUEUE_SIZE", "0"),
        ("MODEL_VARIANT", "int4"),
        ("FIRST_CHUNK_TOKENS", "600"),
        ("FIRST_CHUNK_SECONDS", "0"),
        ("STREAM_RTF", "-0.5"),
        ("WORKER_LIFETIME_SECONDS", "30"),
        ("WORKER_MAX_REQUESTS", "-1"),
        ("REDIS_TIMEOUT_SECONDS", "0"),
        ("REDIS_URL", "cache.internal:6379"),
        ("LOAD_WAIT_SECONDS", "-1"),
        ("SENTENCE_PAUSE_SECONDS", "-1"),
        ("MP3_BITRATE", "0"),
        ("LOG_LEVEL", "loud"),
        ("APP", "create_app"),
    ],
)
def test_bad_values_are_refused_with_the_setting_named(name: str, value: str) -> None:
    with pytest.raises(ValueError, match="(?i)" + name.split("_")[0]) as refused:
        load({ENV_PREFIX + name: value})
    assert ENV_PREFIX + name in str(refused.value)


def test_a_first_chunk_larger_than_the_later_ones_is_refused_but_auto_later_chunks_grow_to_it() -> None:
    with pytest.raises(ValueError, match="KOKORO_SPEECH_FIRST_CHUNK_TOKENS <= KOKORO_SPEECH_CHUNK_TOKENS"):
        SynthesisConfig(first_chunk_tokens=200, chunk_tokens=100)
    grown = schedule_for(None, EngineConfig(synthesis=SynthesisConfig(first_chunk_tokens=200)))
    assert (grown.first_chunk_tokens, grown.chunk_tokens) == (200, 200)
    untuned = schedule_for(None, EngineConfig())
    assert (untuned.first_chunk_tokens, untuned.chunk_tokens) == (60, 120)
    assert speeds.pace(untuned.stream_rtf, 1.0, SynthesisConfig()) >= 1, "unmeasured, streams are not paced"
    # Time-stretching shortens the audio but not the synthesis: a faster stream runs at a slower pace.
    assert speeds.pace(0.4, 2.0, SynthesisConfig()) == pytest.approx(0.4 * 2.0 / 1.1)


def test_threads_split_the_cores_only_between_workers_the_server_starts() -> None:
    cores = cpu_count()
    # A plugin inside someone else's application: the machine's cores, whatever KOKORO_SPEECH_WORKERS says.
    assert OnnxConfig().threads() == cores
    assert SpeechConfig.from_env({"KOKORO_SPEECH_WORKERS": "2"}).onnx.threads() == cores
    for workers in (1, 2, 3):
        share = ServeConfig(workers=workers).threads_per_worker()
        assert share >= 1 and workers * share <= max(cores, workers)
    assert ServeConfig(workers=1).threads_per_worker() == cores
    assert schedule_for(None, EngineConfig()).lanes == 1
    assert schedule_for(None, EngineConfig(scheduling=SchedulingConfig(lanes=5))).lanes == 5
    assert OnnxConfig(intra_op_threads=3).threads() == 3


def test_an_empty_text_setting_survives_the_trip_to_the_workers() -> None:
    config, serve = SpeechConfig(api=ApiConfig(prefix="")), ServeConfig(cors_origins="")
    assert load({**config.to_env(), **serve.to_env()}) == (config, serve)
    # Empty values of other kinds mean "use the default".
    assert SpeechConfig.from_env({"KOKORO_SPEECH_LANES": "", "KOKORO_SPEECH_HOME": ""}) == SpeechConfig()


def test_normalization_settings_and_request_overrides() -> None:
    text = SpeechConfig.from_env({"KOKORO_SPEECH_NORMALIZE_UNITS": "false", "KOKORO_SPEECH_DATE_ORDER": "dmy"}).text
    options = text.normalization_for()
    assert options.units is False and options.money is True and options.date_order == "dmy"
    assert text.normalization_for(units=True, money=None).units is True
    everything_off = text.normalization_for(normalize=False)
    assert not any(v for k, v in vars(everything_off).items() if k != "date_order")
    assert text.normalization_for(normalize=False, money=True).money is True
    # The server's master switch off: a request may turn normalization back on, with the server's rules.
    server_off = TextConfig(normalize=False, normalization=NormalizationOptions(units=False))
    assert server_off.normalization_for().money is False
    assert server_off.normalization_for(normalize=True) == NormalizationOptions(units=False)


def test_every_normalization_switch_has_a_setting_and_a_request_field() -> None:
    from kokoro_speech.api.schemas import Normalization

    options = [f.name for f in dataclasses.fields(NormalizationOptions)]
    for name in options:
        expected = "KOKORO_SPEECH_DATE_ORDER" if name == "date_order" else f"KOKORO_SPEECH_NORMALIZE_{name.upper()}"
        assert env_of(SpeechConfig, "text", "normalization", name) == expected
    assert env_of(SpeechConfig, "text", "normalize") == "KOKORO_SPEECH_NORMALIZE"
    assert list(Normalization.__struct_fields__) == ["normalize", *options]


def test_every_setting_that_changes_the_audio_is_in_the_cache_fingerprint() -> None:
    base = SpeechConfig()

    def digest(config: SpeechConfig) -> str:
        return fingerprint(audible(config.synthesis, schedule_for(None, config.engine), config.audio, config.text, {}))

    for group, field_name in (
        ("synthesis", "chunk_tokens"),
        ("synthesis", "model_speed_max"),
        ("audio", "mp3_bitrate"),
    ):
        section = getattr(base, group)
        changed = dataclasses.replace(section, **{field_name: getattr(section, field_name) + 1})
        assert digest(dataclasses.replace(base, **{group: changed})) != digest(base), field_name

    # A setting added to one of these sub-configs later is in the key without anyone listing it.
    @dataclasses.dataclass(frozen=True)
    class WithNewKnob(SynthesisConfig):
        breathiness: float = 0.0

    @dataclasses.dataclass(frozen=True)
    class WithNewCodecKnob(EncoderSettings):
        mp3_quality: int = 2

    assert digest(dataclasses.replace(base, synthesis=WithNewKnob(breathiness=0.5))) != digest(
        dataclasses.replace(base, synthesis=WithNewKnob())
    )
    assert digest(dataclasses.replace(base, audio=WithNewCodecKnob(mp3_quality=5))) != digest(
        dataclasses.replace(base, audio=WithNewCodecKnob())
    )
    # Settings that do not change the audio stay out of it.
    assert digest(dataclasses.replace(base, scheduling=SchedulingConfig(queue_size=3))) == digest(base)
    # So do the measured choices: the pace and chunk sizes are in it, the lanes are not.
    measured = schedule_for(None, base.engine)

    def heard(schedule: Schedule) -> str:
        return fingerprint(audible(base.synthesis, schedule, base.audio, base.text, {}))

    assert heard(dataclasses.replace(measured, stream_rtf=0.45)) != heard(measured)
    assert heard(dataclasses.replace(measured, first_chunk_tokens=90)) != heard(measured)
    assert heard(dataclasses.replace(measured, lanes=2, preempt=False)) == heard(measured)
