"""Per-minute counts in Redis, shared by every server that uses it, with the local file while it is away.

The same rule as :class:`~kokoro_speech.api.access.counters.WindowCounter`, in one Lua script so that it
is atomic across servers: a request is admitted only if every count it adds to stays within its
limit, and then all of them are added at once. Time is Redis's own clock, so servers whose clocks
differ still agree on when a window ends.
"""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis

from kokoro_speech.api.access.counters import Count, WindowCounter
from kokoro_speech.infra.shared_state import Failover

# KEYS: the counts; ARGV: the window in ms, then each count's amount and limit.
# Answers: admitted (0/1), now (ms), then each count's window start (ms) and used.
_TAKE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local window = tonumber(ARGV[1])
local started, used = {}, {}
local admitted = 1
for i, key in ipairs(KEYS) do
  local row = redis.call('HMGET', key, 'started', 'used')
  local s, u = tonumber(row[1]), tonumber(row[2])
  if s == nil or u == nil or s <= now - window then s, u = now, 0 end
  started[i], used[i] = s, u
  if u + tonumber(ARGV[2 * i]) > tonumber(ARGV[2 * i + 1]) then admitted = 0 end
end
local answer = {admitted, now}
for i, key in ipairs(KEYS) do
  if admitted == 1 then
    used[i] = used[i] + tonumber(ARGV[2 * i])
    redis.call('HSET', key, 'started', started[i], 'used', used[i])
    redis.call('PEXPIREAT', key, started[i] + window)
  end
  answer[#answer + 1] = started[i]
  answer[#answer + 1] = used[i]
end
return answer
"""


class RedisWindowCounter:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self.prefix = prefix
        self._take = redis.register_script(_TAKE)

    async def take(self, wants: dict[str, tuple[int, int]], window_s: float) -> tuple[bool, dict[str, Count]]:
        """As :meth:`WindowCounter.take`."""
        keys = list(wants)
        args: list[Any] = [round(window_s * 1000)]
        for amount, limit in wants.values():
            args += [amount, limit]
        answer = await self._take(keys=[f"{self.prefix}:{key}" for key in keys], args=args)
        admitted, now_ms = int(answer[0]), int(answer[1])
        counts = {}
        for i, key in enumerate(keys):
            started_ms, used = int(answer[2 + 2 * i]), int(answer[3 + 2 * i])
            amount, limit = wants[key]
            counts[key] = Count(limit, used, max(0.0, (started_ms - now_ms) / 1000 + window_s), amount)
        return bool(admitted), counts

    def close(self) -> None:
        """Nothing of its own to close: the Redis client belongs to the worker's runtime."""


class FailoverCounter:
    """Counts in Redis while it answers, in this server's own file while it does not."""

    def __init__(self, shared: RedisWindowCounter, local: WindowCounter, failover: Failover) -> None:
        self.shared = shared
        self.local = local
        self.failover = failover

    async def take(self, wants: dict[str, tuple[int, int]], window_s: float) -> tuple[bool, dict[str, Count]]:
        return await self.failover.run(
            lambda: self.shared.take(wants, window_s), lambda: self.local.take(wants, window_s)
        )

    def close(self) -> None:
        self.shared.close()
        self.local.close()
