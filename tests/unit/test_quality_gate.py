"""The quality gate's figures as pure logic: what it calls the same audio, a shifted one and a noisy one."""

from __future__ import annotations

import numpy as np

from kokoro_speech.engine.backends.base import ModelOutput
from kokoro_speech.engine.quality import HOP, compare

RATE = 24000


def speechlike(seconds: float, seed: int = 0) -> np.ndarray:
    """Harmonics under a syllable-rate envelope, with pauses: a stand-in with speech's spectral movement."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    pitch = 140 + 30 * np.sin(2 * np.pi * 0.7 * t)
    phase = 2 * np.pi * np.cumsum(pitch) / RATE
    voice = sum(np.sin(k * phase) / k for k in range(1, 12))
    envelope = np.clip(np.sin(2 * np.pi * 3.1 * t + rng.uniform(0, 6)), 0, None) ** 2
    return (0.3 * voice * envelope).astype(np.float32)


def output(audio: np.ndarray, durations: list[int]) -> ModelOutput:
    return ModelOutput(audio.astype(np.float32), np.array(durations, dtype=np.int64))


def test_the_same_audio_is_at_no_distance_and_every_duration_agrees() -> None:
    audio = speechlike(1.5)
    quality = compare([output(audio, [1, 5, 7, 1])], [output(audio.copy(), [1, 5, 7, 1])])
    assert quality.spectral_db == 0.0 and quality.durations_agree == 1.0


def test_a_frame_longer_costs_little_where_noise_costs_much() -> None:
    audio = speechlike(2.0, seed=1)
    # A phoneme a model frame (600 samples) longer: the alignment absorbs it.
    longer = np.concatenate([audio[: RATE // 2], audio[RATE // 2 - 600 : RATE // 2], audio[RATE // 2 :]])
    noisy = audio + np.random.default_rng(2).normal(0, 0.01, len(audio)).astype(np.float32)
    reference = [output(audio, [1, 10, 12, 9, 1])]
    shifted = compare(reference, [output(longer, [1, 11, 12, 9, 1])])
    hissing = compare(reference, [output(noisy, [1, 10, 12, 9, 1])])
    assert shifted.durations_agree == 0.8
    assert shifted.spectral_db < 1.5 < hissing.spectral_db
    assert HOP < 600


def test_durations_of_different_lengths_are_not_compared() -> None:
    audio = speechlike(1.0)
    quality = compare([output(audio, [1, 5, 1])], [output(audio, [1, 5, 5, 1])])
    assert quality.durations_agree == 0.0
