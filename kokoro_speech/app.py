"""The application factory the server runs: ``kokoro_speech.app:create_app``."""

from __future__ import annotations

from litestar import Litestar
from litestar.openapi import OpenAPIConfig

from kokoro_speech import __version__
from kokoro_speech.config import SpeechConfig
from kokoro_speech.logs import configure_logging
from kokoro_speech.plugin import KokoroSpeechPlugin


def create_app(config: SpeechConfig | None = None) -> Litestar:
    config = config or SpeechConfig.from_env()
    configure_logging(config)
    return Litestar(
        plugins=[KokoroSpeechPlugin(config)],
        openapi_config=OpenAPIConfig(title="kokoro-speech", version=__version__, path="/docs"),
    )
