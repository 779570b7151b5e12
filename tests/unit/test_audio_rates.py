"""Output sample rates, G.711 formats and gain: encode a tone, decode it with PyAV, measure it."""

from __future__ import annotations

import io
import itertools

import av
import numpy as np
import pytest
from numpy.typing import NDArray

from kokoro_speech.audio.encoders import ContainerEncoder, new_encoder, to_int16
from kokoro_speech.audio.formats import (
    FORMATS,
    MAX_SAMPLE_RATE,
    MIN_SAMPLE_RATE,
    TELEPHONY_RATE,
    AudioFormat,
    EncoderSettings,
    output_rate,
)
from kokoro_speech.audio.resample import StreamResampler

SOURCE_RATE = 24000
TONE_HZ = 440.0
AMPLITUDE = 0.5
SETTINGS = EncoderSettings()
# Uneven chunk edges, an empty chunk among them, as synthesis hands them over.
EDGES = (0, 1000, 1000, 9001, 17777, SOURCE_RATE)

# The demuxers of the headerless formats, which must be told the rate.
RAW_DEMUXERS = {"pcm": "s16le", "ulaw": "mulaw", "alaw": "alaw"}
# Samples a codec may add (priming, padding to a whole last frame), at the decoded rate: about two frames
# of it (mp3 1,152, aac 1,024, opus 960 at 48 kHz). A stream written without seeking back has no header
# that tells the decoder to cut them.
CODEC_SLACK_SAMPLES = {"mp3": 2 * 1152, "aac": 2 * 1024, "opus": 960}
DURATION_TOLERANCE = 0.02

# Every format at least once, every rate at least once, the rates a codec lacks included.
MATRIX: list[tuple[AudioFormat, int]] = [
    ("mp3", 8000),
    ("mp3", 22050),
    ("mp3", 44100),
    ("opus", 16000),
    ("opus", 22050),
    ("opus", 44100),
    ("aac", 8000),
    ("aac", 48000),
    ("flac", 22050),
    ("flac", 48000),
    ("wav", 8000),
    ("wav", 44100),
    ("pcm", 16000),
    ("pcm", 22050),
    ("pcm", 48000),
    ("ulaw", 8000),
    ("ulaw", 16000),
    ("alaw", 8000),
    ("alaw", 22050),
]


def tone(seconds: float = 1.0, amplitude: float = AMPLITUDE) -> NDArray[np.float32]:
    t = np.arange(int(seconds * SOURCE_RATE)) / SOURCE_RATE
    return (amplitude * np.sin(2 * np.pi * TONE_HZ * t)).astype(np.float32)


def chunks(pcm: NDArray[np.float32]) -> list[NDArray[np.float32]]:
    return [pcm[start:end] for start, end in itertools.pairwise(EDGES)]


def encode(fmt: AudioFormat, pcm: NDArray[np.float32], *, rate: int | None = None, gain: float = 1.0) -> bytes:
    encoder = new_encoder(fmt, SETTINGS, SOURCE_RATE, output_rate=rate, gain=gain)
    return b"".join(encoder.encode(chunk) for chunk in chunks(pcm)) + encoder.finish()


def decode(fmt: AudioFormat, data: bytes, rate: int) -> tuple[NDArray[np.float32], int]:
    """The samples (mono float) and the rate a decoder reports."""
    demuxer = RAW_DEMUXERS.get(fmt)
    options = {"sample_rate": str(rate)} if demuxer else {}
    with av.open(io.BytesIO(data), mode="r", format=demuxer, options=options) as container:
        stream = container.streams.audio[0]
        # Mono: the first (only) plane or the packed row; integer samples are scaled to full scale 1.0.
        rows = [frame.to_ndarray()[0] for frame in container.decode(stream)]
        decoded_rate = stream.codec_context.sample_rate
    samples = np.concatenate(rows)
    if np.issubdtype(samples.dtype, np.integer):
        return (samples / -float(np.iinfo(samples.dtype).min)).astype(np.float32), decoded_rate
    return samples.astype(np.float32), decoded_rate


