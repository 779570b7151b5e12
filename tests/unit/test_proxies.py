"""The caller's address behind a trusted reverse proxy: forwarded callers are counted apart, and a peer that is
not trusted cannot choose whose count it spends (the rate limit is the real one, on a file of its own)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar, Request, get
from litestar.middleware import ASGIMiddleware
from litestar.testing import TestClient
from litestar.types import ASGIApp, Receive, Scope, Send

from kokoro_speech.api.access.counters import WindowCounter
from kokoro_speech.api.access.limits import RateLimiter
from kokoro_speech.api.access.proxies import ForwardedClient, TrustedProxies, networks
from kokoro_speech.api.config import AccessConfig, RateLimitConfig
from kokoro_speech.api.errors import OpenAIError, handle_exception
from kokoro_speech.api.speech import admit

PROXY = "10.0.0.2"
STRANGER = "203.0.113.9"
RPM = 2
PROXIES = TrustedProxies(networks(["10.0.0.0/24", "fd00::/8"]))


def test_the_caller_is_the_rightmost_hop_no_trusted_proxy_wrote() -> None:
    assert PROXIES.client(PROXY, ["198.51.100.7"]) == "198.51.100.7"
    # Two proxies in a row, and a hop the caller made up on the left.
    assert PROXIES.client(PROXY, ["1.2.3.4", "198.51.100.7", "10.0.0.3"]) == "198.51.100.7"
    assert PROXIES.client(PROXY, ['"[2001:db8::1]:4711"']) == "2001:db8::1"
    assert PROXIES.client(PROXY, ["198.51.100.7:5000"]) == "198.51.100.7"
    assert PROXIES.client(PROXY, []) == PROXY
    assert PROXIES.client(PROXY, ["unknown"]) == PROXY
    assert PROXIES.client("fd00::5", ["10.0.0.9"]) == "10.0.0.9"  # only trusted hops: the farthest stands
    # A peer that is not a trusted proxy is the caller, whatever it says.
    assert PROXIES.client(STRANGER, ["198.51.100.7"]) == STRANGER


def test_a_wrong_trusted_proxy_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="KOKORO_SPEECH_TRUSTED_PROXIES"):
        AccessConfig(trusted_proxies="10.0.0.0/8, not-a-network")
    assert AccessConfig(trusted_proxies="10.0.0.0/8, ::1").proxy_networks() == ["10.0.0.0/8", "::1"]


class Peer(ASGIMiddleware):
    """The connection's address, as the test says it is (the test client's own is not an address)."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        peer = dict(scope["headers"]).get(b"x-test-peer", b"127.0.0.1").decode()
        scope["client"] = (peer, 40000)
        await next_app(scope, receive, send)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient[Litestar]]:
    limiter = RateLimiter(RateLimitConfig(requests_per_minute=RPM), WindowCounter(tmp_path / "limits.sqlite3"), 1)

    @get("/counted")
    async def counted(request: Request[Any, Any, Any]) -> dict[str, str]:
        return await admit(limiter, request, 1)

    app = Litestar(
        [counted],
        middleware=[Peer(), ForwardedClient(PROXIES)],
        exception_handlers={OpenAIError: handle_exception},
    )
    with TestClient(app) as test_client:
        yield test_client
    limiter.close()


def remaining(client: TestClient[Litestar], peer: str, forwarded: str | None = None) -> int | None:
    headers = {"x-test-peer": peer} | ({"X-Forwarded-For": forwarded} if forwarded else {})
    answer = client.get("/counted", headers=headers)
    return int(answer.json()["x-ratelimit-remaining-requests"]) if answer.status_code == 200 else None


def test_forwarded_callers_are_counted_apart_and_a_stranger_cannot_spoof(client: TestClient[Litestar]) -> None:
    assert [remaining(client, PROXY, "198.51.100.7") for _ in range(RPM + 1)] == [1, 0, None]
    # Another caller through the same proxy has a count of its own.
    assert remaining(client, PROXY, "198.51.100.8") == 1
    # The spent caller cannot start afresh by writing another address to the left of the proxy's.
    assert remaining(client, PROXY, "192.0.2.1, 198.51.100.7") is None
    # A stranger's forwarded addresses are ignored: it spends its own count, not the caller it names.
    assert [remaining(client, STRANGER, f"198.51.100.{n}") for n in range(10, 10 + RPM + 1)] == [1, 0, None]
    assert remaining(client, PROXY, "198.51.100.9") == 1
    # Forwarded (RFC 7239) serves where there is no X-Forwarded-For.
    answer = client.get("/counted", headers={"x-test-peer": PROXY, "Forwarded": 'for="[2001:db8::7]";proto=https'})
    assert answer.json()["x-ratelimit-remaining-requests"] == "1"
