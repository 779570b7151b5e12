"""Incremental audio encoders for every response format.

Each encoder takes float32 PCM chunks as they are synthesized and returns the bytes that
are ready to send. Containers are written to a sink that cannot seek, so every format
comes out in its streaming form: mp3 frames, Ogg pages, ADTS frames, FLAC frames, a
WAV header with open-ended sizes, and raw samples for pcm, ulaw and alaw. The concatenation
of everything returned, ``finish`` included, is a complete file.

A gain and a change of sample rate, when asked for, happen before the format's encoder, on
the float samples, so every format gets them the same way.
"""

from __future__ import annotations

import contextlib
import math
from typing import Protocol

import av
import numpy as np
from av.audio.stream import AudioStream
from numpy.typing import NDArray

from kokoro_speech.audio import formats
from kokoro_speech.audio.formats import FORMATS, AudioFormat, EncoderSettings, FormatInfo
from kokoro_speech.audio.resample import StreamResampler


class Encoder(Protocol):
    def encode(self, pcm: NDArray[np.float32]) -> bytes: ...
    def finish(self) -> bytes:
        """The last bytes; the encoder is done afterwards."""
        ...

    def close(self) -> None:
        """Release the encoder without finishing the file (the client went away)."""
        ...


def to_int16(pcm: NDArray[np.float32]) -> NDArray[np.int16]:
    return (np.clip(pcm, -1.0, 1.0) * 32767.0).astype("<i2")


class PcmEncoder:
    """Raw signed 16-bit little-endian mono samples, no header."""

    def encode(self, pcm: NDArray[np.float32]) -> bytes:
        return to_int16(pcm).tobytes()

    def finish(self) -> bytes:
        return b""

    def close(self) -> None:
        pass


class _Sink:
    """A write-only file for PyAV; having no seek makes muxers write streaming headers."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes | memoryview) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


class ContainerEncoder:
    """Any PyAV container/codec pair, fed frame by frame."""

    def __init__(self, fmt: FormatInfo, settings: EncoderSettings, sample_rate: int, bitrate: int | None) -> None:
        assert fmt.container is not None and fmt.codec is not None
        self._sink = _Sink()
        # bitexact keeps encoder version strings out of the headers: same input, same bytes.
        options = {"fflags": "+bitexact"}
        if fmt.container == "ogg":
            options["page_duration"] = str(settings.ogg_page_ms * 1000)
        if fmt.container == "mp3":
            # No ID3 tag: clients that join several responses into one stream (LibreChat does for long texts)
            # would put a tag between frames, which decoders refuse. Frames alone concatenate cleanly.
            options["id3v2_version"] = "0"
        self._container = av.open(self._sink, mode="w", format=fmt.container, options=options)
        stream = self._container.add_stream(fmt.codec, rate=sample_rate, layout="mono")
        assert isinstance(stream, AudioStream)
        if bitrate:
            stream.bit_rate = bitrate
        self._stream = stream
        self._rate = sample_rate
        self._pts = 0

    def encode(self, pcm: NDArray[np.float32]) -> bytes:
        if pcm.size == 0:
            return self._sink.take()
        samples = np.clip(pcm, -1.0, 1.0).astype(np.float32).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(samples, format="flt", layout="mono")
        frame.sample_rate = self._rate
        frame.pts = self._pts
        self._pts += samples.shape[1]
        for packet in self._stream.encode(frame):
            self._container.mux(packet)
        return self._sink.take()

    def finish(self) -> bytes:
        for packet in self._stream.encode(None):
            self._container.mux(packet)
        self._container.close()
        return self._sink.take()

    def close(self) -> None:
        with contextlib.suppress(av.FFmpegError, ValueError):
            self._container.close()


class ShapedEncoder:
    """Scales and resamples the samples before a format's encoder sees them."""

    def __init__(self, inner: Encoder, gain: float, resampler: StreamResampler | None) -> None:
        self._inner = inner
        self._gain = gain
        self._resampler = resampler

    def encode(self, pcm: NDArray[np.float32]) -> bytes:
        # Scaled before resampling: the format's encoder clips what then goes past full scale.
        if self._gain != 1.0:
            pcm = (pcm * np.float32(self._gain)).astype(np.float32, copy=False)
        if self._resampler is not None:
            pcm = self._resampler.push(pcm)
        return self._inner.encode(pcm)

    def finish(self) -> bytes:
        tail = self._inner.encode(self._resampler.flush()) if self._resampler is not None else b""
        return tail + self._inner.finish()

    def close(self) -> None:
        self._inner.close()


def new_encoder(
    response_format: AudioFormat,
    settings: EncoderSettings,
    sample_rate: int,
    *,
    output_rate: int | None = None,
    gain: float = 1.0,
) -> Encoder:
    """An encoder of audio made at ``sample_rate`` into ``response_format``.

    ``output_rate`` is the rate the client asked for (None: the format's default), sent as
    :func:`formats.output_rate` says; ``gain`` multiplies every sample, clipping at full scale.
    """
    if not (math.isfinite(gain) and gain >= 0):
        raise ValueError(f"gain must be a finite number of at least 0, got {gain}")
    rate = formats.output_rate(response_format, output_rate, sample_rate)
    encoder = _format_encoder(response_format, settings, rate)
    if gain == 1.0 and rate == sample_rate:
        return encoder  # nothing to do on the way: the bytes are those of the model's own samples
    resampler = StreamResampler(sample_rate, rate) if rate != sample_rate else None
    return ShapedEncoder(encoder, gain, resampler)


def _format_encoder(response_format: AudioFormat, settings: EncoderSettings, sample_rate: int) -> Encoder:
    fmt = FORMATS[response_format]
    if fmt.container is None:
        return PcmEncoder()
    bitrate = {"mp3": settings.mp3_bitrate, "aac": settings.aac_bitrate, "opus": settings.opus_bitrate}
    return ContainerEncoder(fmt, settings, sample_rate, bitrate.get(response_format))
