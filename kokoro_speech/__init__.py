"""kokoro-speech: OpenAI's speech API on Kokoro-82M, as a Litestar plugin."""

from kokoro_speech.app import create_app
from kokoro_speech.config import SpeechConfig
from kokoro_speech.plugin import KokoroSpeechPlugin
from kokoro_speech.version import __version__

__all__ = ["KokoroSpeechPlugin", "SpeechConfig", "__version__", "create_app"]
