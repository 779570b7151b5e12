"""The speeds of one chunk: the one asked for, the one asked of the model, and the pace of its stream.

The model sounds right only in a narrow range of its own speed setting (see ``SynthesisConfig``'s
``model_speed_min`` and ``model_speed_max``); the rest of the range OpenAI's API accepts is made by
time-stretching what the model said (PyAV's atempo, pitch unchanged).

Over the 196 words of the speed test (``tests/bench/speed.py``, Whisper base, Zen 4), the model
asked for the whole speed was misheard on 321% of the words at 0.25, 5.6% at 0.5, 11.7% at 1.5
and 28.6% at 2.0 (it clips phonemes to single frames); asked for 1.0 and stretched, 1.0%, 0.5%,
2.0% and 6.1%; asked for 0.75 to 1.1 and stretched, 4.1%, 1.0%, 2.6% and 4.1%. On 349 other words,
1.0 held at the slow end (3.2% at 0.25 against 3.2% from 0.75) and 1.1 at the fast end (2.3% at
2.0 against 4.9% from 1.0 and 3.4% from 1.25): hence the range 1.0 to 1.1. Rubber Band and
Signalsmith Stretch did no better than atempo at 2.0 (3.6% to 7.7% against 4.6% and 6.1%). Past
about 3x Whisper base stops following any speech, however the speed is made.
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
