"""What each refusal of a stream is called where a protocol other than HTTP names it (Wyoming's error events,
the stream-input socket's error messages), and the HTTP status it is counted under in the metrics; HTTP's own
answers are in ``api/errors.py``."""

from __future__ import annotations

from kokoro_speech.engine.languages import UnknownLanguageError
from kokoro_speech.engine.scheduler import Overloaded
from kokoro_speech.engine.voices import UnknownVoiceError
from kokoro_speech.speech.worker import ModelLoadFailed, ModelNotReady

REFUSALS: dict[type[Exception], tuple[str, int]] = {
    UnknownVoiceError: ("voice_not_found", 400),
    UnknownLanguageError: ("unsupported_language", 400),
    Overloaded: ("server_overloaded", 503),
    ModelNotReady: ("model_not_ready", 503),
    ModelLoadFailed: ("model_load_failed", 500),
}
REFUSED = tuple(REFUSALS)
"""The refusals, to catch them."""


def refusal(error: Exception) -> tuple[str, int]:
    """The code and the status of one of :data:`REFUSED`."""
    return next(answer for kind, answer in REFUSALS.items() if isinstance(error, kind))
