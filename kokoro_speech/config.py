"""The plugin's configuration, assembled from the settings each layer owns.

:class:`SpeechConfig` is one sub-config per concern, each declared beside the code it configures
(the engine's in :mod:`kokoro_speech.engine.config`, the text pipeline's in
:mod:`kokoro_speech.normalize.config`, the HTTP layer's in :mod:`kokoro_speech.api.config`, ...), each
field documented and each setting with a default and a ``KOKORO_SPEECH_*`` variable (see
:mod:`kokoro_speech.infra.settings`). What only `kokoro-speech serve` uses is in
:mod:`kokoro_speech.server.config`. The sub-configs are importable from here too.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kokoro_speech.api.config import AccessConfig, ApiConfig, MetricsConfig, PageConfig, RateLimitConfig
from kokoro_speech.audio.formats import EncoderSettings
from kokoro_speech.cache.config import CacheConfig
from kokoro_speech.engine.config import (
    BackendConfig,
    EngineConfig,
    ModelConfig,
    OnnxConfig,
    SchedulingConfig,
    SynthesisConfig,
)
from kokoro_speech.infra import settings
from kokoro_speech.infra.config import RedisConfig
from kokoro_speech.jobs.config import JobsConfig
from kokoro_speech.normalize.config import TextConfig
from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.speech.config import CaptionConfig, LiveConfig
from kokoro_speech.wyoming_server.config import WyomingConfig

__all__ = [
    "AccessConfig",
    "ApiConfig",
    "BackendConfig",
    "CacheConfig",
    "CaptionConfig",
    "EncoderSettings",
    "EngineConfig",
    "JobsConfig",
    "LiveConfig",
    "MetricsConfig",
    "ModelConfig",
    "NormalizationOptions",
    "OnnxConfig",
    "PageConfig",
    "RateLimitConfig",
    "RedisConfig",
    "SchedulingConfig",
    "SpeechConfig",
    "SynthesisConfig",
    "TextConfig",
    "WyomingConfig",
]


@dataclass(frozen=True)
class SpeechConfig:
    """Configuration of the speech plugin: one sub-config per concern, then the plugin's wiring.

    ``SpeechConfig.from_env()`` reads every setting from ``KOKORO_SPEECH_*`` variables; in code,
    ``SpeechConfig(scheduling=SchedulingConfig(lanes=2), text=TextConfig(max_input_chars=2000))``.
    """

    model: ModelConfig = field(default_factory=ModelConfig)
    onnx: OnnxConfig = field(default_factory=OnnxConfig)
    backend: BackendConfig = field(default_factory=BackendConfig)
    scheduling: SchedulingConfig = field(default_factory=SchedulingConfig)
    text: TextConfig = field(default_factory=TextConfig)
    synthesis: SynthesisConfig = field(default_factory=SynthesisConfig)
    audio: EncoderSettings = field(default_factory=EncoderSettings)
    cache: CacheConfig = field(default_factory=CacheConfig)
    api: ApiConfig = field(default_factory=ApiConfig)
    access: AccessConfig = field(default_factory=AccessConfig)
    limits: RateLimitConfig = field(default_factory=RateLimitConfig)
    metrics: MetricsConfig = field(default_factory=MetricsConfig)
    captions: CaptionConfig = field(default_factory=CaptionConfig)
    live: LiveConfig = field(default_factory=LiveConfig)
    wyoming: WyomingConfig = field(default_factory=WyomingConfig)
    jobs: JobsConfig = field(default_factory=JobsConfig)
    page: PageConfig = field(default_factory=PageConfig)
    redis: RedisConfig = field(default_factory=RedisConfig)

    # --- wiring into the application (code only, not settings of a running server) ------------
    state_key: str = "kokoro_speech"
    """Key of the plugin's per-worker runtime in the application state."""
    service_dependency_key: str = "speech_service"
    """Name under which the application's handlers receive the speech service."""
    runtime_dependency_key: str = "speech_runtime"
    """Name under which the application's handlers receive the worker's runtime (readiness, counters)."""
    config_dependency_key: str = "speech_config"
    """Name under which the application's handlers receive this config."""
    app_wide_errors: bool = False
    """Also answer in OpenAI's error shape outside the plugin's routes: unknown routes (404), wrong methods
    (405) and the application's own errors. Off, the plugin shapes only its own routes' errors and leaves
    the host application's as their owners wrote them; ``create_app`` turns it on."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SpeechConfig:
        """Every setting from its ``KOKORO_SPEECH_*`` variable (``os.environ`` by default)."""
        return settings.from_env(cls, os.environ if environ is None else environ)

    def to_env(self) -> dict[str, str]:
        """The environment that reproduces these settings in another process."""
        return settings.to_env(self)

    def dependency_keys(self) -> dict[str, str]:
        """The names under which the application's handlers receive the runtime, the service and this config."""
        return {
            "runtime": self.runtime_dependency_key,
            "service": self.service_dependency_key,
            "config": self.config_dependency_key,
        }

    @property
    def engine(self) -> EngineConfig:
        """What the engine is built from: its own groups of these settings."""
        return EngineConfig(self.model, self.onnx, self.backend, self.scheduling, self.synthesis, self.text)

    @property
    def results_db(self) -> Path:
        return self.cache.path or self.model.cache_dir / "results.sqlite3"

    @property
    def jobs_dir(self) -> Path:
        return self.jobs.dir or self.model.cache_dir / "jobs"

    @property
    def limits_db(self) -> Path:
        return self.limits.path or self.model.cache_dir / "limits.sqlite3"
