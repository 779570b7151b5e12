"""Chunk joins (pure signal logic on synthetic audio)."""

from __future__ import annotations

import numpy as np

from kokoro_speech.engine.joins import SAMPLE_RATE, fade_edges, join_trimmed, speech_bounds


def trimmed_and_joined(audio: np.ndarray, pause_seconds: float) -> np.ndarray:
    """What the engine does with each chunk the model makes: cut to its speech, then joined."""
    start, end = speech_bounds(audio)
    return join_trimmed(audio[start:end], pause_seconds)


def tone(seconds: float, level: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (level * np.sin(2 * np.pi * 220 * t + 0.7)).astype(np.float32)


def test_trim_keeps_the_speech_and_a_little_of_the_silence_around_it() -> None:
    silence = np.zeros(SAMPLE_RATE // 2, dtype=np.float32)
    speech = tone(1.0)
    start, end = speech_bounds(np.concatenate([silence, speech, silence]))
    assert SAMPLE_RATE * 1.0 <= end - start <= SAMPLE_RATE * 1.2


def test_edges_are_faded_to_zero_so_a_join_cannot_click() -> None:
    faded = fade_edges(tone(0.5))
    assert abs(faded[0]) < 1e-6 and abs(faded[-1]) < 1e-6


def test_joined_chunks_have_no_jump_larger_than_the_signal_itself_makes() -> None:
    first, second = trimmed_and_joined(tone(0.5), 0.0), trimmed_and_joined(tone(0.5, 0.5), 0.0)
    joined = np.concatenate([first, second])
    steps = np.abs(np.diff(joined))
    inside = np.abs(np.diff(second)).max()
    boundary = steps[len(first) - 3 : len(first) + 3].max()
    assert boundary <= inside


def test_pause_follows_the_speech() -> None:
    out = trimmed_and_joined(tone(0.5), 0.2)
    pause = out[-int(0.2 * SAMPLE_RATE) :]
    assert np.all(pause == 0)
    assert len(out) >= int(0.7 * SAMPLE_RATE)


def test_all_silence_becomes_nothing() -> None:
    assert len(trimmed_and_joined(np.zeros(SAMPLE_RATE, dtype=np.float32), 0.0)) == 0
