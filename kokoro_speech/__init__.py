"""kokoro-speech: OpenAI's speech API on Kokoro-82M, as a Litestar plugin."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kokoro_speech.config import SpeechConfig
from kokoro_speech.version import __version__

if TYPE_CHECKING:
    from kokoro_speech.plugin import KokoroSpeechPlugin
    from kokoro_speech.server.app import create_app

__all__ = ["KokoroSpeechPlugin", "SpeechConfig", "__version__", "create_app"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so the `kokoro-speech serve` supervisor process stays small: only its
    # workers load Litestar, ONNX Runtime and the model.
    if name == "create_app":
        from kokoro_speech.server.app import create_app

        return create_app
    if name == "KokoroSpeechPlugin":
        from kokoro_speech.plugin import KokoroSpeechPlugin

        return KokoroSpeechPlugin
    raise AttributeError(f"module 'kokoro_speech' has no attribute {name!r}")
