"""Every answer carries its request's id (the client's own where it is sane) and the API's say how long the server
took before answering, on an application wrapped as the server's is: routes, streams, the router's 404s."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator

import pytest
import structlog
from litestar import Litestar, get
from litestar.response import Stream
from litestar.testing import TestClient

from kokoro_speech.api.request_id import MAX_CLIENT_ID_CHARS, RequestIds, fresh_id, request_id, sane_id, under

FIRST_PIECE_DELAY_S = 0.2
"""How long the stream below takes to its first piece; like the speech routes, it answers once that piece is
made, so the processing time includes it."""
FRESH = re.compile(r"req_[0-9a-f]{32}")


@pytest.mark.parametrize(
    "sent",
    ["abc-123", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "x" * MAX_CLIENT_ID_CHARS, "a/b:c=d"],
)
def test_a_sane_client_id_is_kept(sent: str) -> None:
    assert sane_id(sent) == sent


@pytest.mark.parametrize(
    "sent",
    [None, "", "x" * (MAX_CLIENT_ID_CHARS + 1), "two words", "line\nforged=1", "tab\t", "caf\u00e9", "\x1b[2J"],
)
def test_an_unfit_client_id_is_replaced(sent: str | None) -> None:
    assert sane_id(sent) is None


def test_a_fresh_id_looks_like_openais() -> None:
    assert FRESH.fullmatch(fresh_id()) and fresh_id() != fresh_id()


def test_the_api_prefix_covers_its_own_paths_only() -> None:
    assert under("/v1/audio/speech", "/v1") and under("/v1", "/v1/") and under("/anything", "/")
    assert not under("/v10/models", "/v1") and not under("/ready", "/v1")


SEEN: dict[str, object] = {}


@get("/v1/streamed", media_type="audio/pcm")
async def streamed() -> Stream:
    await asyncio.sleep(FIRST_PIECE_DELAY_S)

    async def pieces() -> AsyncIterator[bytes]:
        yield b"first"
        # The id is in every log line's context while the stream is sent.
        SEEN["context"] = structlog.contextvars.get_contextvars().get("request_id")
        yield b"second"

    return Stream(pieces())


@get("/health", media_type="text/plain")
async def plain() -> str:
    return "OK"


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient[Litestar]]:
    app = Litestar([streamed, plain])
    app.asgi_handler = RequestIds(app.asgi_handler, "/v1")
    with TestClient(app) as test_client:
        yield test_client


def test_a_stream_is_named_and_timed_to_its_first_piece(client: TestClient[Litestar]) -> None:
    response = client.get("/v1/streamed")
    assert response.content == b"firstsecond"
    named = response.headers["x-request-id"]
    assert FRESH.fullmatch(named) and SEEN["context"] == named
    assert int(response.headers["openai-processing-ms"]) >= FIRST_PIECE_DELAY_S * 1000 - 1


def test_the_clients_id_is_echoed_and_an_unfit_one_replaced(client: TestClient[Litestar]) -> None:
    assert client.get("/v1/streamed", headers={"X-Request-Id": "trace-42"}).headers["x-request-id"] == "trace-42"
    replaced = client.get("/v1/streamed", headers={"X-Request-Id": "x" * (MAX_CLIENT_ID_CHARS + 1)})
    assert FRESH.fullmatch(replaced.headers["x-request-id"])


def test_answers_outside_the_api_are_named_but_not_timed(client: TestClient[Litestar]) -> None:
    for path in ("/health", "/nowhere", "/v1/nowhere"):
        response = client.get(path)
        assert len(response.headers.get_list("x-request-id")) == 1, path
    assert "openai-processing-ms" not in client.get("/health").headers
    # A 404 under the API is an API answer, as OpenAI's are.
    assert "openai-processing-ms" in client.get("/v1/nowhere").headers


async def test_nested_only_the_outermost_names_the_request() -> None:
    sent: list[dict[str, object]] = []
    scopes: list[str | None] = []

    async def app(scope: dict[str, object], receive: object, send: object) -> None:
        scopes.append(request_id(scope))  # type: ignore[arg-type]
        await send({"type": "http.response.start", "status": 204, "headers": []})  # type: ignore[operator]

    async def record(message: dict[str, object]) -> None:
        sent.append(message)

    nested = RequestIds(RequestIds(app, "/v1"), "/v1")  # type: ignore[arg-type]
    await nested({"type": "http", "path": "/v1/models", "headers": [(b"x-request-id", b"mine")]}, None, record)  # type: ignore[arg-type]
    (start,) = sent
    names = [name for name, _ in start["headers"]]  # type: ignore[attr-defined]
    assert names.count(b"x-request-id") == 1 and names.count(b"openai-processing-ms") == 1
    assert scopes == ["mine"]
