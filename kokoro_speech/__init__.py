"""kokoro-speech: OpenAI's speech API on Kokoro-82M, as a Litestar plugin."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kokoro-speech")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"

from kokoro_speech.app import create_app
from kokoro_speech.config import SpeechConfig
from kokoro_speech.plugin import KokoroSpeechPlugin

__all__ = ["KokoroSpeechPlugin", "SpeechConfig", "__version__", "create_app"]
