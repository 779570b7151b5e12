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
PAUSE_SILENCE_DBFS = -50.0
"""Beside an asked pause, speech is cut where its millisecond peaks reach this level: quieter is silence, so
the silence heard there is the pause asked, to the millisecond."""
EDGE_WINDOW_SECONDS = 0.001


def speech_bounds(audio: NDArray[np.float32], *, keep_start: bool = True, keep_end: bool = True) -> tuple[int, int]:
    """Where the speech of a chunk starts and ends, in samples, with a little silence kept on the sides
    asked for (beside an asked pause none is: the silence there is exactly the pause)."""
    frame = int(FRAME_SECONDS * SAMPLE_RATE)
    usable = len(audio) // frame * frame
    if usable == 0:
        return 0, len(audio)
    rms = np.sqrt(np.mean(np.square(audio[:usable].reshape(-1, frame)), axis=1))
    loud = np.flatnonzero(rms > rms.max() * 10 ** (SILENCE_DB / 20))
    if loud.size == 0:
        return 0, 0
    keep = int(KEEP_SECONDS * SAMPLE_RATE)
    first, last = int(loud[0]) * frame, (int(loud[-1]) + 1) * frame
    start = max(0, first - keep) if keep_start else _first_sound(audio, first)
    end = min(len(audio), last + keep) if keep_end else _last_sound(audio, last)
    return start, end


def _first_sound(audio: NDArray[np.float32], frame_start: int) -> int:
    """The first millisecond from ``frame_start`` on whose peak is sound rather than silence."""
    window = int(EDGE_WINDOW_SECONDS * SAMPLE_RATE)
    floor = 10 ** (PAUSE_SILENCE_DBFS / 20)
    for position in range(frame_start, len(audio), window):
        if np.abs(audio[position : position + window]).max(initial=0.0) >= floor:
            return position
    return frame_start


def _last_sound(audio: NDArray[np.float32], frame_end: int) -> int:
    """Where the last millisecond before ``frame_end`` whose peak is sound ends."""
    window = int(EDGE_WINDOW_SECONDS * SAMPLE_RATE)
    floor = 10 ** (PAUSE_SILENCE_DBFS / 20)
    for position in range(frame_end, 0, -window):
        if np.abs(audio[max(0, position - window) : position]).max(initial=0.0) >= floor:
            return position
    return frame_end


def fade_edges(audio: NDArray[np.float32]) -> NDArray[np.float32]:
    n = min(int(FADE_SECONDS * SAMPLE_RATE), len(audio) // 2)
    if n == 0:
        return audio
    out = audio.copy()
    ramp = np.linspace(0.0, 1.0, n, dtype=np.float32)
    out[:n] *= ramp
    out[-n:] *= ramp[::-1]
    return out


def join_trimmed(
    speech: NDArray[np.float32], pause_seconds: float, lead_in_seconds: float = 0.0
) -> NDArray[np.float32]:
    """Already trimmed speech, faded, after ``lead_in_seconds`` and before ``pause_seconds`` of silence."""
    speech = fade_edges(speech)
    lead_in = np.zeros(round(lead_in_seconds * SAMPLE_RATE), dtype=np.float32)
    pause = np.zeros(round(pause_seconds * SAMPLE_RATE), dtype=np.float32)
    return np.concatenate([lead_in, speech, pause]) if pause.size or lead_in.size else speech
