"""The speeds of one chunk: the one asked for, the one asked of the model, and the pace of its stream.

The model sounds right only in a narrow range of its own speed setting (see ``SynthesisConfig``'s
``model_speed_min`` and ``model_speed_max``); the rest of the range OpenAI's API accepts is made by
time-stretching what the model said.
"""

from __future__ import annotations

from kokoro_speech.engine.config import MAX_SPEED, MIN_SPEED, SynthesisConfig


def clamped(speed: float) -> float:
    """A speed within what the server makes: markup's rates multiply the request's, which may leave it."""
    return min(max(speed, MIN_SPEED), MAX_SPEED)


def model_speed(speed: float, synthesis: SynthesisConfig) -> float:
    """The speed asked of the model: the request's, within the range where the model sounds right."""
    return min(max(speed, synthesis.model_speed_min), synthesis.model_speed_max)


def pace(stream_rtf: float, speed: float, synthesis: SynthesisConfig) -> float:
    """The pace a stream at ``speed`` runs at: time-stretching shortens the audio, not the synthesis."""
    return stream_rtf * speed / model_speed(speed, synthesis)
