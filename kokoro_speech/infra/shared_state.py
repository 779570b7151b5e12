"""Redis shared by several servers, and the fallback to this server's own files while it is away.

What lives in Redis (the result cache, the rate-limit counts) only ever saves work or bounds
callers; losing it for a while must not cost a request. So every use goes through a
:class:`Failover`: Redis while it answers, this server's own SQLite file while it does not, one
warning when it goes and a line when it is back, and Redis tried again every ``retry_seconds``
rather than on every request (each try may cost the connect timeout).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from kokoro_speech.infra import metrics
from kokoro_speech.infra.config import RedisConfig

log = structlog.get_logger("kokoro_speech")

T = TypeVar("T")


UNAVAILABLE = (RedisError, OSError, TimeoutError)
"""What Redis being away looks like to its client: refused, reset, timed out, loading, read-only replica."""


def redis_client(config: RedisConfig) -> Redis:
    """One worker's client. No retries of its own: the failover decides when to try again, and a request must
    not wait through a backoff for a server that is down."""
    return Redis.from_url(
        config.url,
        socket_timeout=config.timeout_seconds,
        socket_connect_timeout=config.timeout_seconds,
        retry=Retry(NoBackoff(), 0),
        decode_responses=False,
    )


class Failover:
    """Runs each operation on Redis while it works and on this server's own state while it does not."""

    def __init__(self, use: str, retry_seconds: float) -> None:
        """``use``: what the state is for (``"cache"``, ``"limits"``), in the log and the metrics."""
        self.use = use
        self.retry_seconds = retry_seconds
        self._retry_at: float | None = None
        self._probing = False
        """One operation at a time tries a Redis that failed; the others meanwhile stay local, so that a silent
        Redis costs one request its timeout, not every request that arrives while it times out."""

    @property
    def shared(self) -> bool:
        """Whether the last operation reached Redis."""
        return self._retry_at is None

    async def run(self, shared: Callable[[], Awaitable[T]], local: Callable[[], Awaitable[T]]) -> T:
        probe = self._retry_at is not None
        if probe and (self._probing or time.monotonic() < (self._retry_at or 0.0)):
            metrics.redis_fallback(self.use)
            return await local()
        self._probing = probe
        try:
            result = await shared()
        except UNAVAILABLE as error:
            if self._retry_at is None:
                log.warning(
                    "redis unavailable: using this server's own state until it is back",
                    use=self.use,
                    error=repr(error),
                    retry_s=self.retry_seconds,
                )
            self._retry_at = time.monotonic() + self.retry_seconds
            metrics.redis_fallback(self.use)
            return await local()
        finally:
            if probe:
                self._probing = False
        if self._retry_at is not None:
            log.info("redis back: shared state in use again", use=self.use)
            self._retry_at = None
        return result
