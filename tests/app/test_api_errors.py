"""Every error is OpenAI's JSON shape with the right status and the offending field."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar, Request, Response, get
from litestar.di import NamedDependency, Provide
from litestar.exceptions import ImproperlyConfiguredException
from litestar.testing import TestClient

from kokoro_speech import KokoroSpeechPlugin, SpeechConfig, create_app
from kokoro_speech.engine.engine import SpeechEngine
from kokoro_speech.engine.voices import MAX_BLEND_VOICES
from kokoro_speech.speech.service import SpeechService
from tests.support import EVENT_TIMEOUT_S, base_env, wait_for, wait_ready
from tests.support.audio import duration
from tests.support.errors import assert_openai_error

GOOD = {"model": "tts-1", "input": "Hi.", "voice": "alloy"}


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
        # A blend of 60,000 digits once held a worker for over a minute backtracking; too long, it is refused as
        # the body is decoded, and every other free string has its limit too.
        ({"voice": "af_bella(" + "1" * 60_000 + "x)"}, 400, "voice", "invalid_value"),
        ({"voice": {"id": "af_bella(" + "1" * 60_000 + "x)"}}, 400, "voice.id", "invalid_value"),
        ({"voice": "+".join(["af_bella"] * (MAX_BLEND_VOICES + 1))}, 400, "voice", "invalid_value"),
        ({"model": "tts-1" * 1000}, 400, "model", "invalid_value"),
        ({"lang": "en-" * 1000}, 400, "lang", "invalid_value"),
        ({"instructions": "Speak softly. " * 1000}, 400, "instructions", "invalid_value"),
        ({"response_format": "ogg"}, 400, "response_format", "invalid_value"),
        ({"speed": 0.1}, 400, "speed", "invalid_value"),
        ({"speed": 4.5}, 400, "speed", "invalid_value"),
        ({"speed": "fast"}, 400, "speed", "invalid_value"),
        ({"stream_format": "chunks"}, 400, "stream_format", "invalid_value"),
    ],
)
def test_bad_fields(client: TestClient, change: dict, status: int, param: str, code: str) -> None:
    assert_openai_error(client.post("/v1/audio/speech", json={**GOOD, **change}), status, param, code)


@pytest.mark.parametrize(
    ("change", "param"), [({"voice": "af_bella(" + "1" * 60_000 + "x)"}, "voice"), ({"lang": "en-" * 1000}, "lang")]
)
def test_the_phonemize_route_refuses_overlong_fields(client: TestClient, change: dict, param: str) -> None:
    response = client.post("/v1/audio/phonemize", json={"input": "Hi.", **change})
    assert_openai_error(response, 400, param, "invalid_value")


def test_missing_input_is_refused_naming_it(client: TestClient) -> None:
    # model and voice have defaults, as in Kokoro-FastAPI, whose examples leave them out.
    body = {k: v for k, v in GOOD.items() if k != "input"}
    error = assert_openai_error(client.post("/v1/audio/speech", json=body), 400, "input")
    assert "input" in error["message"]


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


@pytest.fixture
def loading_gate(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The model's load waits (in its warm-up) until the test sets this: it is still loading for as long as the
    test needs, on any machine."""
    gate = threading.Event()
    warm_up = SpeechEngine.warm_up

    def gated(engine: SpeechEngine) -> float:
        assert gate.wait(EVENT_TIMEOUT_S), "the test never let the model load"
        return warm_up(engine)

    monkeypatch.setattr(SpeechEngine, "warm_up", gated)
    return gate


def test_before_the_model_is_loaded_ready_and_speech_answer_503(
    app_config: SpeechConfig, loading_gate: threading.Event
) -> None:
    impatient = dataclasses.replace(app_config, api=dataclasses.replace(app_config.api, load_wait_seconds=0))
    with TestClient(create_app(impatient), timeout=120) as fresh:
        ready = fresh.get("/ready")
        speech = fresh.post("/v1/audio/speech", json=GOOD)
        health = fresh.get("/health")
        loading_gate.set()
        wait_ready(fresh.get)
        after = fresh.get("/ready")
    assert health.status_code == 200
    assert ready.status_code == 503 and ready.json()["status"] == "loading"
    assert "retry-after" in ready.headers
    assert_openai_error(speech, 503, None, "model_not_ready")
    assert speech.headers["retry-after"]
    assert after.status_code == 200 and after.json()["status"] == "ready"


