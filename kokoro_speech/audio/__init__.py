"""Encoders: float32 PCM chunks in, container bytes out, incrementally."""

from kokoro_speech.audio.encoders import FORMATS, AudioFormat, Encoder, EncoderSettings, new_encoder

__all__ = ["FORMATS", "AudioFormat", "Encoder", "EncoderSettings", "new_encoder"]
