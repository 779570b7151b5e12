"""The speech engine of one worker: model, voices, text pipeline and lanes together."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import onnxruntime as ort
import structlog
from numpy.typing import NDArray

from kokoro_speech.audio.tempo import stretch
from kokoro_speech.config import SpeechConfig, normalization_options
from kokoro_speech.engine import chunks, reading
from kokoro_speech.engine.assets import ModelFiles
from kokoro_speech.engine.duration_output import with_duration_output
from kokoro_speech.engine.joins import SAMPLE_RATE, join_trimmed, speech_bounds
from kokoro_speech.engine.languages import Language
from kokoro_speech.engine.phonemes import Phonemizer
from kokoro_speech.engine.reading import InputType
from kokoro_speech.engine.scheduler import Interrupt, JobInterrupted, LaneScheduler, Priority
from kokoro_speech.engine.session import InferenceAborted, KokoroModel
from kokoro_speech.engine.timing import WordSpan, WordTime, chunk_spans, word_times
from kokoro_speech.engine.voices import ResolvedVoice, VoiceCatalog
from kokoro_speech.normalize import NormalizationOptions

WARMUP_TEXT = "Warming up."
log = structlog.get_logger("kokoro_speech")


class NothingToSayError(ValueError):
    """The input has no speakable content (only punctuation, symbols or spaces)."""


@dataclass(frozen=True)
class SpeechInput:
    """What to say and how to read it."""

    text: str
    language: Language
    normalization: NormalizationOptions
    input_type: InputType = "text"


@dataclass(frozen=True)
class SpeechPlan:
    """Everything needed to synthesize one request, checked before any audio is made."""

    voice: ResolvedVoice
    speed: float
    chunks: list[chunks.Chunk]
    input_tokens: int
    words: list[str]
    """The input's words as written; word timings refer to them by index."""
    spans: list[list[WordSpan]]
    """Per chunk, which of its phonemes say which word."""


@dataclass(frozen=True)
class ChunkAudio:
    pcm: NDArray[np.float32]
    words: list[WordTime]
    """Timings of the words this chunk says, in seconds from the chunk's start."""


def load_model(config: SpeechConfig, files: ModelFiles) -> KokoroModel:
    """The model, with word timings on from a copy that outputs durations where one can be made
    and loaded; any failure there falls back to the model as shipped, without timings."""
    if config.word_timestamps:
        try:
            return KokoroModel(with_duration_output(files.model, config.cache_dir, config.duration_tensor), config)
        except Exception as error:
            log.warning("word timestamps unavailable", model=files.model.name, error=repr(error))
    return KokoroModel(files.model, config)


