"""The server's own OpenAPI document, complete, and a real `kokoro-speech serve` held to it by Schemathesis.

Schemathesis generates requests for every operation from the document (its examples, the edges of every
constraint, random and schema-violating bodies, sequences of calls) and checks each answer: never a 5xx,
a status and content type the document lists, a body matching the documented schema (OpenAI's error shape
for every error). Two of its checks are left out, each for a reason the server keeps on purpose:
``positive_data_acceptance`` (a request the schema allows may still be refused by what the server has: a
voice not in its voices file, an empty input) and ``negative_data_rejection`` (Litestar converts every body
laxly, so `0`/`1` pass for booleans and numbers written as strings for numbers).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

from kokoro_speech.api.openapi import ErrorDetail
from kokoro_speech.api.schemas import PhonemizeRequest, SpeechRequest
from tests.support import FIGURES, UNTUNED_SCHEDULE, Server, base_env, start_server

MAX_EXAMPLES = 60
"""Cases per operation and phase: under a minute for the whole document (17 operations) on two cores."""
SEED = 20261205
"""Fixed, so that a failure in CI is the same failure on a developer's machine."""
DOCUMENT = "/docs/openapi.json"
ROUTES = {
    ("post", "/v1/audio/speech"),
    ("post", "/v1/audio/speech/timestamps"),
    ("post", "/v1/audio/phonemize"),
    ("get", "/v1/models"),
    ("get", "/v1/models/{model_id}"),
    ("get", "/v1/audio/models"),
    ("get", "/v1/audio/voices"),
    ("get", "/health"),
    ("get", "/ready"),
    ("get", "/metrics"),
    # Kokoro-FastAPI's
    ("post", "/dev/captioned_speech"),
    ("post", "/dev/phonemize"),
    ("post", "/dev/generate_from_phonemes"),
    ("post", "/dev/dialogue"),
    ("post", "/dev/unload"),
    ("post", "/v1/audio/voices/combine"),
    ("get", "/v1/download/{name}"),
    # Long-form jobs
    ("post", "/v1/audio/jobs"),
    ("get", "/v1/audio/jobs"),
    ("get", "/v1/audio/jobs/{job_id}"),
    ("get", "/v1/audio/jobs/{job_id}/events"),
    ("get", "/v1/audio/jobs/{job_id}/content"),
    ("get", "/v1/audio/jobs/{job_id}/captions"),
    ("delete", "/v1/audio/jobs/{job_id}"),
}
ERRORS = {
    ("post", "/v1/audio/speech"): {400, 401, 404, 408, 413, 429, 500, 503},
    ("post", "/v1/audio/speech/timestamps"): {400, 401, 404, 408, 413, 429, 500, 503, 504},
    ("post", "/v1/audio/phonemize"): {400, 401, 408, 413, 429, 500, 503},
    ("get", "/v1/models"): {401, 500, 503},
    ("get", "/v1/models/{model_id}"): {400, 401, 404, 500, 503},
    ("get", "/v1/audio/models"): {401, 500, 503},
    ("get", "/v1/audio/voices"): {400, 401, 500, 503},
    ("post", "/dev/captioned_speech"): {400, 401, 404, 408, 413, 429, 500, 503},
    ("post", "/dev/phonemize"): {400, 401, 408, 413, 429, 500, 503},
    ("post", "/dev/generate_from_phonemes"): {400, 401, 404, 408, 413, 429, 500, 503},
    ("post", "/dev/dialogue"): {400, 401, 404, 408, 413, 429, 500, 503},
    ("post", "/dev/unload"): {401, 403, 409, 500, 503},
    ("post", "/v1/audio/voices/combine"): {400, 401, 408, 413, 500, 503},
    ("get", "/v1/download/{name}"): {400, 401, 404},
    ("post", "/v1/audio/jobs"): {400, 401, 404, 408, 413, 415, 429, 500, 503},
    ("get", "/v1/audio/jobs"): {401, 500},
    ("get", "/v1/audio/jobs/{job_id}"): {400, 401, 404, 500},
    ("get", "/v1/audio/jobs/{job_id}/events"): {400, 401, 404, 500},
    ("get", "/v1/audio/jobs/{job_id}/content"): {400, 401, 404, 409, 500},
    ("get", "/v1/audio/jobs/{job_id}/captions"): {400, 401, 404, 409, 500},
    ("delete", "/v1/audio/jobs/{job_id}"): {400, 401, 404, 500},
}


