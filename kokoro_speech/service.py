"""One speech request from checked input to bytes: cache, engine and encoder together.

Everything the request can get wrong is raised by :meth:`SpeechService.open` before it
returns, so the HTTP layer can still answer with a JSON error; what ``open`` returns only
produces bytes.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import msgspec

from kokoro_speech.audio import FORMATS, Encoder, EncoderSettings, new_encoder
from kokoro_speech.cache import CachedSpeech, ResultCache
from kokoro_speech.config import SpeechConfig
from kokoro_speech.engine import languages
from kokoro_speech.engine.engine import SpeechEngine, SpeechInput, SynthesisStream
from kokoro_speech.engine.reading import InputType
from kokoro_speech.engine.timing import SAMPLES_PER_FRAME, SpokenWord, WordTime, join_cut_words, spoken_words
from kokoro_speech.normalize import NormalizationOptions

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
    lang: str | None = None
    """A language overriding the voice's, by code or letter."""
    input_type: InputType = "text"
    normalization: NormalizationOptions = field(default_factory=NormalizationOptions)


@dataclass(frozen=True)
class AudioPiece:
    data: bytes
    words: list[SpokenWord]
    """Words whose audio is complete with this piece and were not given with an earlier one (on a
    cache hit, all of them come with the first piece)."""


class SpeechResponse(ABC):
    """The bytes of one response, produced as the client takes them."""

    def __init__(self, outcome: SpeechOutcome, media_type: str) -> None:
        self.outcome = outcome
        self.media_type = media_type

    @abstractmethod
    def pieces(self) -> AsyncIterator[AudioPiece]:
        """The encoded audio, piece by piece, with the words it says."""

    @abstractmethod
    async def aclose(self) -> None:
        """Stop any work still running for this response (the client went away)."""

    async def audio(self) -> AsyncIterator[bytes]:
        async for piece in self.pieces():
            if piece.data:
                yield piece.data

    def usage(self) -> dict[str, int]:
        return {
            "input_tokens": self.outcome.input_tokens,
            "output_tokens": self.outcome.output_tokens,
            "total_tokens": self.outcome.input_tokens + self.outcome.output_tokens,
        }

    async def sse(self, with_words: bool = False) -> AsyncIterator[bytes]:
        """The audio as OpenAI's speech SSE events, JSON-encoded (one per yield).

        ``with_words`` (an extension) adds the timings of the words each delta completes.
        """
        waiting: list[SpokenWord] = []
        async for piece in self.pieces():
            waiting.extend(piece.words)
            if not piece.data:
                continue
            event: dict[str, object] = {"type": "speech.audio.delta", "audio": base64.b64encode(piece.data).decode()}
            if with_words:
                event["words"], waiting = waiting, []
            yield msgspec.json.encode(event)
        done: dict[str, object] = {"type": "speech.audio.done", "usage": self.usage()}
        if with_words and waiting:
            done["words"] = waiting
        yield msgspec.json.encode(done)


class CachedResponse(SpeechResponse):
    def __init__(self, outcome: SpeechOutcome, media_type: str, entry: CachedSpeech) -> None:
        super().__init__(outcome, media_type)
        self._entry = entry

    async def pieces(self) -> AsyncIterator[AudioPiece]:
        data = self._entry.audio
        words = self._entry.words
        for start in range(0, len(data), HIT_PIECE_BYTES):
            yield AudioPiece(data[start : start + HIT_PIECE_BYTES], words)
            words = []
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

    async def pieces(self) -> AsyncIterator[AudioPiece]:
        service, outcome, encoder = self._service, self.outcome, self._encoder
        names = self._stream.plan.words
        sent: list[SpokenWord] = []
        held: WordTime | None = None
        loop = asyncio.get_running_loop()
        executor = service.engine.pipeline_executor
        # Kept for the cache only while it could still fit there.
        kept: list[bytes] | None = [] if self._cache_key is not None else None
        kept_bytes = 0
        encode_seconds = 0.0
        try:
            async for chunk in self._stream:
                started = time.perf_counter()
                data = await loop.run_in_executor(executor, encoder.encode, chunk.pcm)
                encode_seconds += time.perf_counter() - started
                outcome.audio_samples += len(chunk.pcm)
                done, held = join_cut_words(held, chunk.words)
                words = spoken_words(done, names)
                sent.extend(words)
                if kept is not None:
                    kept.append(data)
                    kept_bytes += len(data)
                    if service.cache is None or kept_bytes > service.cache.max_entry_bytes:
                        kept = None
                yield AudioPiece(data, words)
            tail = await loop.run_in_executor(executor, encoder.finish)
            if kept is not None:
                kept.append(tail)
            last = spoken_words([held] if held else [], names)
            sent.extend(last)
            yield AudioPiece(tail, last)
            outcome.completed = True
        finally:
            outcome.timings["encode"] = encode_seconds
            outcome.timings["inference_wait"] = self._stream.wait_seconds
            await self.aclose()
        if kept is not None and service.cache is not None and self._cache_key is not None:
            await service.cache.put(
                self._cache_key,
                CachedSpeech(b"".join(kept), outcome.input_tokens, outcome.audio_samples, sent),
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

        Raises UnknownVoiceError, UnknownLanguageError, NothingToSayError or Overloaded, all
        before any audio.
        """
        media_type = FORMATS[job.response_format].media_type
        voice = self.engine.voices.resolve(job.voice)
        language = voice.language if job.lang is None else languages.find(job.lang)
        speech = SpeechInput(job.text, language, job.normalization, job.input_type)
        outcome.voice = voice.spec
        key = None
        if self.cache is not None:
            key = self.cache.key(
                text=job.text,
                voice=voice.spec,
                language=language.code,
                speed=round(job.speed, 4),
                response_format=job.response_format,
                input_type=job.input_type,
                normalization=dataclasses.asdict(job.normalization),
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
        plan = await self.engine.plan_async(speech, voice, job.speed)
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
