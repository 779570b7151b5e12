"""Every error is OpenAI's JSON shape with the right status and the offending field."""

from __future__ import annotations

import pytest
from litestar import Litestar, get
from litestar.testing import TestClient

from kokoro_speech import KokoroSpeechPlugin, SpeechConfig, create_app
from tests.conftest import wait_ready

GOOD = {"model": "tts-1", "input": "Hi.", "voice": "alloy"}


def assert_openai_error(response, status: int, param: str | None = None, code: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["message"] and "Traceback" not in error["message"]
    assert error["type"] == ("server_error" if status >= 500 else "invalid_request_error")
    assert error["param"] == param
    if code is not None:
        assert error["code"] == code
    return error  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("change", "status", "param", "code"),
    [
        ({"model": "whisper-1"}, 404, "model", "model_not_found"),
        ({"input": ""}, 400, "input", "empty_input"),
        ({"input": " \n\t "}, 400, "input", "empty_input"),
        ({"input": "x" * 4097}, 400, "input", "string_above_max_length"),
        ({"input": 42}, 400, "input", "invalid_value"),
        ({"input": "?!…"}, 400, "input", "invalid_value"),
        ({"voice": "darth_vader"}, 400, "voice", "invalid_value"),
        ({"voice": {"id": "nobody"}}, 400, "voice", "invalid_value"),
        ({"voice": ""}, 400, "voice", "invalid_value"),
        ({"response_format": "ogg"}, 400, "response_format", "invalid_value"),
        ({"speed": 0.1}, 400, "speed", "invalid_value"),
        ({"speed": 4.5}, 400, "speed", "invalid_value"),
        ({"speed": "fast"}, 400, "speed", "invalid_value"),
        ({"stream_format": "chunks"}, 400, "stream_format", "invalid_value"),
    ],
)
def test_bad_fields(client: TestClient, change: dict, status: int, param: str, code: str) -> None:
    assert_openai_error(client.post("/v1/audio/speech", json={**GOOD, **change}), status, param, code)


@pytest.mark.parametrize("missing", ["model", "input", "voice"])
def test_missing_required_field(client: TestClient, missing: str) -> None:
    body = {k: v for k, v in GOOD.items() if k != missing}
    error = assert_openai_error(client.post("/v1/audio/speech", json=body), 400, missing)
    assert missing in error["message"]


def test_malformed_json(client: TestClient) -> None:
    response = client.post(
        "/v1/audio/speech", content=b'{"model": "tts-1", ', headers={"content-type": "application/json"}
    )
    assert_openai_error(response, 400, None, "invalid_json")


def test_body_that_is_not_an_object(client: TestClient) -> None:
    assert_openai_error(client.post("/v1/audio/speech", json=["tts-1"]), 400)


def test_body_over_the_limit_is_413(client: TestClient) -> None:
    response = client.post("/v1/audio/speech", content=b"x" * 70_000, headers={"content-type": "application/json"})
    assert_openai_error(response, 413, None, "request_too_large")


def test_unknown_route_and_wrong_method(client: TestClient) -> None:
    error = assert_openai_error(client.get("/v1/audio/nothing"), 404, None, "unknown_url")
    assert "/v1/audio/nothing" in error["message"]
    assert_openai_error(client.get("/v1/audio/speech"), 405, None, "method_not_allowed")
    assert_openai_error(client.delete("/v1/models"), 405)


def test_unknown_model_lookup(client: TestClient) -> None:
    assert_openai_error(client.get("/v1/models/davinci"), 404, "model", "model_not_found")


def test_before_the_model_is_loaded_ready_and_speech_answer_503(app_config: SpeechConfig) -> None:
    with TestClient(create_app(app_config), timeout=120) as fresh:
        ready = fresh.get("/ready")
        speech = fresh.post("/v1/audio/speech", json=GOOD)
        health = fresh.get("/health")
        wait_ready(fresh.get)
        after = fresh.get("/ready")
    assert health.status_code == 200
    assert ready.status_code == 503 and ready.json()["status"] == "loading"
    assert "retry-after" in ready.headers
    assert_openai_error(speech, 503, None, "model_not_ready")
    assert speech.headers["retry-after"]
    assert after.status_code == 200 and after.json()["status"] == "ready"


def test_the_plugin_mounts_into_any_app_and_hides_internal_errors(app_config: SpeechConfig) -> None:
    @get("/explode")
    async def explode() -> None:
        raise RuntimeError("secret detail /etc/passwd")

    app = Litestar(route_handlers=[explode], plugins=[KokoroSpeechPlugin(app_config)])
    with TestClient(app, timeout=120) as own:
        error = assert_openai_error(own.get("/explode"), 500, None, "internal_error")
        assert "secret" not in error["message"]
        assert own.get("/health").status_code == 200
        assert own.get("/v1/models").status_code == 200


def test_cors_lets_a_browser_page_call_the_api(client: TestClient) -> None:
    preflight = client.options(
        "/v1/audio/speech",
        headers={
            "Origin": "http://localhost:3000",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code in (200, 204)
    assert preflight.headers["access-control-allow-origin"] in ("*", "http://localhost:3000")
