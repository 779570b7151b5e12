"""Checking OpenAI's error shape."""

from __future__ import annotations

from typing import Any


def assert_openai_error(response: Any, status: int, param: str | None = None, code: str | None = None) -> Any:
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
    return error
