"""The quality gate of "auto": how far a candidate's audio strays from the int8 graph's on fixed phrases.

A faster way to run the model (bf16, a rewritten graph) is only a candidate if it says what the official
int8 graph says. Both say the same phrases with the same voice at the model's two speeds (1.0, and the
fastest it is asked for: higher speeds are time-stretched from it, so it carries their risk), and two
figures compare them:

- **durations**: the share of phoneme tokens given the same number of frames. Rounding moves a token's
  duration by a frame now and then; a wrong duration predictor moves many.
- **spectral distance**: the mean absolute difference of log band energies (dB) along the best alignment
  of the two (dynamic time warping, so that a token a frame longer does not shift the rest).

Measured on Zen 5 against int8 (the gate's four phrases at both speeds): ONNX Runtime's float32 graph 1.7 dB
with 97% of the durations the same; OpenVINO in bf16 1.9 dB and 96%. Before the fixes to its phases
(:mod:`kokoro_speech.engine.stft_phase`, :mod:`kokoro_speech.engine.backends.openvino_phases`) the same path
measured 4.7 dB, and it was misheard at twice the speed; int8 with white noise at an RMS of 0.01 added (a
clearly audible hiss) 5.8 dB. Hence the bounds in :class:`~kokoro_speech.engine.config.BackendConfig`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from kokoro_speech.engine.backends.base import ModelOutput

GATE_PHRASES = (
    "Hello there, how are you doing today?",
    "The meeting starts at nine thirty in the conference room on the third floor.",
    "Please remember to turn off the lights before you leave the building tonight.",
    "Quantum computers could one day break the encryption that protects our banking systems.",
)
FRAME = 1024
HOP = 256
BANDS = 64
"""Log-spaced bands of the spectrum compared (about a third of an octave each at 24 kHz)."""
FLOOR_DB = 60.0
"""Energies more than this below a phrase's loudest band are treated as silence: noise under the floor of
hearing does not count."""
WARP_FRAMES = 20
"""How far (in hops, 0.2 s) the alignment may wander from the diagonal: durations differ by a few frames."""

Say = Callable[[list[int], float], ModelOutput]
"""Says one phrase's tokens at one model speed."""


@dataclass(frozen=True)
class Quality:
    spectral_db: float
    """Mean over the phrases and speeds of the aligned log band distance to the reference."""
    durations_agree: float
    """Share of tokens (pads included) whose frame count is the reference's."""


def outputs(speak: Say, phrases: Sequence[list[int]], speeds: Sequence[float]) -> list[ModelOutput]:
    return [speak(tokens, speed) for speed in speeds for tokens in phrases]


def compare(reference: Sequence[ModelOutput], candidate: Sequence[ModelOutput]) -> Quality:
    distances = [
        aligned_distance(band_energies(r.audio), band_energies(c.audio))
        for r, c in zip(reference, candidate, strict=True)
    ]
    same = total = 0
    for r, c in zip(reference, candidate, strict=True):
        if r.durations is None or c.durations is None or len(r.durations) != len(c.durations):
            continue
        same += int((r.durations == c.durations).sum())
        total += len(r.durations)
    return Quality(round(float(np.mean(distances)), 3), round(same / total, 4) if total else 0.0)


def band_energies(audio: NDArray[np.float32]) -> NDArray[np.float64]:
    """Frames by bands, in dB, floored :data:`FLOOR_DB` below the loudest."""
    if len(audio) < FRAME:
        audio = np.pad(audio, (0, FRAME - len(audio)))
    starts = np.arange(0, len(audio) - FRAME + 1, HOP)
    frames = audio[starts[:, None] + np.arange(FRAME)] * np.hanning(FRAME)
    spectrum = np.abs(np.fft.rfft(frames, axis=1))
    edges = np.unique(np.geomspace(2, spectrum.shape[1] - 1, BANDS + 1).astype(int))
    energies = np.add.reduceat(spectrum, edges[:-1], axis=1)[:, :-1] / np.diff(edges)[:-1]
    decibels: NDArray[np.float64] = 20 * np.log10(energies + 1e-9)
    floored: NDArray[np.float64] = np.maximum(decibels, decibels.max() - FLOOR_DB)
    return floored


def aligned_distance(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    """Mean absolute dB difference along the cheapest monotonic alignment within :data:`WARP_FRAMES`."""
    cost = np.abs(a[:, None, :] - b[None, :, :]).mean(axis=2)
    n, m = cost.shape
    total = np.full((n + 1, m + 1), np.inf)
    steps = np.zeros((n + 1, m + 1))
    total[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(max(1, i - WARP_FRAMES), min(m, i + WARP_FRAMES) + 1):
            options = ((i - 1, j - 1), (i - 1, j), (i, j - 1))
            best = min(options, key=lambda cell: total[cell])
            total[i, j] = total[best] + cost[i - 1, j - 1]
            steps[i, j] = steps[best] + 1
    if not np.isfinite(total[n, m]):
        return float("inf")
    return float(total[n, m] / steps[n, m])
