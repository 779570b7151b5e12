"""Changing the sample rate of a stream of float32 mono chunks as they come."""

from __future__ import annotations

import av
import numpy as np
from numpy.typing import NDArray

_FORMAT = "flt"
_LAYOUT = "mono"


class StreamResampler:
    """One resampler across every chunk of a stream.

    The filter keeps its history between chunks, so chunk edges leave no click and no gap; it also holds back
    a few samples of delay, which ``flush`` hands out at the end so the output lasts as long as the input.
    """

    def __init__(self, source_rate: int, target_rate: int) -> None:
        self._source_rate = source_rate
        self._resampler = av.AudioResampler(format=_FORMAT, layout=_LAYOUT, rate=target_rate)
        self._pts = 0

    def push(self, pcm: NDArray[np.float32]) -> NDArray[np.float32]:
        """The resampled samples that are ready; some of ``pcm`` may come out of a later call."""
        if pcm.size == 0:
            return np.zeros(0, dtype=np.float32)
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(pcm, dtype=np.float32).reshape(1, -1), format=_FORMAT, layout=_LAYOUT
        )
        frame.sample_rate = self._source_rate
        # Timestamps that follow on tell the filter the chunks are one stream, not separate clips.
        frame.pts = self._pts
        self._pts += pcm.size
        return _samples(self._resampler.resample(frame))

    def flush(self) -> NDArray[np.float32]:
        """The samples still held in the filter; the resampler is done afterwards."""
        return _samples(self._resampler.resample(None))


def _samples(frames: list[av.AudioFrame]) -> NDArray[np.float32]:
    if not frames:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate([frame.to_ndarray().reshape(-1) for frame in frames]).astype(np.float32, copy=False)