class SpeechEngine:
    """Loaded once per worker process; every method is safe to call concurrently."""

    def __init__(self, config: SpeechConfig, files: ModelFiles) -> None:
        self.config = config
        self.files = files
        self.model = load_model(config, files)
        self.voices = VoiceCatalog.load(files.voices, config.voice_blend_cache_size)
        self.phonemizer = Phonemizer()
        self.lanes = LaneScheduler(config.resolved_lanes(), config.queue_size, preempt=config.preempt_later_chunks)
        # Encoding is a short, CPU-bound step: it gets its own threads so it never waits behind model
        # runs nor blocks the event loop. Reading text has its own, so a slow one (the first
        # Japanese request loads a dictionary) never holds up the encoding of running streams.
        self.pipeline_executor = ThreadPoolExecutor(max_workers=self.lanes.lanes, thread_name_prefix="kokoro-pipeline")
        self.text_executor = ThreadPoolExecutor(max_workers=config.text_threads, thread_name_prefix="kokoro-text")

    @property
    def sample_rate(self) -> int:
        return SAMPLE_RATE

    def close(self) -> None:
        self.lanes.shutdown()
        self.pipeline_executor.shutdown(wait=False, cancel_futures=True)
        self.text_executor.shutdown(wait=False, cancel_futures=True)

    def warm_up(self) -> float:
        """One synthesis so the first real request does not pay for lazy initialization."""
        started = time.perf_counter()
        voice = self.voices.resolve(self.voices.infos()[0].id)
        plan = self.plan(SpeechInput(WARMUP_TEXT, voice.language, NormalizationOptions()), voice, 1.0)
        for index in range(len(plan.chunks)):
            self.synthesize_chunk(plan, index)
        return time.perf_counter() - started

    def speech_input(self, text: str, voice: ResolvedVoice) -> SpeechInput:
        """Text in the voice's language with the server's normalization settings."""
        return SpeechInput(text, voice.language, normalization_options(self.config))

    def speak(self, plan: SpeechPlan) -> list[ChunkAudio]:
        """All chunks of a plan, synchronously (command line and benchmarks)."""
        return [self.synthesize_chunk(plan, index) for index in range(len(plan.chunks))]

    # --- text ------------------------------------------------------------------------
    def read(self, speech: SpeechInput) -> reading.Reading:
        return reading.read(speech.text, speech.language, self.phonemizer, speech.normalization, speech.input_type)

    def plan(self, speech: SpeechInput, voice: ResolvedVoice, speed: float) -> SpeechPlan:
        read = self.read(speech)
        planned = chunks.plan(read.planner_sentences(), self.config.first_chunk_tokens, self.config.chunk_tokens)
        spans = chunk_spans([c.phonemes for c in planned], read.phoneme_words())
        kept = [(c, s) for c, s in zip(planned, spans, strict=True) if self.phonemizer.is_speakable(c.phonemes)]
        if not kept:
            raise NothingToSayError("input has nothing to speak: it holds only punctuation, symbols or spaces")
        return SpeechPlan(
            voice,
            speed,
            [c for c, _ in kept],
            sum(len(c.phonemes) for c, _ in kept),
            read.words,
            [s for _, s in kept],
        )

    async def read_async(self, speech: SpeechInput) -> reading.Reading:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.text_executor, self.read, speech)

    async def plan_async(self, speech: SpeechInput, voice: ResolvedVoice, speed: float) -> SpeechPlan:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.text_executor, self.plan, speech, voice, speed)

    # --- audio -----------------------------------------------------------------------
    def synthesize_chunk(self, plan: SpeechPlan, index: int, run_options: ort.RunOptions | None = None) -> ChunkAudio:
        chunk = plan.chunks[index]
        tokens = self.phonemizer.tokenize(chunk.phonemes)
        model_speed = self.model_speed(plan.speed)
        out = self.model.run(tokens, plan.voice.style_for(len(tokens)), model_speed, run_options)
        start, end = speech_bounds(out.audio)
        speech = out.audio[start:end]
        words: list[WordTime] = []
        if out.durations is not None:
            words = word_times(plan.spans[index], out.durations, start, end - start, SAMPLE_RATE)
        tempo = plan.speed / model_speed
        if tempo != 1.0:
            speech = stretch(speech, tempo, SAMPLE_RATE)
            words = [WordTime(w.owner, w.start / tempo, w.end / tempo) for w in words]
        last = index == len(plan.chunks) - 1
        pause = 0.0 if last else self._pause_after(chunk)
        return ChunkAudio(join_trimmed(speech, pause / plan.speed), words)

    def model_speed(self, speed: float) -> float:
        """The speed asked of the model: the request's, within the range where the model sounds right;
        the rest is made by time-stretching."""
        return min(max(speed, self.config.model_speed_min), self.config.model_speed_max)

    def _pause_after(self, chunk: chunks.Chunk) -> float:
        if chunk.ends == "sentence":
            return self.config.sentence_pause_seconds
        if chunk.ends == "clause":
            return self.config.clause_pause_seconds
        return 0.0

    async def synthesize(self, plan: SpeechPlan, index: int) -> ChunkAudio:
        """Chunk ``index`` of ``plan`` on a lane; cancelling stops the model run."""

        def job(interrupt: Interrupt) -> ChunkAudio:
            run_options = ort.RunOptions()
            interrupt.on_stop(lambda: setattr(run_options, "terminate", True))
            try:
                return self.synthesize_chunk(plan, index, run_options=run_options)
            except InferenceAborted as error:
                raise JobInterrupted(str(error)) from error

        priority = Priority.FIRST_CHUNK if index == 0 else Priority.LATER_CHUNK
        return await self.lanes.run(job, priority, cost=len(plan.chunks[index].phonemes))


class SynthesisStream:
    """The audio of one plan, chunk by chunk, synthesized at most one chunk ahead.

    ``start`` makes the first chunk and raises what the engine refuses (overload) before
    any response exists. Iterating yields each chunk's audio with its word timings, shifted
    to count from the start of the whole stream; taking chunk i starts chunk i + 1, so a
    client that stops reading stops the work. ``aclose`` cancels what runs.
    """

    def __init__(self, engine: SpeechEngine, plan: SpeechPlan) -> None:
        self.engine = engine
        self.plan = plan
        self.wait_seconds = 0.0
        """Time the consumer spent waiting for chunks: synthesis it could not overlap."""
        self._next = 0
        self._pending: asyncio.Task[ChunkAudio] | None = None
        self._samples = 0

    def _launch(self) -> None:
        if self._next < len(self.plan.chunks):
            self._pending = asyncio.ensure_future(self.engine.synthesize(self.plan, self._next))
            self._next += 1
        else:
            self._pending = None

    async def start(self) -> None:
        self._launch()
        assert self._pending is not None
        await asyncio.wait([self._pending])
        self._pending.result()  # raises what the first chunk raised; the audio stays in the task

    def __aiter__(self) -> SynthesisStream:
        return self

    async def __anext__(self) -> ChunkAudio:
        if self._pending is None:
            if self._next == 0:
                self._launch()
            if self._pending is None:
                raise StopAsyncIteration
        started = time.perf_counter()
        audio = await self._pending
        self.wait_seconds += time.perf_counter() - started
        self._launch()
        offset = self._samples / SAMPLE_RATE
        self._samples += len(audio.pcm)
        words = [WordTime(w.owner, w.start + offset, w.end + offset) for w in audio.words]
        return ChunkAudio(audio.pcm, words)

    async def aclose(self) -> None:
        pending, self._pending = self._pending, None
        self._next = len(self.plan.chunks)
        if pending is not None:
            if not pending.done():
                pending.cancel()
            elif not pending.cancelled():
                pending.exception()  # retrieved: an abandoned chunk's failure is not news to anyone
