"""A home machine's server lets the model go while nobody speaks, and the next request loads it again."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from kokoro_speech import SpeechConfig, create_app
from tests.support import UNTUNED_SCHEDULE, base_env, wait_for, wait_ready
from tests.support.audio import decode, level_dbfs
from tests.support.errors import assert_openai_error

IDLE_SECONDS = "0.5"
BODY = {"input": "Hello again.", "voice": "af_heart", "response_format": "pcm"}


@pytest.fixture(scope="module")
def idle_client(home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    env = base_env(home, tmp_path_factory.mktemp("idle"), **UNTUNED_SCHEDULE) | {
        "KOKORO_SPEECH_IDLE_UNLOAD_SECONDS": IDLE_SECONDS,
        "KOKORO_SPEECH_DEV_UNLOAD": "true",
        "KOKORO_SPEECH_RESULT_CACHE": "false",
    }
    with TestClient(create_app(SpeechConfig.from_env(env)), timeout=120) as client:
        wait_ready(client.get)
        yield client


def _metric(client: TestClient, name: str) -> float:
    found = re.search(rf"^{name} (\S+)$", client.get("/metrics").text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


# The in-process apps of a run share one registry of metrics, so each test reads what its own steps added.
UNLOADS, RELOADS, RELOAD_SECONDS = (
    "kokoro_speech_model_unloads_total",
    "kokoro_speech_model_reloads_total",
    "kokoro_speech_model_reload_seconds_total",
)


def test_an_idle_model_is_let_go_and_the_next_request_loads_it_again(idle_client: TestClient) -> None:
    first = idle_client.post("/v1/audio/speech", json=BODY)
    assert first.status_code == 200
    unloads, reloads, waited = (_metric(idle_client, name) for name in (UNLOADS, RELOADS, RELOAD_SECONDS))
    wait_for(lambda: _metric(idle_client, UNLOADS) > unloads, "the idle model let go")
    assert idle_client.get("/ready").status_code == 200  # it can load on demand
    again = idle_client.post("/v1/audio/speech", json=BODY)
    assert again.status_code == 200 and again.content == first.content
    assert level_dbfs(decode(again.content, "pcm")[0]) > -35
    assert _metric(idle_client, RELOADS) == reloads + 1 and _metric(idle_client, RELOAD_SECONDS) > waited


def test_kokoro_fastapis_unload_frees_the_model_where_the_server_allows_it(
    idle_client: TestClient, client: TestClient
) -> None:
    reloads = _metric(idle_client, RELOADS)
    assert idle_client.post("/dev/unload").json() == {"status": "unloaded"}
    assert idle_client.post("/v1/audio/speech", json=BODY).status_code == 200
    assert _metric(idle_client, RELOADS) == reloads + 1
    assert_openai_error(client.post("/dev/unload"), 403)
