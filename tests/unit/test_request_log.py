"""The request log keeps what a client sent on one short line: control characters escaped, long text cut."""

from __future__ import annotations

import json

import structlog

from kokoro_speech.api.request_log import LOGGED_TEXT_CHARS, describe, line_fields, loggable

HOSTILE = "af_heart\n2026-12-07 level=info event=request key=forged\x1b[2J\x1b[31m\u202e" + "x" * 10_000


class Outcome:
    def log_fields(self) -> dict[str, object]:
        return {"voice": HOSTILE, "input_chars": 12}


class Carrier:
    """What :func:`describe` needs of a request: its scope."""

    def __init__(self, scope: dict[str, object]) -> None:
        self.scope = scope


def test_a_hostile_voice_and_path_make_one_short_log_line() -> None:
    scope: dict[str, object] = {"method": "POST", "path": "/v1/audio/speech\r\nforged=1" + "/y" * 5000}
    describe(Carrier(scope), Outcome())  # type: ignore[arg-type]
    fields = line_fields(scope, 400, 0.0, None, 0.1)  # type: ignore[arg-type]
    rendered = [
        structlog.dev.ConsoleRenderer(colors=False)(None, "info", {"event": "request", **fields}),
        structlog.processors.JSONRenderer()(None, "info", {"event": "request", **fields}),
    ]
    for line in rendered:
        assert isinstance(line, str)
        assert "\n" not in line and "\r" not in line and "\x1b" not in line and "\u202e" not in line
        assert len(line) < 4 * LOGGED_TEXT_CHARS
    assert json.loads(rendered[1])["input_chars"] == 12
    assert fields["voice"].startswith("af_heart\\n2026") and "\\x1b[2J" in fields["voice"]
    assert fields["voice"].endswith(f"({len(HOSTILE)} chars)")


def test_ordinary_text_is_logged_as_it_is() -> None:
    assert loggable("af_bella(2)+af_sky(1)") == "af_bella(2)+af_sky(1)"
    assert loggable("voix é ü 日本") == "voix é ü 日本"
