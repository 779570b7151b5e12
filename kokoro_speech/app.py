"""The application factory the server runs: ``kokoro_speech.app:create_app``."""

from __future__ import annotations

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.openapi import OpenAPIConfig

from kokoro_speech.config import SpeechConfig
from kokoro_speech.logs import configure_logging
from kokoro_speech.plugin import KokoroSpeechPlugin
from kokoro_speech.version import __version__


def create_app(config: SpeechConfig | None = None) -> Litestar:
    config = config or SpeechConfig.from_env()
    configure_logging(config)
    origins = [o.strip() for o in config.cors_origins.split(",") if o.strip()]
    return Litestar(
        plugins=[KokoroSpeechPlugin(config)],
        cors_config=CORSConfig(allow_origins=origins, expose_headers=["X-Cache", "X-Worker-Pid"]) if origins else None,
        openapi_config=OpenAPIConfig(title="kokoro-speech", version=__version__, path="/docs"),
    )
