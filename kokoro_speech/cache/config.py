"""The result cache's settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kokoro_speech.infra.settings import check_range, setting


@dataclass(frozen=True)
class CacheConfig:
    """The result cache: finished responses answered again without the model."""

    enabled: bool = setting(True, env="KOKORO_SPEECH_RESULT_CACHE")
    """Keep finished responses and answer repeats from them."""
    path: Path | None = setting(None, env="KOKORO_SPEECH_RESULT_CACHE_PATH")
    """SQLite file shared by the workers; defaults to <cache_dir>/results.sqlite3."""
    max_bytes: int = setting(256 * 1024 * 1024, env="KOKORO_SPEECH_RESULT_CACHE_MAX_BYTES")
    """Upper bound of cached audio in bytes; least recently used entries go first."""
    hit_memory_bytes: int = setting(64 * 1024 * 1024, env="KOKORO_SPEECH_RESULT_CACHE_HIT_MEMORY_BYTES")
    """Most bytes of cached entries one worker holds at once while it answers hits; more hits wait for one to
    finish (an entry larger than this is answered alone). Bounds memory when many clients replay long
    responses at once."""
    ttl_seconds: int = setting(7 * 24 * 3600, env="KOKORO_SPEECH_RESULT_CACHE_TTL_SECONDS")
    """How long a cached response lives."""
    store: str = setting("kokoro_speech_results", env="KOKORO_SPEECH_RESULT_CACHE_STORE")
    """Name of the Litestar store to use; an application that registers its own store under it replaces the
    plugin's (for several servers, ``KOKORO_SPEECH_REDIS_URL`` does it for you)."""
    claim_seconds: float = setting(10.0, env="KOKORO_SPEECH_RESULT_CACHE_CLAIM_SECONDS")
    """How long a worker's claim on a response it is making lasts unless renewed (it renews it every third of
    this while it makes it): meanwhile other workers sharing the store wait for the entry instead of making it."""
    claim_poll_seconds: float = setting(0.1, env="KOKORO_SPEECH_RESULT_CACHE_CLAIM_POLL_SECONDS")
    """How often a worker waiting on another's claim looks for the entry."""
    drain_seconds: float = setting(30.0, env="KOKORO_SPEECH_RESULT_CACHE_DRAIN_SECONDS")
    """How long shutdown waits for finished responses to be written to the cache."""

    def __post_init__(self) -> None:
        check_range(self, positive=("max_bytes", "hit_memory_bytes", "ttl_seconds"), not_negative=("drain_seconds",))
        if self.claim_seconds <= 0 or self.claim_poll_seconds <= 0:
            raise ValueError(
                "KOKORO_SPEECH_RESULT_CACHE_CLAIM_SECONDS and KOKORO_SPEECH_RESULT_CACHE_CLAIM_POLL_SECONDS must be "
                f"above zero, got {self.claim_seconds} and {self.claim_poll_seconds}"
            )
