"""The rate limits' moving window, on a clock the test sets: no 60 seconds ever hold more than the limit, so a
caller cannot spend its limit at one window's end and again at the next one's start."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kokoro_speech.api.access.counters import WindowCounter
from kokoro_speech.api.access.limits import WINDOW_S, RateLimiter
from kokoro_speech.api.config import RateLimitConfig
from kokoro_speech.api.errors import OpenAIError

RPM = 5
RETRY_AFTER_S = 1


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def counter(tmp_path: Path, clock: Clock) -> Iterator[WindowCounter]:
    made = WindowCounter(tmp_path / "limits.sqlite3", clock=clock)
    yield made
    made.close()


async def test_no_burst_of_twice_the_limit_across_a_window_edge(counter: WindowCounter, clock: Clock) -> None:
    start = clock.now
    admitted: list[float] = []
    # One request, then a burst at the end of the minute it began, then a burst just after that minute.
    for offset in (0.0, *(59.0 + i * 0.1 for i in range(8)), *(60.2 + i * 0.1 for i in range(8))):
        clock.now = start + offset
        ok, counts = await counter.take({"caller:requests": (1, RPM)}, WINDOW_S)
        if ok:
            admitted.append(offset)
        assert counts["caller:requests"].used <= RPM
    # The request at 0 left the window at 60: one more fits after it, no more.
    assert admitted == [0.0, 59.0, 59.1, 59.2, 59.3, 60.2]
    # Each of the burst's requests leaves the window 60 s after it was made, and makes room for one.
    for later, fits in ((118.9, False), (119.05, True), (119.06, False)):
        clock.now = start + later
        ok, _ = await counter.take({"caller:requests": (1, RPM)}, WINDOW_S)
        assert ok is fits, later
    clock.now = start + 119.35  # 59.1 to 59.3 have left; 60.2 and 119.05 are in the window
    ok, counts = await counter.take({"caller:requests": (RPM - 2, RPM)}, WINDOW_S)
    assert ok and counts["caller:requests"].used == RPM


async def test_any_sixty_seconds_hold_at_most_the_limit(counter: WindowCounter, clock: Clock) -> None:
    start = clock.now
    admitted: list[float] = []
    for step in range(int(4 * WINDOW_S / 0.7)):
        clock.now = start + step * 0.7
        ok, _ = await counter.take({"caller:tokens": (7, 7 * RPM)}, WINDOW_S)
        if ok:
            admitted.append(clock.now)
    assert len(admitted) >= 3 * RPM
    for at in admitted:
        assert sum(1 for other in admitted if at - WINDOW_S < other <= at) <= RPM


async def test_a_refusal_says_when_the_request_fits_again(counter: WindowCounter, clock: Clock) -> None:
    limiter = RateLimiter(RateLimitConfig(requests_per_minute=RPM), counter, RETRY_AFTER_S)
    start = clock.now
    for offset in (0.0, 10.0, 20.0, 30.0, 40.0):
        clock.now = start + offset
        headers = await limiter.admit("address:10.0.0.1", None, 3)
    assert headers["x-ratelimit-remaining-requests"] == "0"
    clock.now = start + 45.5
    with pytest.raises(OpenAIError) as refused:
        await limiter.admit("address:10.0.0.1", None, 3)
    assert refused.value.status_code == 429
    # The request at 0 leaves the window at 60: 14.5 s from now.
    assert refused.value.headers is not None and refused.value.headers["retry-after-ms"] == "14500"
    assert refused.value.headers["Retry-After"] == "15" and "14.5s" in str(refused.value.detail)
    clock.now = start + 60.01
    assert (await limiter.admit("address:10.0.0.1", None, 3))["x-ratelimit-remaining-requests"] == "0"
    # Another caller has its own count.
    assert (await limiter.admit("address:10.0.0.2", None, 3))["x-ratelimit-remaining-requests"] == str(RPM - 1)
