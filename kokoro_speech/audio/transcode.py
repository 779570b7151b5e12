"""A whole file encoded again in another format (a download asked for in a format other than its stream's)."""

from __future__ import annotations

import io

import av
import numpy as np
from numpy.typing import NDArray

from kokoro_speech.audio.encoders import new_encoder
from kokoro_speech.audio.formats import FORMATS, AudioFormat, EncoderSettings

_RAW_DEMUXERS: dict[AudioFormat, str] = {"pcm": "s16le", "ulaw": "mulaw", "alaw": "alaw"}
"""Headerless formats, read with the rate they were sent at."""


def transcode(data: bytes, source: AudioFormat, target: AudioFormat, rate: int, settings: EncoderSettings) -> bytes:
    """``data``, a whole file in ``source`` sent at ``rate``, as a file in ``target`` at the same rate (or the
    next one its codec runs at)."""
    samples, decoded_rate = _decode(data, source, rate)
    encoder = new_encoder(target, settings, decoded_rate, output_rate=_rate_for(target, decoded_rate))
    return encoder.encode(samples) + encoder.finish()


def _rate_for(target: AudioFormat, rate: int) -> int:
    rates = FORMATS[target].rates
    return rate if rates is None else next((r for r in rates if r >= rate), rates[-1])


def _decode(data: bytes, source: AudioFormat, rate: int) -> tuple[NDArray[np.float32], int]:
    raw = _RAW_DEMUXERS.get(source)
    options = {"sample_rate": str(rate), "ch_layout": "mono"} if raw else {}
    with av.open(io.BytesIO(data), mode="r", format=raw, options=options) as container:
        stream = container.streams.audio[0]
        # Planar float mono, whatever the decoder gives: what the encoders take.
        resampler = av.AudioResampler(format="fltp", layout="mono", rate=stream.codec_context.sample_rate)
        pieces = [
            frame.to_ndarray()[0] for decoded in container.decode(stream) for frame in resampler.resample(decoded)
        ]
        pieces += [frame.to_ndarray()[0] for frame in resampler.resample(None)]
        decoded_rate = stream.codec_context.sample_rate
    samples = np.concatenate(pieces).astype(np.float32) if pieces else np.zeros(0, dtype=np.float32)
    return samples, decoded_rate