def test_a_request_that_arrives_while_the_model_loads_waits_for_it(
    app_config: SpeechConfig, loading_gate: threading.Event
) -> None:
    # Long enough for any machine's load: the test is that the request waits, not how long the load takes.
    patient = dataclasses.replace(app_config, api=dataclasses.replace(app_config.api, load_wait_seconds=600))
    with TestClient(create_app(patient), timeout=700) as fresh:
        loading = fresh.get("/ready").json()["status"]
        # The load goes on a second after the request was sent, which by then waits for it.
        threading.Timer(1.0, loading_gate.set).start()
        speech = fresh.post("/v1/audio/speech", json=GOOD)
    assert loading == "loading"
    assert speech.status_code == 200 and duration(speech.content, "mp3") > 0.3


def test_the_plugin_mounts_into_any_app_and_hides_internal_errors(app_config: SpeechConfig) -> None:
    @get("/explode")
    async def explode() -> None:
        raise RuntimeError("secret detail /etc/passwd")

    # Asked to, the plugin shapes the whole application's errors (as create_app does).
    everywhere = dataclasses.replace(app_config, app_wide_errors=True)
    app = Litestar(route_handlers=[explode], plugins=[KokoroSpeechPlugin(everywhere)])
    with TestClient(app, timeout=120) as own:
        error = assert_openai_error(own.get("/explode"), 500, None, "internal_error")
        assert "secret" not in error["message"]
        assert own.get("/health").status_code == 200
        assert own.get("/v1/models").status_code == 200


def test_in_a_host_app_the_plugin_keeps_to_its_routes(app_config: SpeechConfig) -> None:
    """The host's routes, errors and 404s stay as their owners wrote them; the plugin's answer as OpenAI's."""

    @get("/own")
    async def own() -> dict[str, bool]:
        return {"mine": True}

    @get("/explode")
    async def explode() -> None:
        raise ValueError("the host's own failure")

    @get("/voice-count")
    async def voice_count(tts: NamedDependency[SpeechService]) -> dict[str, int]:
        return {"voices": len(tts.engine.voices)}

    def host_errors(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, str]]:
        return Response({"host_says": str(exc)}, status_code=418)

    config = dataclasses.replace(app_config, service_dependency_key="tts")
    app = Litestar(
        route_handlers=[own, explode, voice_count],
        exception_handlers={Exception: host_errors},
        plugins=[KokoroSpeechPlugin(config)],
    )
    with TestClient(app, timeout=120) as host:
        wait_ready(host.get)
        mine = host.get("/own")
        assert mine.json() == {"mine": True} and "x-worker-pid" not in mine.headers
        failed = host.get("/explode")
        assert (failed.status_code, failed.json()) == (418, {"host_says": "the host's own failure"})
        missing = host.get("/nowhere")
        assert missing.status_code == 418 and "error" not in missing.json(), "the host's handler, not the plugin's"
        # The host's handlers receive the plugin's service under the name the config gives it.
        assert host.get("/voice-count").json() == {"voices": 54}
        # The plugin's routes answer as OpenAI does, whatever the host's handlers say.
        speech = host.post("/v1/audio/speech", json={**GOOD, "voice": "nobody"})
        assert_openai_error(speech, 400, "voice", "invalid_value")
        assert "x-worker-pid" in speech.headers
        assert_openai_error(host.post("/v1/audio/speech", json={**GOOD, "speed": 9}), 400, "speed", "invalid_value")
        assert host.get("/v1/models").status_code == 200


def test_a_dependency_key_the_host_already_uses_is_refused_by_name(app_config: SpeechConfig) -> None:
    with pytest.raises(ImproperlyConfiguredException, match="service_dependency_key"):
        Litestar(
            dependencies={"speech_service": Provide(lambda: 1, sync_to_thread=False)},
            plugins=[KokoroSpeechPlugin(app_config)],
        )


def test_a_model_that_cannot_be_loaded_is_a_lasting_500_with_the_reason(home: Path, tmp_path: Path) -> None:
    broken = tmp_path / "models" / "kokoro-v1.0.int8.onnx"
    broken.parent.mkdir()
    broken.write_bytes(b"this is not an onnx model")
    config = SpeechConfig.from_env(base_env(home, tmp_path / "cache", result_cache="false", model_path=str(broken)))
    with TestClient(create_app(config), timeout=120) as fresh:
        wait_for(lambda: fresh.get("/ready").status_code != 503, "the load to end")
        ready = fresh.get("/ready")
        speech = fresh.post("/v1/audio/speech", json=GOOD)
        voices = fresh.get("/v1/audio/voices")
    assert ready.status_code == 500 and "retry-after" not in ready.headers
    body = ready.json()
    assert body["status"] == "failed" and body["code"] == "model_load_failed"
    assert "kokoro-v1.0.int8.onnx" in body["detail"] and str(tmp_path) not in body["detail"]
    for answer in (speech, voices):
        error = assert_openai_error(answer, 500, None, "model_load_failed")
        assert "kokoro-v1.0.int8.onnx" in error["message"] and "retry-after" not in answer.headers


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
