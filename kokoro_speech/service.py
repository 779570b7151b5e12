"""One speech request from checked input to bytes: cache, engine and encoder together.

Everything the request can get wrong is raised by :meth:`SpeechService.open` before it
returns, so the HTTP layer can still answer with a JSON error; what ``open`` returns only
produces bytes.
"""

from __future__ import annotations

import asyncio
import base64
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import msgspec

from kokoro_speech.audio import FORMATS, Encoder, EncoderSettings, new_encoder
from kokoro_speech.cache import CachedSpeech, ResultCache
from kokoro_speech.config import SpeechConfig
from kokoro_speech.engine.engine import SAMPLES_PER_FRAME, SpeechEngine, SynthesisStream

# A cache hit is sent in pieces of this size, so a long hit streams like a miss.
HIT_PIECE_BYTES = 32 * 1024


@dataclass
class SpeechOutcome:
    """What happened to one request, filled in as it runs; read by the request log."""

    voice: str
    response_format: str
    input_chars: int
    cache_hit: bool = False
    input_tokens: int = 0
    audio_samples: int = 0
    completed: bool = False
    timings: dict[str, float] = field(default_factory=dict)

    def audio_seconds(self, sample_rate: int) -> float:
        return self.audio_samples / sample_rate

    @property
    def output_tokens(self) -> int:
        return -(-self.audio_samples // SAMPLES_PER_FRAME)


@dataclass(frozen=True)
class SpeechJob:
    text: str
    voice: str
    speed: float
    response_format: str


class SpeechResponse(ABC):
    """The bytes of one response, produced as the client takes them."""

    def __init__(self, outcome: SpeechOutcome, media_type: str) -> None:
        self.outcome = outcome
        self.media_type = media_type

    @abstractmethod
    def audio(self) -> AsyncIterator[bytes]:
        """The encoded audio, piece by piece."""

    @abstractmethod
    async def aclose(self) -> None:
        """Stop any work still running for this response (the client went away)."""

    async def sse(self) -> AsyncIterator[bytes]:
        """The audio as OpenAI's speech SSE events, JSON-encoded (one per yield)."""
        async for piece in self.audio():
            if piece:
                yield msgspec.json.encode({"type": "speech.audio.delta", "audio": base64.b64encode(piece).decode()})
        usage = {
            "input_tokens": self.outcome.input_tokens,
            "output_tokens": self.outcome.output_tokens,
            "total_tokens": self.outcome.input_tokens + self.outcome.output_tokens,
        }
        yield msgspec.json.encode({"type": "speech.audio.done", "usage": usage})


class CachedResponse(SpeechResponse):
    def __init__(self, outcome: SpeechOutcome, media_type: str, entry: CachedSpeech) -> None:
        super().__init__(outcome, media_type)
        self._entry = entry

    async def audio(self) -> AsyncIterator[bytes]:
        data = self._entry.audio
        for start in range(0, len(data), HIT_PIECE_BYTES):
            yield data[start : start + HIT_PIECE_BYTES]
        self.outcome.completed = True

    async def aclose(self) -> None:
        """A hit runs no work that could be left behind."""


class SynthesizedResponse(SpeechResponse):
    def __init__(
        self,
        outcome: SpeechOutcome,
        media_type: str,
        service: SpeechService,
        stream: SynthesisStream,
        encoder: Encoder,
        cache_key: str | None,
    ) -> None:
        super().__init__(outcome, media_type)
        self._service = service
        self._stream = stream
        self._encoder = encoder
        self._cache_key = cache_key

    async def audio(self) -> AsyncIterator[bytes]:
        service, outcome, encoder = self._service, self.outcome, self._encoder
        loop = asyncio.get_running_loop()
        executor = service.engine.pipeline_executor
        # Kept for the cache only while it could still fit there.
        kept: list[bytes] | None = [] if self._cache_key is not None else None
        kept_bytes = 0
        encode_seconds = 0.0
        try:
            async for pcm in self._stream:
                started = time.perf_counter()
                data = await loop.run_in_executor(executor, encoder.encode, pcm)
                encode_seconds += time.perf_counter() - started
                outcome.audio_samples += len(pcm)
                if kept is not None:
                    kept.append(data)
                    kept_bytes += len(data)
                    if service.cache is None or kept_bytes > service.cache.max_entry_bytes:
                        kept = None
                if data:
                    yield data
            tail = await loop.run_in_executor(executor, encoder.finish)
            if kept is not None:
                kept.append(tail)
            if tail:
                yield tail
            outcome.completed = True
        finally:
            outcome.timings["encode"] = encode_seconds
            outcome.timings["inference_wait"] = self._stream.wait_seconds
            await self.aclose()
        if kept is not None and service.cache is not None and self._cache_key is not None:
            await service.cache.put(
                self._cache_key, CachedSpeech(b"".join(kept), outcome.input_tokens, outcome.audio_samples)
            )

    async def aclose(self) -> None:
        # The encoder is left to the garbage collector: an encode may still be running on a
        # pipeline thread, and closing the container under it would not be safe.
        await self._stream.aclose()


def encoder_settings(config: SpeechConfig, sample_rate: int) -> EncoderSettings:
    return EncoderSettings(
        sample_rate=sample_rate,
        mp3_bitrate=config.mp3_bitrate,
        aac_bitrate=config.aac_bitrate,
        opus_bitrate=config.opus_bitrate,
        ogg_page_ms=config.ogg_page_ms,
    )


class SpeechService:
    def __init__(self, config: SpeechConfig, engine: SpeechEngine, cache: ResultCache | None) -> None:
        self.config = config
        self.engine = engine
        self.cache = cache
        self.encoder_settings = encoder_settings(config, engine.sample_rate)

    async def open(self, job: SpeechJob, outcome: SpeechOutcome) -> SpeechResponse:
        """Check the job, then answer it from the cache or start synthesizing it.

        Raises UnknownVoiceError, NothingToSayError or Overloaded, all before any audio.
        """
        media_type = FORMATS[job.response_format].media_type
        voice = self.engine.voices.resolve(job.voice)
        outcome.voice = voice.spec
        key = None
        if self.cache is not None:
            key = self.cache.key(
                text=job.text,
                voice=voice.spec,
                language=voice.language,
                speed=job.speed,
                response_format=job.response_format,
            )
            started = time.perf_counter()
            entry = await self.cache.get(key)
            outcome.timings["cache_lookup"] = time.perf_counter() - started
            if entry is not None:
                outcome.cache_hit = True
                outcome.input_tokens = entry.input_tokens
                outcome.audio_samples = entry.audio_samples
                return CachedResponse(outcome, media_type, entry)
        # Refuse at once when overloaded, before spending text processing on the request.
        self.engine.lanes.check_admission()
        encoder = new_encoder(job.response_format, self.encoder_settings)
        started = time.perf_counter()
        plan = await self.engine.plan_async(job.text, voice, job.speed)
        outcome.timings["text"] = time.perf_counter() - started
        outcome.input_tokens = plan.input_tokens
        stream = SynthesisStream(self.engine, plan)
        started = time.perf_counter()
        try:
            await stream.start()
        except BaseException:
            await stream.aclose()
            encoder.close()
            raise
        outcome.timings["first_chunk"] = time.perf_counter() - started
        return SynthesizedResponse(outcome, media_type, self, stream, encoder, key)
