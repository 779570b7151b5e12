"""The installed package version (part of result cache keys, and shown in the API docs)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kokoro-speech")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"
