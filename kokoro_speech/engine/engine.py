"""The speech engine of one worker: model, voices, text pipeline and lanes together."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import onnxruntime as ort
from numpy.typing import NDArray

from kokoro_speech.config import SpeechConfig
from kokoro_speech.engine import chunks, text
from kokoro_speech.engine.assets import ModelFiles
from kokoro_speech.engine.joins import SAMPLE_RATE, join_ready
from kokoro_speech.engine.phonemes import Phonemizer
from kokoro_speech.engine.scheduler import Interrupt, JobInterrupted, LaneScheduler, Priority
from kokoro_speech.engine.session import InferenceAborted, KokoroModel
from kokoro_speech.engine.voices import ResolvedVoice, VoiceCatalog

# The model renders 600 samples (25 ms) per duration frame; usage reports these frames
# as output tokens.
SAMPLES_PER_FRAME = 600
WARMUP_TEXT = "Warming up."


class NothingToSayError(ValueError):
    """The input has no speakable content (only punctuation, symbols or spaces)."""


@dataclass(frozen=True)
class SpeechPlan:
    """Everything needed to synthesize one request, checked before any audio is made."""

    voice: ResolvedVoice
    speed: float
    chunks: list[chunks.Chunk]
    input_tokens: int


class SpeechEngine:
    """Loaded once per worker process; every method is safe to call concurrently."""

    def __init__(self, config: SpeechConfig, files: ModelFiles) -> None:
        self.config = config
        self.files = files
        self.model = KokoroModel(files.model, config)
        self.voices = VoiceCatalog.load(files.voices)
        self.phonemizer = Phonemizer()
        self.lanes = LaneScheduler(config.resolved_lanes(), config.queue_size, preempt=config.preempt_later_chunks)
        # Phonemization and encoding are short, CPU-bound steps; they get their own threads
        # so they never wait behind model runs nor block the event loop.
        self.pipeline_executor = ThreadPoolExecutor(max_workers=self.lanes.lanes, thread_name_prefix="kokoro-pipeline")

    @property
    def sample_rate(self) -> int:
        return SAMPLE_RATE

    def close(self) -> None:
        self.lanes.shutdown()
        self.pipeline_executor.shutdown(wait=False, cancel_futures=True)

    def warm_up(self) -> float:
        """One synthesis so the first real request does not pay for lazy initialization."""
        started = time.perf_counter()
        plan = self.plan(WARMUP_TEXT, self.voices.resolve(self.voices.infos()[0].id), 1.0)
        for chunk in plan.chunks:
            self.synthesize_chunk(plan, chunk, last=True)
        return time.perf_counter() - started

    # --- text ------------------------------------------------------------------------
    def plan(self, input_text: str, voice: ResolvedVoice, speed: float, language: str | None = None) -> SpeechPlan:
        sentences = text.sentences(text.normalize(input_text))
        phonemes = self.phonemizer.phonemize(sentences, language or voice.language)
        planned = chunks.plan(phonemes, self.config.first_chunk_tokens, self.config.chunk_tokens)
        planned = [c for c in planned if self.phonemizer.is_speakable(c.phonemes)]
        if not planned:
            raise NothingToSayError("input has nothing to speak: it holds only punctuation, symbols or spaces")
        return SpeechPlan(voice, speed, planned, sum(len(c.phonemes) for c in planned))

    async def plan_async(self, input_text: str, voice: ResolvedVoice, speed: float) -> SpeechPlan:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pipeline_executor, self.plan, input_text, voice, speed)

    # --- audio -----------------------------------------------------------------------
    def synthesize_chunk(
        self, plan: SpeechPlan, chunk: chunks.Chunk, *, last: bool, run_options: ort.RunOptions | None = None
    ) -> NDArray[np.float32]:
        tokens = self.phonemizer.tokenize(chunk.phonemes)
        raw = self.model.run(tokens, plan.voice.style_for(len(tokens)), plan.speed, run_options)
        pause = 0.0 if last else self._pause_after(chunk)
        return join_ready(raw, pause / plan.speed)

    def _pause_after(self, chunk: chunks.Chunk) -> float:
        if chunk.ends == "sentence":
            return self.config.sentence_pause_seconds
        if chunk.ends == "clause":
            return self.config.clause_pause_seconds
        return 0.0

    async def synthesize(self, plan: SpeechPlan, index: int) -> NDArray[np.float32]:
        """Chunk ``index`` of ``plan`` on a lane; cancelling stops the model run."""
        last = index == len(plan.chunks) - 1

        def job(interrupt: Interrupt) -> NDArray[np.float32]:
            run_options = ort.RunOptions()
            interrupt.on_stop(lambda: setattr(run_options, "terminate", True))
            try:
                return self.synthesize_chunk(plan, plan.chunks[index], last=last, run_options=run_options)
            except InferenceAborted as error:
                raise JobInterrupted(str(error)) from error

        priority = Priority.FIRST_CHUNK if index == 0 else Priority.LATER_CHUNK
        return await self.lanes.run(job, priority, cost=len(plan.chunks[index].phonemes))


class SynthesisStream:
    """The audio of one plan, chunk by chunk, synthesized at most one chunk ahead.

    ``start`` makes the first chunk and raises what the engine refuses (overload) before
    any response exists. Iterating yields float32 PCM chunks; taking chunk i starts chunk
    i + 1, so a client that stops reading stops the work. ``aclose`` cancels what runs.
    """

    def __init__(self, engine: SpeechEngine, plan: SpeechPlan) -> None:
        self.engine = engine
        self.plan = plan
        self.wait_seconds = 0.0
        """Time the consumer spent waiting for chunks: synthesis it could not overlap."""
        self._next = 0
        self._pending: asyncio.Task[NDArray[np.float32]] | None = None

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

    async def __anext__(self) -> NDArray[np.float32]:
        if self._pending is None:
            if self._next == 0:
                self._launch()
            if self._pending is None:
                raise StopAsyncIteration
        started = time.perf_counter()
        audio = await self._pending
        self.wait_seconds += time.perf_counter() - started
        self._launch()
        return audio

    async def aclose(self) -> None:
        pending, self._pending = self._pending, None
        self._next = len(self.plan.chunks)
        if pending is not None:
            if not pending.done():
                pending.cancel()
            elif not pending.cancelled():
                pending.exception()  # retrieved: an abandoned chunk's failure is not news to anyone
