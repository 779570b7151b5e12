"""Decoding responses with PyAV to check what a listener would get."""

from __future__ import annotations

import contextlib
import io

import av
import numpy as np
from numpy.typing import NDArray

PCM_RATE = 24000


def decode(data: bytes, response_format: str) -> tuple[NDArray[np.float32], int]:
    """All samples (mono, float in [-1, 1]) and the sample rate; raises on a broken file."""
    if response_format == "pcm":
        assert len(data) % 2 == 0, "pcm must be whole 16-bit samples"
        return np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0, PCM_RATE
    with av.open(io.BytesIO(data), mode="r") as container:
        stream = container.streams.audio[0]
        frames = [_first_channel(frame.to_ndarray()) for frame in container.decode(stream)]
        rate = stream.codec_context.sample_rate
    assert frames, "no audio frames decoded"
    return np.concatenate(frames), rate


RAW_DEMUXERS = {"pcm": "s16le", "ulaw": "mulaw", "alaw": "alaw"}
"""Headerless formats and PyAV's names for them."""


def decode_raw(data: bytes, response_format: str, rate: int) -> NDArray[np.float32]:
    """The samples of a headerless format sent at ``rate``."""
    options = {"sample_rate": str(rate), "ch_layout": "mono"}
    with av.open(io.BytesIO(data), mode="r", format=RAW_DEMUXERS[response_format], options=options) as container:
        frames = [_first_channel(frame.to_ndarray()) for frame in container.decode(container.streams.audio[0])]
    assert frames, "no audio frames decoded"
    return np.concatenate(frames)


def decode_prefix(data: bytes, response_format: str) -> NDArray[np.float32]:
    """The samples a player has from the first bytes of a stream: every whole frame in them.

    Reads cut a stream anywhere, so the last frame of a prefix may be partial: a player waits for the rest of it,
    and so does this. A broken frame before that one still raises.
    """
    if response_format == "pcm":
        return decode(data[: len(data) // 2 * 2], "pcm")[0]
    frames: list[NDArray[np.float32]] = []
    with av.open(io.BytesIO(data), mode="r") as container:
        stream = container.streams.audio[0]
        packets: list[av.Packet] = []
        with contextlib.suppress(av.EOFError, av.InvalidDataError):  # the demuxer met the cut
            packets.extend(container.demux(stream))
        last = max((i for i, packet in enumerate(packets) if packet.size), default=-1)
        for i, packet in enumerate(packets):
            try:
                frames += [_first_channel(frame.to_ndarray()) for frame in packet.decode()]
            except (av.EOFError, av.InvalidDataError):
                if i < last:
                    raise
    return np.concatenate(frames) if frames else np.zeros(0, dtype=np.float32)


def _first_channel(array: NDArray[np.generic]) -> NDArray[np.float32]:
    """Mono samples as float, whatever the decoder's layout (planar or packed, int or float)."""
    mono = array[0] if array.ndim > 1 else array
    if mono.dtype.kind == "i":
        return (mono.astype(np.float32) / float(np.iinfo(mono.dtype).max + 1)).astype(np.float32)
    return mono.astype(np.float32)


def duration(data: bytes, response_format: str) -> float:
    samples, rate = decode(data, response_format)
    return len(samples) / rate


def level_dbfs(samples: NDArray[np.float32]) -> float:
    rms = float(np.sqrt(np.mean(np.square(samples)))) if samples.size else 0.0
    return 20 * float(np.log10(max(rms, 1e-9)))


SILENCE_DBFS = -50.0
"""Below this peak level a stretch of audio is silence: the model's quietest speech sounds stay above it."""
SILENCE_WINDOW_SECONDS = 0.001


def silences(samples: NDArray[np.float32], rate: int, shortest: float = 0.05) -> list[tuple[float, float]]:
    """(start, end) in seconds of every silent stretch at least ``shortest`` long, judged by the peak of
    each millisecond, so that a measured pause is right to the millisecond."""
    window = max(1, int(SILENCE_WINDOW_SECONDS * rate))
    usable = len(samples) // window * window
    peaks = np.abs(samples[:usable]).reshape(-1, window).max(axis=1)
    quiet = peaks < 10 ** (SILENCE_DBFS / 20)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], quiet.astype(np.int8), [0]])))
    runs = [(int(a) * window / rate, int(b) * window / rate) for a, b in zip(edges[::2], edges[1::2], strict=True)]
    return [(a, b) for a, b in runs if b - a >= shortest]


PITCH_FRAME_SECONDS = 0.04
PITCH_RANGE_HZ = (60.0, 400.0)
"""Where speaking voices' fundamentals lie: men's near 100 Hz, women's near 200."""
VOICED_CORRELATION = 0.5
"""A frame is voiced where its signal repeats this strongly at its period."""


def median_pitch(samples: NDArray[np.float32], rate: int) -> float:
    """The median fundamental frequency, in Hz, of the voiced frames (by autocorrelation); 0 where none is."""
    frame = int(PITCH_FRAME_SECONDS * rate)
    shortest, longest = int(rate / PITCH_RANGE_HZ[1]), int(rate / PITCH_RANGE_HZ[0])
    loudest = float(np.abs(samples).max()) if samples.size else 0.0
    found: list[float] = []
    for start in range(0, len(samples) - frame, frame):
        piece = samples[start : start + frame].astype(np.float64)
        if np.abs(piece).max() < loudest / 4:
            continue
        piece = piece - piece.mean()
        correlation = np.correlate(piece, piece, "full")[frame - 1 :]
        if correlation[0] <= 0:
            continue
        correlation = correlation / correlation[0]
        lag = shortest + int(np.argmax(correlation[shortest:longest]))
        if correlation[lag] >= VOICED_CORRELATION:
            found.append(rate / lag)
    return float(np.median(found)) if found else 0.0