def measure(samples: NDArray[np.float32], rate: int) -> tuple[float, float]:
    """The loudest frequency and the RMS level of the middle of the clip, away from codec edges."""
    middle = samples[len(samples) // 4 : 3 * len(samples) // 4]
    spectrum = np.abs(np.fft.rfft(middle * np.hanning(len(middle))))
    peak_hz = float(np.fft.rfftfreq(len(middle), 1 / rate)[np.argmax(spectrum)])
    return peak_hz, float(np.sqrt(np.mean(middle.astype(np.float64) ** 2)))


@pytest.mark.parametrize(("fmt", "asked"), MATRIX)
def test_each_format_is_sent_at_the_asked_rate_with_its_tone_intact(fmt: AudioFormat, asked: int) -> None:
    rate = output_rate(fmt, asked, SOURCE_RATE)
    samples, decoded_rate = decode(fmt, encode(fmt, tone(), rate=asked), rate)

    expected_rate = 48000 if fmt == "opus" else rate  # an Ogg Opus decoder gives 48 kHz whatever was encoded
    assert decoded_rate == expected_rate
    if fmt not in CODEC_SLACK_SAMPLES:  # a format with no codec frames: not one sample more or less
        assert len(samples) == rate
    slack = CODEC_SLACK_SAMPLES.get(fmt, 0) / decoded_rate
    assert 1.0 - DURATION_TOLERANCE <= len(samples) / decoded_rate <= 1.0 + DURATION_TOLERANCE + slack
    peak_hz, rms = measure(samples, decoded_rate)
    assert abs(peak_hz - TONE_HZ) < 5
    assert rms == pytest.approx(AMPLITUDE / np.sqrt(2), rel=0.1)


@pytest.mark.parametrize(
    ("fmt", "asked", "sent"),
    [
        ("opus", 22050, 24000),
        ("opus", 44100, 48000),
        ("opus", 8000, 8000),
        ("mp3", 10000, 11025),
        ("mp3", 22050, 22050),
        ("aac", 40000, 44100),
        ("flac", 22050, 22050),
        ("wav", 11111, 11111),
        ("pcm", 48000, 48000),
        ("ulaw", 16000, 16000),
        ("mp3", None, SOURCE_RATE),
        ("pcm", None, SOURCE_RATE),
        ("ulaw", None, TELEPHONY_RATE),
        ("alaw", None, TELEPHONY_RATE),
    ],
)
def test_output_rate_says_what_the_client_gets(fmt: AudioFormat, asked: int | None, sent: int) -> None:
    assert output_rate(fmt, asked, SOURCE_RATE) == sent


@pytest.mark.parametrize("asked", [MIN_SAMPLE_RATE - 1, MAX_SAMPLE_RATE + 1, 0])
def test_a_rate_out_of_bounds_is_refused(asked: int) -> None:
    with pytest.raises(ValueError, match="sample rate"):
        output_rate("wav", asked, SOURCE_RATE)


def test_every_format_reaches_every_rate_in_bounds() -> None:
    # The highest asked rate must always find a codec rate at or above it.
    for fmt in FORMATS:
        assert output_rate(fmt, MAX_SAMPLE_RATE, SOURCE_RATE) == MAX_SAMPLE_RATE


def test_the_codec_rate_lists_are_ffmpegs() -> None:
    for info in FORMATS.values():
        if info.rates is not None:
            assert info.codec is not None
            assert set(info.rates) <= set(av.Codec(info.codec, "w").audio_rates or ())
            assert list(info.rates) == sorted(info.rates)


@pytest.mark.parametrize("fmt", ["mp3", "wav", "flac", "opus", "pcm"])
def test_the_models_rate_gives_the_same_bytes_as_no_rate_at_all(fmt: AudioFormat) -> None:
    pcm = tone()
    assert encode(fmt, pcm, rate=SOURCE_RATE, gain=1.0) == encode(fmt, pcm)


@pytest.mark.parametrize(("fmt", "bitrate"), [("mp3", SETTINGS.mp3_bitrate), ("wav", None)])
def test_at_the_models_rate_the_container_encoder_alone_makes_the_bytes(fmt: AudioFormat, bitrate: int | None) -> None:
    pcm = tone()
    plain = ContainerEncoder(FORMATS[fmt], SETTINGS, SOURCE_RATE, bitrate)
    expected = b"".join(plain.encode(chunk) for chunk in chunks(pcm)) + plain.finish()
    assert encode(fmt, pcm) == expected


def test_at_the_models_rate_pcm_holds_the_samples_untouched() -> None:
    pcm = tone()
    assert encode("pcm", pcm) == to_int16(pcm).tobytes()


def test_g711_is_one_byte_a_sample_at_8_khz_by_default() -> None:
    for fmt in ("ulaw", "alaw"):
        data = encode(fmt, tone())
        assert len(data) == TELEPHONY_RATE  # one second, no header
        samples, rate = decode(fmt, data, TELEPHONY_RATE)
        assert rate == TELEPHONY_RATE and len(samples) == TELEPHONY_RATE


def test_ulaw_and_alaw_differ() -> None:
    assert encode("ulaw", tone()) != encode("alaw", tone())


@pytest.mark.parametrize(("fmt", "asked"), [("wav", None), ("mp3", 16000), ("ulaw", None)])
def test_half_gain_halves_the_level(fmt: AudioFormat, asked: int | None) -> None:
    rate = output_rate(fmt, asked, SOURCE_RATE)
    _, full = measure(*decode(fmt, encode(fmt, tone(), rate=asked), rate))
    _, half = measure(*decode(fmt, encode(fmt, tone(), rate=asked, gain=0.5), rate))
    assert 20 * np.log10(half / full) == pytest.approx(-6.02, abs=0.3)


def test_gain_clips_at_full_scale() -> None:
    data = np.frombuffer(encode("pcm", tone(), gain=4.0), dtype="<i2")
    assert data.max() == 32767 and data.min() == -32767
    assert np.mean(np.abs(data) == 32767) > 0.5  # a 0.5 sine times 4 sits at full scale most of the time


@pytest.mark.parametrize("gain", [-0.5, float("nan"), float("inf")])
def test_a_gain_that_is_not_a_level_is_refused(gain: float) -> None:
    with pytest.raises(ValueError, match="gain"):
        new_encoder("wav", SETTINGS, SOURCE_RATE, gain=gain)


@pytest.mark.parametrize("target", [8000, 22050, 44100])
def test_resampling_in_chunks_matches_resampling_at_once(target: int) -> None:
    pcm = tone()
    whole = StreamResampler(SOURCE_RATE, target)
    at_once = np.concatenate([whole.push(pcm), whole.flush()])
    chunked = StreamResampler(SOURCE_RATE, target)
    parts = [chunked.push(chunk) for chunk in chunks(pcm)]
    in_chunks = np.concatenate([*parts, chunked.flush()])
    assert len(at_once) == len(in_chunks) == target  # one second in, one second out: nothing held back
    np.testing.assert_allclose(in_chunks, at_once, atol=1e-6)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_nothing_in_finishes_as_at_the_models_rate(fmt: AudioFormat) -> None:
    # A response whose text said nothing: the flushed resampler has nothing to add.
    shaped = new_encoder(fmt, SETTINGS, SOURCE_RATE, output_rate=16000, gain=0.5).finish()
    plain = new_encoder(fmt, SETTINGS, SOURCE_RATE, output_rate=16000).finish()
    assert shaped == plain


@pytest.mark.parametrize("target", [8000, 22050, 48000])
def test_resampling_keeps_time(target: int) -> None:
    # Word timings are scaled by the rate alone: a click at half a second must stay there.
    pcm = np.zeros(SOURCE_RATE, dtype=np.float32)
    pcm[SOURCE_RATE // 2] = 1.0
    resampler = StreamResampler(SOURCE_RATE, target)
    out = np.concatenate([resampler.push(pcm[:5000]), resampler.push(pcm[5000:]), resampler.flush()])
    assert int(np.argmax(np.abs(out))) == target // 2
