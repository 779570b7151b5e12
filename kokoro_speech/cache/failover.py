"""FailoverStore: the result store of servers that share Redis, with this server's SQLite file beside it.

Entries go to Redis (Litestar's ``RedisStore``) so that a response made by any server is a hit on
every other; while Redis is away they go to, and come from, the local file. Claims (who is making
a response right now) stay in the local file: they order this server's workers, which share it,
whether Redis answers or not.
"""

from __future__ import annotations

from datetime import timedelta

from litestar.stores.base import Store
from litestar.stores.redis import RedisStore

from kokoro_speech.cache.sqlite import SQLiteStore
from kokoro_speech.infra.shared_state import Failover


class SizedRedisStore(RedisStore):
    """Litestar's Redis store, which can also tell an entry's size without reading it."""

    async def size_of(self, key: str) -> int | None:
        return int(await self._redis.strlen(self._make_key(key))) or None


class FailoverStore(Store):
    def __init__(self, shared: SizedRedisStore, local: SQLiteStore, failover: Failover) -> None:
        self.shared = shared
        self.local = local
        self.failover = failover

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        await self.failover.run(
            lambda: self.shared.set(key, value, expires_in), lambda: self.local.set(key, value, expires_in)
        )

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        return await self.failover.run(lambda: self.shared.get(key, renew_for), lambda: self.local.get(key, renew_for))

    async def delete(self, key: str) -> None:
        await self.failover.run(lambda: self.shared.delete(key), lambda: self.local.delete(key))

    async def delete_all(self) -> None:
        await self.failover.run(self.shared.delete_all, self.local.delete_all)

    async def size_of(self, key: str) -> int | None:
        return await self.failover.run(lambda: self.shared.size_of(key), lambda: self.local.size_of(key))

    async def exists(self, key: str) -> bool:
        return await self.failover.run(lambda: self.shared.exists(key), lambda: self.local.exists(key))

    async def expires_in(self, key: str) -> int | None:
        return await self.failover.run(lambda: self.shared.expires_in(key), lambda: self.local.expires_in(key))

    # Claims: this server's workers, through the file they share (see :class:`~kokoro_speech.cache.ClaimingStore`).
    async def claim(self, key: str, owner: str, seconds: float) -> bool:
        return await self.local.claim(key, owner, seconds)

    async def renew(self, key: str, owner: str, seconds: float) -> None:
        await self.local.renew(key, owner, seconds)

    async def release(self, key: str, owner: str) -> None:
        await self.local.release(key, owner)

    async def claimed(self, key: str) -> bool:
        return await self.local.claimed(key)

    async def close(self) -> None:
        """Close the local file; the Redis client belongs to the worker's runtime, which closes it."""
        await self.local.close()
