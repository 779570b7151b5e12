"""The shared infrastructure's settings: the Redis several servers share."""

from __future__ import annotations

from dataclasses import dataclass

from kokoro_speech.infra.settings import setting

REDIS_SCHEMES = ("redis", "rediss", "unix")
"""What redis-py connects to: TCP, TLS, a Unix socket."""


@dataclass(frozen=True)
class RedisConfig:
    """Redis shared by several servers: the result cache and the rate-limit counts live there instead of in this
    server's own files, so a response made by one server is a hit on every other and a caller's limits hold
    across them. While Redis cannot be reached each server uses its own files (one warning per outage) and
    tries Redis again every ``retry_seconds``."""

    url: str = setting("", env="KOKORO_SPEECH_REDIS_URL")
    """``redis://[:password@]host:port/db`` (``rediss://`` for TLS); empty: no Redis, each server keeps its own."""
    prefix: str = setting("kokoro-speech", env="KOKORO_SPEECH_REDIS_PREFIX")
    """Start of every key this server writes, so that several deployments may share one Redis."""
    timeout_seconds: float = setting(2.0, env="KOKORO_SPEECH_REDIS_TIMEOUT_SECONDS")
    """Longest wait to connect to Redis or for one answer; past it Redis counts as unavailable. A cached
    response may be tens of MiB, so this is not as short as a counter alone would allow."""
    retry_seconds: float = setting(5.0, env="KOKORO_SPEECH_REDIS_RETRY_SECONDS")
    """After Redis failed, how long requests go straight to this server's own files before Redis is tried again."""

    def __post_init__(self) -> None:
        if self.enabled and self.url.split("://", 1)[0] not in REDIS_SCHEMES:
            raise ValueError(
                f"KOKORO_SPEECH_REDIS_URL must start with {' or '.join(f'{s}://' for s in REDIS_SCHEMES)}, got "
                f"{self.url.split('://', 1)[0]!r}"
            )
        if self.timeout_seconds <= 0 or self.retry_seconds <= 0:
            raise ValueError(
                "KOKORO_SPEECH_REDIS_TIMEOUT_SECONDS and KOKORO_SPEECH_REDIS_RETRY_SECONDS must be above zero, got "
                f"{self.timeout_seconds} and {self.retry_seconds}"
            )

    @property
    def enabled(self) -> bool:
        return bool(self.url.strip())
