"""Making chunks join without clicks or gaps of the wrong length.

The model pads each chunk with silence of varying length. Each chunk is trimmed to its
speech (plus a little of the model's own silence, so soft word ends survive), given a few
milliseconds of fade at each cut so no edge starts or stops on a non-zero sample, and
followed by the pause its last punctuation calls for.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

SAMPLE_RATE = 24000
# A 10 ms frame quieter than this, relative to the chunk's loudest frame, is silence.
SILENCE_DB = -40.0
FRAME_SECONDS = 0.01
# Silence kept on each side of the speech: soft consonants fade below the threshold.
KEEP_SECONDS = 0.04
FADE_SECONDS = 0.004


def speech_bounds(audio: NDArray[np.float32]) -> tuple[int, int]:
    """Where the speech of a chunk starts and ends, in samples, with a little silence kept."""
    frame = int(FRAME_SECONDS * SAMPLE_RATE)
    usable = len(audio) // frame * frame
    if usable == 0:
        return 0, len(audio)
    rms = np.sqrt(np.mean(np.square(audio[:usable].reshape(-1, frame)), axis=1))
    loud = np.flatnonzero(rms > rms.max() * 10 ** (SILENCE_DB / 20))
    if loud.size == 0:
        return 0, 0
    keep = int(KEEP_SECONDS * SAMPLE_RATE)
    start = max(0, int(loud[0]) * frame - keep)
    end = min(len(audio), (int(loud[-1]) + 1) * frame + keep)
    return start, end


def fade_edges(audio: NDArray[np.float32]) -> NDArray[np.float32]:
    n = min(int(FADE_SECONDS * SAMPLE_RATE), len(audio) // 2)
    if n == 0:
        return audio
    out = audio.copy()
    ramp = np.linspace(0.0, 1.0, n, dtype=np.float32)
    out[:n] *= ramp
    out[-n:] *= ramp[::-1]
    return out


def join_trimmed(speech: NDArray[np.float32], pause_seconds: float) -> NDArray[np.float32]:
    """Already trimmed speech, faded and followed by ``pause_seconds`` of silence."""
    speech = fade_edges(speech)
    pause = np.zeros(round(pause_seconds * SAMPLE_RATE), dtype=np.float32)
    return np.concatenate([speech, pause]) if pause.size else speech
