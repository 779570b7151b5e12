"""What a failure tells OpenAI's SDK about retrying: how long to wait, within the bound the SDK honours, and
whether to retry at all, as its own code reads the headers."""

from __future__ import annotations

from typing import Any

import httpx2
import openai
import pytest
from litestar import Litestar
from litestar.di import Provide
from litestar.testing import TestClient
from openai._constants import MAX_RETRY_AFTER_DELAY

from kokoro_speech import SpeechConfig
from kokoro_speech.api import health
from kokoro_speech.api.errors import MAX_RETRY_AFTER_S, exception_handlers, retry_headers
from kokoro_speech.engine.scheduler import Overloaded
from kokoro_speech.engine.voices import UnknownVoiceError
from kokoro_speech.speech.worker import ModelLoadFailed, ModelNotReady, SpeechWorker, WorkerState

RETRY_AFTER_S = 2


def sdk() -> openai.OpenAI:
    return openai.OpenAI(api_key="unused", base_url="http://127.0.0.1:9/v1", max_retries=2)


def sdk_wait(headers: dict[str, str]) -> float:
    """How long the SDK waits before its first retry of an answer with ``headers`` (its own computation)."""
    options = openai._models.FinalRequestOptions.construct(method="post", url="/audio/speech")
    return sdk()._calculate_retry_timeout(2, options, httpx2.Headers(headers))


def sdk_retries(status: int, headers: dict[str, str]) -> bool:
    return sdk()._should_retry(httpx2.Response(status, headers=headers))


@pytest.mark.parametrize(
    ("seconds", "after", "after_ms"),
    [
        (2, "2", "2000"),
        (14.5, "15", "14500"),  # whole seconds round up: a client that reads only them never comes back early
        (0.35, "1", "350"),
        (0, "1", "1"),  # the SDK honours only a wait above 0
        (MAX_RETRY_AFTER_S, str(MAX_RETRY_AFTER_S), str(MAX_RETRY_AFTER_S * 1000)),
        (3600, str(MAX_RETRY_AFTER_S), str(MAX_RETRY_AFTER_S * 1000)),
    ],
)
def test_the_wait_is_said_in_seconds_and_milliseconds_within_the_bound(
    seconds: float, after: str, after_ms: str
) -> None:
    headers = retry_headers(seconds)
    assert headers == {"Retry-After": after, "retry-after-ms": after_ms, "x-should-retry": "true"}
    # The SDK waits exactly what the milliseconds say, and retries.
    assert sdk_wait(headers) == pytest.approx(int(after_ms) / 1000)
    assert sdk_retries(503, headers)


def test_the_bound_is_within_what_the_sdk_honours() -> None:
    assert MAX_RETRY_AFTER_S <= MAX_RETRY_AFTER_DELAY
    # Unbounded, an hour's wait would make the SDK give up at once instead of waiting.
    assert not sdk_retries(503, {"Retry-After": "3600"})
    assert sdk_retries(503, retry_headers(3600))


class Request:
    """What a refusal's handler is given; a refusal's answer reads nothing of it."""


@pytest.mark.parametrize(
    ("error", "status", "retried"),
    [
        (Overloaded(), 503, True),
        (ModelNotReady("still loading"), 503, True),
        (ModelLoadFailed("no such file"), 500, False),
    ],
)
def test_a_refusal_says_whether_the_sdk_should_retry(error: Exception, status: int, retried: bool) -> None:
    handle = exception_handlers(RETRY_AFTER_S)[Exception]
    answer = handle(Request(), error)  # type: ignore[arg-type]
    headers = dict(answer.headers)
    assert answer.status_code == status
    assert headers["x-should-retry"] == str(retried).lower()
    assert sdk_retries(status, headers) is retried
    if retried:
        assert (headers["Retry-After"], headers["retry-after-ms"]) == (str(RETRY_AFTER_S), str(RETRY_AFTER_S * 1000))
    else:
        assert "Retry-After" not in headers and "retry-after-ms" not in headers


def test_a_clients_own_error_says_nothing_about_retrying() -> None:
    answer = exception_handlers(RETRY_AFTER_S)[Exception](Request(), UnknownVoiceError("nobody"))  # type: ignore[arg-type]
    assert answer.status_code == 400 and not answer.headers


def worker(state: WorkerState) -> SpeechWorker:
    """A speech worker whose model is still loading, or failed to load (none is ever loaded)."""
    config = SpeechConfig()
    made = SpeechWorker(config.engine, config.audio, config.cache)
    made.failure = "no such file" if state is WorkerState.FAILED else None
    return made


@pytest.mark.parametrize(
    ("state", "status", "retried"), [(WorkerState.LOADING, 503, True), (WorkerState.FAILED, 500, False)]
)
def test_the_readiness_probe_says_whether_to_retry(state: WorkerState, status: int, retried: bool) -> None:
    def provided(value: Any) -> Provide:
        return Provide(lambda: value, sync_to_thread=False)

    app = Litestar([health.ready], dependencies={"worker": provided(worker(state)), "access_keys": provided(None)})
    with TestClient(app) as client:
        response = client.get("/ready")
    assert response.status_code == status
    assert response.headers["x-should-retry"] == str(retried).lower()
    assert ("retry-after-ms" in response.headers) is retried