@pytest.fixture(scope="module")
def server(home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("fuzz")
    # Jobs the fuzzer makes are queued, not made: their making is tested elsewhere, and would slow the run.
    server = start_server(base_env(home, tmp, **UNTUNED_SCHEDULE, jobs_in_server="off"), tmp / "server.log")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def document(server: Server) -> dict[str, Any]:
    response = server.get(DOCUMENT)
    assert response.status_code == 200
    return dict(response.json())


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_the_document_has_every_route(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    documented = {(method, path) for path, operations in document["paths"].items() for method in operations}
    assert documented == ROUTES


def test_every_error_a_route_answers_is_documented_in_openais_shape(document: dict[str, Any]) -> None:
    error_fields = set(ErrorDetail.__struct_fields__)
    assert error_fields == {"message", "type", "param", "code"}
    for (method, path), statuses in ERRORS.items():
        responses = document["paths"][path][method]["responses"]
        assert {int(status) for status in responses if status not in ("200", "202")} == statuses, (method, path)
        for status in statuses:
            schema = _resolve(document, responses[str(status)]["content"]["application/json"]["schema"])
            detail = _resolve(document, schema["properties"]["error"])
            assert set(detail["properties"]) == error_fields, (method, path, status)
            assert set(detail["required"]) == error_fields


def test_speech_is_documented_as_audio_in_every_format_and_as_events(document: dict[str, Any]) -> None:
    content = document["paths"]["/v1/audio/speech"]["post"]["responses"]["200"]["content"]
    audio = {"audio/mpeg", "audio/ogg", "audio/aac", "audio/flac", "audio/wav", "audio/pcm"}
    assert set(content) == audio | {"audio/basic", "audio/x-alaw-basic", "text/event-stream"}
    metrics = document["paths"]["/metrics"]["get"]["responses"]["200"]["content"]
    assert set(metrics) == {"text/plain"}


@pytest.mark.parametrize(
    ("path", "body"), [("/v1/audio/speech", SpeechRequest), ("/v1/audio/phonemize", PhonemizeRequest)]
)
def test_every_request_field_is_documented(document: dict[str, Any], path: str, body: type[msgspec.Struct]) -> None:
    request = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    properties = _resolve(document, request)["properties"]
    assert set(properties) == set(body.__struct_fields__)
    undocumented = [
        name
        for name, schema in properties.items()
        if not schema.get("description") and not _resolve(document, schema).get("enum") and name != "speed"
    ]
    assert undocumented == []


def test_schemathesis_finds_no_5xx_and_nothing_off_the_document(server: Server, tmp_path: Path) -> None:
    logged_before = len(server.log.read_text())  # not the 503s of /ready while the model loaded
    run = subprocess.run(
        [
            sys.executable, "-m", "schemathesis.cli", "run", server.url + DOCUMENT,
            "--checks", "all",
            "--exclude-checks", "positive_data_acceptance,negative_data_rejection",
            # A job's events run until it ends, and the fuzzer's jobs are queued, never made: each call would wait
            # out the request timeout. tests/server/test_jobs.py reads them to their end.
            "--exclude-path-regex", "/events$",
            "--max-examples", str(MAX_EXAMPLES),
            "--seed", str(SEED),
            "--workers", "1",
            "--request-timeout", "60",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,  # it keeps a cache of what it found in the folder it runs in
    )  # fmt: skip
    summary = run.stdout[run.stdout.rfind("SUMMARY") :]
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    generated = re.search(r"(\d+) generated", summary)
    assert generated is not None and int(generated.group(1)) > 5 * len(ROUTES)
    FIGURES.append(f"schemathesis: {generated.group(1)} cases over {len(ROUTES)} operations, seed {SEED}, no failure")
    log = server.log.read_text()[logged_before:]
    assert "unhandled error" not in log
    assert not re.search(r"status=5\d\d", log)
