"""What `kokoro-speech serve` and :func:`kokoro_speech.server.app.create_app` add around the plugin."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from kokoro_speech.infra import settings
from kokoro_speech.infra.settings import check_above_zero, check_range, comma_list, setting
from kokoro_speech.infra.system import cpu_count

LogLevel = Literal["debug", "info", "warning", "error"]
MIN_WORKER_LIFETIME_S = 60
"""Granian refuses a shorter worker lifetime."""


@dataclass(frozen=True)
class ServeConfig:
    """What `kokoro-speech serve` and ``create_app`` add around the plugin: address, workers, CORS, logs."""

    app: str = setting("kokoro_speech.server.app:create_app", env="KOKORO_SPEECH_APP")
    """The application factory the workers run (``module:function``, called with no arguments): your own
    application around the plugin, made with :func:`kokoro_speech.server.app.create_app` so that the workers
    still report their model to `serve` (which waits for it when it replaces one)."""
    host: str = setting("127.0.0.1", env="KOKORO_SPEECH_HOST")
    """Address `kokoro-speech serve` binds."""
    port: int = setting(8880, env="KOKORO_SPEECH_PORT")
    """Port `kokoro-speech serve` binds."""
    workers: int = setting(1, env="KOKORO_SPEECH_WORKERS")
    """Granian worker processes; each loads its own model session and gets cores / workers threads."""
    cors_origins: str = setting("", env="KOKORO_SPEECH_CORS_ORIGINS")
    """Origins whose pages browsers let call the server, comma-separated, besides pages served from this
    machine (http or https on localhost, 127.0.0.1 or [::1], any port), which always may; ``*``: every origin."""
    log_level: LogLevel = setting("info", env="KOKORO_SPEECH_LOG_LEVEL")
    """Level of the server's log lines."""
    log_json: bool = setting(False, env="KOKORO_SPEECH_LOG_JSON")
    """Write log lines as JSON instead of key=value."""
    shutdown_grace_seconds: int = setting(30, env="KOKORO_SPEECH_SHUTDOWN_GRACE_SECONDS")
    """On SIGTERM or SIGINT the server stops accepting connections and lets responses in flight finish for up
    to this long; then it stops what is left and exits."""
    respawn_workers: bool = setting(True, env="KOKORO_SPEECH_RESPAWN_WORKERS")
    """Replace a worker that dies (the others keep serving meanwhile) instead of stopping the server."""
    header_timeout_seconds: float = setting(10.0, env="KOKORO_SPEECH_HEADER_TIMEOUT_SECONDS")
    """Longest a connection may take to send a request's headers (Granian closes it past that): a client that
    connects and never finishes its headers holds nothing longer."""
    worker_max_requests: int = setting(0, env="KOKORO_SPEECH_WORKER_MAX_REQUESTS")
    """Replace a worker once it has answered this many API requests (probes and scrapes do not count): its
    replacement starts first, and it stops once the replacement's model is loaded, finishing what it has in
    flight. 0: never."""
    worker_lifetime_seconds: int = setting(0, env="KOKORO_SPEECH_WORKER_LIFETIME_SECONDS")
    """Replace a worker once it has run this long (Granian's worker lifetime, at least 60 s), the same way.
    0: never."""

    def __post_init__(self) -> None:
        if ":" not in self.app:
            raise ValueError(f"KOKORO_SPEECH_APP must be module:function, got {self.app!r}")
        check_range(
            self,
            positive=("port", "workers", "shutdown_grace_seconds"),
            not_negative=("worker_max_requests", "worker_lifetime_seconds"),
        )
        check_above_zero(self, "header_timeout_seconds")
        if 0 < self.worker_lifetime_seconds < MIN_WORKER_LIFETIME_S:
            raise ValueError(
                f"KOKORO_SPEECH_WORKER_LIFETIME_SECONDS must be 0 (never) or at least {MIN_WORKER_LIFETIME_S}, got "
                f"{self.worker_lifetime_seconds}"
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServeConfig:
        return settings.from_env(cls, os.environ if environ is None else environ)

    def to_env(self) -> dict[str, str]:
        return settings.to_env(self)

    def origins(self) -> list[str]:
        return comma_list(self.cors_origins)

    def threads_per_worker(self) -> int:
        """Each worker's share of the cores, for workers this server starts itself."""
        return max(1, cpu_count() // self.workers)
