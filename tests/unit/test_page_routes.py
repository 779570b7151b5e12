"""The page's routes without a browser: what the HTML tells the script, and the page keeping off a host
application's own path."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from litestar import Controller, Router, get

from kokoro_speech.api.page.routes import render, taken
from kokoro_speech.config import PageConfig, SpeechConfig
from kokoro_speech.plugin.routers import page_settings


@get("/")
async def home() -> str:
    return "the host's own page"


@get("/other")
async def other() -> str:
    return "elsewhere"


class Site(Controller):
    path = "/site"

    @get("/")
    async def index(self) -> str:
        return "a controller's index"


@pytest.mark.parametrize(
    ("handlers", "path", "expected"),
    [
        ([home], "/", True),
        ([other], "/", False),
        ([Router(path="/", route_handlers=[home])], "/", True),
        ([Router(path="/x", route_handlers=[home])], "/", False),
        ([Router(path="/x", route_handlers=[home])], "/x/", True),
        ([Site], "/site", True),
        ([Site], "/", False),
    ],
)
def test_the_page_keeps_off_a_path_the_application_serves(handlers: list[object], path: str, expected: bool) -> None:
    assert taken(handlers, path) is expected


def settings_of(html: str) -> dict[str, object]:
    found = re.search(r'<script type="application/json" id="server-settings">(.*?)</script>', html, re.S)
    assert found is not None
    loaded: dict[str, object] = json.loads(found.group(1))
    return loaded


def test_the_html_says_where_the_api_is_and_what_the_server_offers() -> None:
    config = SpeechConfig()
    html = render(page_settings(config), "/speak/assets")
    assert 'src="/speak/assets/app.js"' in html and "%" not in html.replace("100%", "")
    settings = settings_of(html)
    assert settings["api"] == "/v1" and settings["maxInputChars"] == 4096 and settings["wordTimings"] is True
    assert (
        settings["formats"] == ["mp3", "opus", "aac", "flac", "wav", "pcm", "ulaw", "alaw"]
        and settings["keysRequired"] is False
    )
    untimed = dataclasses.replace(config, model=dataclasses.replace(config.model, word_timestamps=False))
    assert settings_of(render(page_settings(untimed), "/assets"))["wordTimings"] is False


def test_a_prefix_cannot_end_the_settings_script_early() -> None:
    config = dataclasses.replace(SpeechConfig(), api=dataclasses.replace(SpeechConfig().api, prefix="/</script>x"))
    assert settings_of(render(page_settings(config), "/assets"))["api"] == "/</script>x"


def test_the_page_path_must_be_absolute() -> None:
    with pytest.raises(ValueError, match="KOKORO_SPEECH_PAGE_PATH"):
        PageConfig(path="speak")
