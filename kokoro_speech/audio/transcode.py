"""A whole file encoded again in another format (a download asked for in a format other than its stream's)."""

from __future__ import annotations

import io

import av
import numpy as np
from numpy.typing import NDArray

from kokoro_speech.audio.encoders import new_encoder
from kokoro_speech.audio.formats import AudioFormat, EncoderSettings, output_rate

_RAW_DEMUXERS: dict[AudioFormat, str] = {"pcm": "s16le", "ulaw": "mulaw", "alaw": "alaw"}
"""Headerless formats, read with the rate they were sent at."""


def transcode(
    data: bytes,
    source: AudioFormat,
    target: AudioFormat,
    rate: int,
    asked_rate: int | None,
    settings: EncoderSettings,
) -> bytes:
    """``data``, a whole file in ``source`` sent at ``rate``, as a file in ``target`` at ``asked_rate`` (None: the
    target's own rate, as a stream in it would be sent: 8 kHz for G.711, else the audio's)."""
    samples, decoded_rate = _decode(data, source, rate)
    encoder = new_encoder(target, settings, decoded_rate, output_rate=output_rate(target, asked_rate, decoded_rate))
    return encoder.encode(samples) + encoder.finish()


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
