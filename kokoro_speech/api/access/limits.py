"""Rate limits per caller, answered the way OpenAI answers them.

Every limited response carries ``x-ratelimit-{limit,remaining,reset}-{requests,tokens}`` (the
"tokens" count input characters here); a request over a limit is refused with 429
``rate_limit_exceeded``, ``Retry-After`` and ``retry-after-ms`` before any of its work starts, and
adds nothing to the counts; one that could never fit is told not to retry.
"""

from __future__ import annotations

import sqlite3

from kokoro_speech.api.access.counters import Count, Counter
from kokoro_speech.api.access.keys import ApiKey
from kokoro_speech.api.config import RateLimitConfig
from kokoro_speech.api.errors import OpenAIError, never_retry, retry_headers

WINDOW_S = 60.0
"""The limits are per minute, as their settings' names say: any 60 seconds, not each minute of the clock."""

_KINDS = {"requests": "requests per minute (RPM)", "tokens": "input characters per minute"}


def duration(seconds: float) -> str:
    """OpenAI's way of writing a reset time: ``350ms``, ``12.5s``, ``1m0s``."""
    if seconds < 1:
        return f"{max(1, round(seconds * 1000))}ms"
    if seconds < 60:
        return f"{round(seconds, 3):g}s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}m{rest}s"


def headers(counts: dict[str, Count]) -> dict[str, str]:
    out: dict[str, str] = {}
    for kind, count in counts.items():
        out[f"x-ratelimit-limit-{kind}"] = str(count.limit)
        out[f"x-ratelimit-remaining-{kind}"] = str(max(0, count.limit - count.used))
        out[f"x-ratelimit-reset-{kind}"] = duration(count.reset_s)
    return out


class RateLimiter:
    def __init__(self, config: RateLimitConfig, counter: Counter, retry_after_s: float) -> None:
        self.config = config
        self.counter = counter
        self.retry_after_s = retry_after_s

    def limits_for(self, key: ApiKey | None) -> dict[str, int]:
        """The limits that hold for this caller (a key's own from the keys file first); 0: none."""
        requests = key.requests_per_minute if key and key.requests_per_minute is not None else None
        chars = key.chars_per_minute if key and key.chars_per_minute is not None else None
        return {
            "requests": self.config.requests_per_minute if requests is None else requests,
            "tokens": self.config.chars_per_minute if chars is None else chars,
        }

    async def admit(self, caller: str, key: ApiKey | None, chars: int, *, requests: int = 1) -> dict[str, str]:
        """Count ``requests`` (one, or none for more text of a request counted already) of ``chars`` input
        characters; the headers to answer with, or a 429."""
        wanted = {"requests": requests, "tokens": chars}
        limits = {
            kind: limit
            for kind, limit in self.limits_for(key).items()
            if limit > 0 and (requests or kind != "requests")
        }
        if not limits:
            return {}
        try:
            admitted, counts = await self.counter.take(
                {f"{caller}:{kind}": (wanted[kind], limit) for kind, limit in limits.items()}, WINDOW_S
            )
        except sqlite3.OperationalError as error:
            # The shared counts stayed locked past SQLite's busy timeout: the server is swamped, not broken.
            raise OpenAIError(
                503,
                "The server is overloaded; retry after a moment.",
                code="server_overloaded",
                headers=retry_headers(self.retry_after_s),
            ) from error
        by_kind = {kind: counts[f"{caller}:{kind}"] for kind in limits}
        answer = headers(by_kind)
        if admitted:
            return answer
        kind, count = next((k, c) for k, c in by_kind.items() if c.used + c.wanted > c.limit)
        if count.wanted > count.limit:
            message = (
                f"Request too large for {_KINDS[kind]}: Limit {count.limit}, Requested {count.wanted}. "
                "Send a shorter input."
            )
            # Waiting cannot make it fit: the OpenAI SDK honours this and does not retry.
            raise OpenAIError(429, message, code="rate_limit_exceeded", error_type=kind, headers=answer | never_retry())
        retry = max(count.retry_s for count in by_kind.values() if count.used + count.wanted > count.limit)
        message = (
            f"Rate limit reached for {_KINDS[kind]}: Limit {count.limit}, Used {count.used}, "
            f"Requested {count.wanted}. Please try again in {duration(retry)}."
        )
        raise OpenAIError(
            429, message, code="rate_limit_exceeded", error_type=kind, headers=answer | retry_headers(retry)
        )

    def close(self) -> None:
        self.counter.close()
