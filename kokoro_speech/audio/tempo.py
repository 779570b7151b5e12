"""Changing the tempo of speech without changing its pitch (ffmpeg's atempo, through PyAV).

The model's own speed control scales phoneme durations; far outside its usual range it
clips sounds to one frame or drags them into a drone. Past that range the engine asks the
model for the nearest speed it does well and stretches the rest with atempo.
"""

from __future__ import annotations

from fractions import Fraction

import av
import av.filter
import numpy as np
from numpy.typing import NDArray

# One atempo instance accepts 0.5 to 100; slower factors are chained.
_ATEMPO_MIN = 0.5


def stretch(audio: NDArray[np.float32], factor: float, sample_rate: int) -> NDArray[np.float32]:
    """``audio`` played ``factor`` times as fast (2.0: half as long), pitch unchanged."""
    if factor == 1.0 or audio.size == 0:
        return audio
    graph = av.filter.Graph()
    source = graph.add_abuffer(sample_rate=sample_rate, format="flt", layout="mono", time_base=Fraction(1, sample_rate))
    last = source
    for step in _steps(factor):
        node = graph.add("atempo", f"{step:.6f}")
        last.link_to(node)
        last = node
    sink = graph.add("abuffersink")
    last.link_to(sink)
    graph.configure()
    frame = av.AudioFrame.from_ndarray(
        np.ascontiguousarray(audio, dtype=np.float32).reshape(1, -1), format="flt", layout="mono"
    )
    frame.sample_rate = sample_rate
    frame.pts = 0
    frame.time_base = Fraction(1, sample_rate)
    graph.push(frame)
    graph.push(None)
    pieces: list[NDArray[np.float32]] = []
    while True:
        try:
            out = graph.pull()
        except (av.error.EOFError, av.error.BlockingIOError):
            break
        pieces.append(np.asarray(out.to_ndarray(), dtype=np.float32).reshape(-1))
    return np.concatenate(pieces) if pieces else audio[:0]


def _steps(factor: float) -> list[float]:
    steps: list[float] = []
    while factor < _ATEMPO_MIN:
        steps.append(_ATEMPO_MIN)
        factor /= _ATEMPO_MIN
    steps.append(factor)
    return steps
