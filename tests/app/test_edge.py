"""The HTTP edge of the whole application: which pages a browser lets call it (CORS) and which names it
answers to (the Host header). The rules themselves are in ``tests/unit/test_access.py``."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from tests.support.errors import assert_openai_error

if TYPE_CHECKING:
    from litestar.testing import TestClient

FOREIGN = "https://evil.example"
LOCAL_PAGE = "http://localhost:3000"


def test_a_foreign_page_cannot_read_the_server_but_a_local_one_can(client: TestClient) -> None:
    refused = client.options(
        "/v1/audio/speech",
        headers={
            "Origin": FOREIGN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert refused.status_code >= 400 and "access-control-allow-origin" not in refused.headers
    answered = client.get("/v1/models", headers={"Origin": FOREIGN})
    assert answered.status_code == 200 and "access-control-allow-origin" not in answered.headers
    local = client.get("/v1/models", headers={"Origin": LOCAL_PAGE})
    assert local.headers["access-control-allow-origin"] == LOCAL_PAGE


def test_a_loopback_server_refuses_a_name_it_does_not_go_by(client: TestClient) -> None:
    for path in ("/health", "/v1/models"):
        assert_openai_error(client.get(path, headers={"Host": "evil.example"}), 400, None, "invalid_host")
        assert client.get(path, headers={"Host": "127.0.0.1:8880"}).status_code == 200


def test_ready_tells_a_caller_on_this_machine_what_it_runs(client: TestClient) -> None:
    # The test client is in the same process: on this machine, so it sees the details (keys are off).
    ready = client.get("/ready").json()
    assert ready["status"] == "ready" and {"model", "lanes"} <= set(ready)


def test_the_docs_page_runs_only_files_the_server_serves_itself(client: TestClient) -> None:
    # The docs share the origin where the page keeps its API key: no script from elsewhere may run there.
    docs = client.get("/docs")
    assert docs.status_code == 200 and docs.headers["content-type"].startswith("text/html")
    referenced = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", docs.text)
    assert any(ref.endswith(".js") for ref in referenced), referenced
    for ref in referenced:
        assert ref.startswith("/") and not ref.startswith("//"), ref
        assert client.get(ref).status_code == 200, ref
    assert client.get("/docs/openapi.json").json()["info"]["title"] == "kokoro-speech"
    assert client.get("/").status_code == 200  # the page keeps its own path
