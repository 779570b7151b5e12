"""Per-minute counts in Redis, shared by every server that uses it, with the local file while it is away.

The same moving window as :class:`~kokoro_speech.api.access.counters.WindowCounter`, in one Lua script so
that it is atomic across servers: each count is a sorted set of its uses (scored by their time), a request
is admitted only if every count it adds to stays within its limit, and then all of them are added at once.
Time is Redis's own clock, so servers whose clocks differ still agree on what a window holds.
"""

from __future__ import annotations

import uuid
from typing import Any

from redis.asyncio import Redis

from kokoro_speech.api.access.counters import Clock, Count, WindowCounter, admitted_count, count_of
from kokoro_speech.infra.shared_state import Failover

# KEYS: the counts; ARGV: the window in ms, now in ms ('' for Redis's clock), a name unique to this request,
# then each count's amount and limit.
# Answers: admitted (0/1), now (ms), then for each count its uses in the window as a flat list of time (ms) and
# amount, oldest first, before this request's, preceded by their number.
_TAKE = """
local window = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
if now == nil then
  local parts = redis.call('TIME')
  now = tonumber(parts[1]) * 1000 + math.floor(tonumber(parts[2]) / 1000)
end
local answer = {0, now}
local admitted = 1
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local uses = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
  local used = 0
  answer[#answer + 1] = #uses / 2
  for j = 1, #uses, 2 do
    local amount = tonumber(string.match(uses[j], ':(%d+)$'))
    used = used + amount
    answer[#answer + 1] = tonumber(uses[j + 1])
    answer[#answer + 1] = amount
  end
  if used + tonumber(ARGV[2 + 2 * i]) > tonumber(ARGV[3 + 2 * i]) then admitted = 0 end
end
if admitted == 1 then
  for i, key in ipairs(KEYS) do
    redis.call('ZADD', key, now, ARGV[3] .. ':' .. ARGV[2 + 2 * i])
    redis.call('PEXPIRE', key, window)
  end
end
answer[1] = admitted
return answer
"""


class RedisWindowCounter:
    def __init__(self, redis: Redis, prefix: str, clock: Clock | None = None) -> None:
        """``clock``: seconds since the epoch; None (as servers run): Redis's own."""
        self.prefix = prefix
        self.clock = clock
        self._take = redis.register_script(_TAKE)

    async def take(self, wants: dict[str, tuple[int, int]], window_s: float) -> tuple[bool, dict[str, Count]]:
        """As :meth:`WindowCounter.take`."""
        keys = list(wants)
        window_ms = round(window_s * 1000)
        now_arg = "" if self.clock is None else round(self.clock() * 1000)
        args: list[Any] = [window_ms, now_arg, uuid.uuid4().hex]
        for amount, limit in wants.values():
            args += [amount, limit]
        answer = await self._take(keys=[f"{self.prefix}:{key}" for key in keys], args=args)
        admitted, now = bool(int(answer[0])), int(answer[1]) / 1000
        counts, at = {}, 2
        for key in keys:
            n = int(answer[at])
            flat = answer[at + 1 : at + 1 + 2 * n]
            at += 1 + 2 * n
            uses = [(int(flat[j]) / 1000, int(flat[j + 1])) for j in range(0, len(flat), 2)]
            amount, limit = wants[key]
            count = count_of(uses, now, window_ms / 1000, amount, limit)
            counts[key] = admitted_count(count, window_ms / 1000) if admitted else count
        return admitted, counts

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
