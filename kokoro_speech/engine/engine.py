"""The speech engine of one worker: model, voices, text pipeline and lanes together."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np
import structlog
from numpy.typing import NDArray

from kokoro_speech.audio.tempo import stretch
from kokoro_speech.engine import chunks, languages, reading, speeds, tuning
from kokoro_speech.engine.assets import ModelFiles
from kokoro_speech.engine.backends import loading
from kokoro_speech.engine.backends.base import Backend, InferenceAborted, RunControl
from kokoro_speech.engine.backends.reloading import reloadable
from kokoro_speech.engine.chunks import Chunk
from kokoro_speech.engine.config import EngineConfig, SynthesisConfig
from kokoro_speech.engine.job import SpeechJob
from kokoro_speech.engine.joins import SAMPLE_RATE, join_trimmed, speech_bounds
from kokoro_speech.engine.languages import Language
from kokoro_speech.engine.phonemes import Phonemizer
from kokoro_speech.engine.schedule import Schedule, needs_measuring
from kokoro_speech.engine.scheduler import Interrupt, JobInterrupted, LaneScheduler, Priority
from kokoro_speech.engine.text_work import TextWork
from kokoro_speech.engine.timing import WordSpan, WordTime, chunk_spans, word_times
from kokoro_speech.engine.voices import ResolvedVoice, VoiceCatalog
from kokoro_speech.normalize.lexicon import Lexicons, load_lexicons, parse_lexicon

WARMUP_TEXT = "Warming up."
log = structlog.get_logger("kokoro_speech")


class NothingToSayError(ValueError):
    """The input has no speakable content (only punctuation, symbols or spaces)."""


@dataclass(frozen=True)
class Speaker:
    """Who says a job and in which language."""

    voice: ResolvedVoice
    language: Language


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
    lead_in: float = 0.0
    """Seconds of silence asked for before the first word."""
    voices: dict[str, ResolvedVoice] = field(default_factory=dict)
    """The other speakers its markup names, by the name a chunk gives."""

    def voice_of(self, chunk: Chunk) -> ResolvedVoice:
        return self.voice if chunk.voice is None else self.voices[chunk.voice]


@dataclass(frozen=True)
class ChunkAudio:
    pcm: NDArray[np.float32]
    words: list[WordTime]
    """Timings of the words this chunk says, in seconds of the model's audio from the chunk's start."""
    tempo: float
    """How many times as fast as the model made it the chunk is played (1.0: not stretched)."""


@dataclass(frozen=True)
class LoadedBackend:
    backend: Backend
    report: loading.LoadReport
    measured: tuning.Tuning | None
    """This machine's measurement, where anything was left to it."""
    choice: str | None
    """Why "auto" chose this backend, where it had more than one to choose from."""
    schedule: Schedule
    """How the backend is run: its measured choices and the settings given."""


def load_backend(config: EngineConfig, files: ModelFiles, voices: VoiceCatalog) -> LoadedBackend:
    """What runs the model: the candidates in the configured order, or, where "auto" leaves a choice,
    in the order this machine's measurement ranked them; the first that loads and runs wins, each run
    as the measurement of it says (lanes, threads, chunks) where the settings leave that open."""
    candidates = loading.candidates(config, files)
    choosing = loading.is_choice(config) and len(candidates) > 1
    measured = None
    order = candidates
    if choosing or needs_measuring(config):
        measured = tuning.load_or_tune(config, files, candidates)
        if choosing:
            order = measured.order + [c for c in candidates if c not in measured.order]
    style = voices.resolve(voices.infos()[0].id).style_for(len(CHECK_TOKENS))

    def schedule(candidate: loading.Candidate) -> Schedule:
        return tuning.schedule_for(measured.trial(candidate) if measured is not None else None, config)

    def opener(candidate: loading.Candidate) -> Backend:
        return loading.open_backend(candidate, config, files, spinning=schedule(candidate).spinning)

    def check(backend: Backend) -> None:
        backend.run(CHECK_TOKENS, style, 1.0)

    backend, report = loading.load_first(order, check, opener)
    chosen = schedule(loading.Candidate(backend.info.provider, backend.info.variant))
    reason = measured.reason if choosing and measured is not None else None
    return LoadedBackend(backend, report, measured, reason, chosen)


CHECK_TOKENS = [50, 157, 43, 135, 16, 53, 135, 46, 16, 43, 102, 16, 56, 156, 57, 135]
"""A few phoneme tokens: the run each candidate must pass before it is used."""


class SpeechEngine:
    """Loaded once per worker process; every method is safe to call concurrently."""

    def __init__(self, config: EngineConfig, files: ModelFiles) -> None:
        self.config = config
        self.files = files
        self.voices = VoiceCatalog.load(files.voices)
        self.phonemizer = Phonemizer()
        # Read before the model loads, so that a lexicon that cannot be read fails the start at once.
        self.lexicons: Lexicons = load_lexicons(
            config.text.lexicon_paths(), self.phonemizer.vocabulary, reading.LANGUAGE_NAMES
        )
        """The server's pronunciation lexicons, said in every request."""
        loaded = load_backend(config, files, self.voices)
        self.load_report, self.tuning = loaded.report, loaded.measured
        self.choice, self.schedule = loaded.choice, loaded.schedule
        self.model = reloadable(loaded.backend, config, files, spinning=self.schedule.spinning)
        """What runs the model, able to let it go while idle and load it again (``/dev/unload``)."""
        self.backend: Backend = self.model
        scheduling = config.scheduling
        self.lanes = LaneScheduler(self.schedule.lanes, scheduling.queue_size, preempt=self.schedule.preempt)
        # Encoding is a short, CPU-bound step: it gets its own threads so it never waits behind model
        # runs nor blocks the event loop. Reading text has its own, so a slow one (the first
        # Japanese request loads a dictionary) never holds up the encoding of running streams.
        self.pipeline_executor = ThreadPoolExecutor(max_workers=self.lanes.lanes, thread_name_prefix="kokoro-pipeline")
        self.awaiting_first_audio = 0
        """Requests between their plan and their first chunk: phonemize requests wait while there are any."""
        self.plan_work = TextWork("plan", scheduling.text_threads, scheduling.text_queue_size)
        self.phonemize_work = TextWork(
            "phonemize",
            scheduling.text_threads,
            scheduling.text_queue_size,
            defer=lambda: self.awaiting_first_audio > 0,
        )

    @property
    def sample_rate(self) -> int:
        return SAMPLE_RATE

    def close(self) -> None:
        self.lanes.shutdown()
        self.backend.close()
        self.pipeline_executor.shutdown(wait=False, cancel_futures=True)
        self.plan_work.close()
        self.phonemize_work.close()

    def warm_up(self) -> float:
        """One synthesis so the first real request does not pay for lazy initialization."""
        started = time.perf_counter()
        self.speak(SpeechJob(WARMUP_TEXT, self.voices.infos()[0].id))
        return time.perf_counter() - started

    def speak(self, job: SpeechJob) -> tuple[SpeechPlan, list[ChunkAudio]]:
        """A whole job, synchronously (command line, warm-up and benchmarks)."""
        plan = self.plan(job, self.speaker(job))
        return plan, [self.synthesize_chunk(plan, index) for index in range(len(plan.chunks))]

    # --- text ------------------------------------------------------------------------
    def speaker(self, job: SpeechJob) -> Speaker:
        """The job's voice (blends mixed) and language; raises UnknownVoiceError or UnknownLanguageError."""
        voice = self.voices.resolve(job.voice)
        return Speaker(voice, voice.language if job.lang is None else languages.find(job.lang))

    def read(self, job: SpeechJob, language: Language) -> reading.Reading:
        """Raises MarkupError for markup, or a request's lexicon, that cannot be read."""
        limits = reading.markup_limits(self.config.text)
        lexicons = self.lexicons
        if job.lexicon:
            lexicons = lexicons.then(parse_lexicon(job.lexicon, self.phonemizer.vocabulary, reading.LANGUAGE_NAMES))
        return reading.read(
            job.text,
            language,
            self.phonemizer,
            job.normalization,
            job.input_type,
            limits,
            voice_tags=job.voice_tags,
            voice_language=lambda name: self._voice_language(name, job, language),
            lexicons=lexicons,
        )

    def _voice_language(self, name: str, job: SpeechJob, language: Language) -> Language:
        """The language a speaker the markup names speaks in: its own, unless the request names one, which holds
        for every speaker (as Kokoro-FastAPI's ``lang_code`` does); raises UnknownVoiceError."""
        voice = self.voices.resolve(name)
        return voice.language if job.lang is None else language

    def plan(self, job: SpeechJob, speaker: Speaker) -> SpeechPlan:
        read = self.read(job, speaker.language)
        planned = self._chunks(read, job.speed)
        spans = chunk_spans([c.phonemes for c in planned], read.phoneme_words())
        kept: list[tuple[chunks.Chunk, list[WordSpan]]] = []
        for chunk, chunk_spans_ in zip(planned, spans, strict=True):
            if self.phonemizer.is_speakable(chunk.phonemes):
                kept.append((chunk, chunk_spans_))
            elif kept and chunk.pause is not None:
                # A pause asked for after something unsayable still follows what was said before it.
                before, its_spans = kept[-1]
                joined = min((before.pause or 0.0) + chunk.pause, self.config.text.max_pause_seconds)
                kept[-1] = (replace(before, pause=joined), its_spans)
        if not kept:
            raise NothingToSayError("input has nothing to speak: it holds only punctuation, symbols or spaces")
        named = {c.voice for c, _ in kept if c.voice is not None}
        return SpeechPlan(
            speaker.voice,
            job.speed,
            [c for c, _ in kept],
            sum(len(c.phonemes) for c, _ in kept),
            read.words,
            [s for _, s in kept],
            read.lead_in,
            {name: self.voices.resolve(name) for name in sorted(named)},
        )

    def _chunks(self, read: reading.Reading, speed: float) -> list[chunks.Chunk]:
        """The chunks of a reading: planned passage by passage, a passage ending where a pause is asked
        for or the rate or speaker changes (a chunk is made at one speed by one voice, and an asked pause is exact
        only at a cut)."""
        schedule, synthesis = self.schedule, self.config.synthesis
        passages: list[tuple[list[str], reading.SentenceStyle]] = []
        for index, sentence in enumerate(read.planner_sentences()):
            style = read.style(index)
            last = passages[-1][1] if passages else None
            if last is None or last.pause_after is not None or (last.rate, last.voice) != (style.rate, style.voice):
                passages.append(([sentence], style))
            else:
                passages[-1] = ([*passages[-1][0], sentence], style)
        planned: list[chunks.Chunk] = []
        for sentences, style in passages:
            first = schedule.first_chunk_tokens if not planned else schedule.chunk_tokens
            pace = speeds.pace(schedule.stream_rtf, speeds.clamped(speed * style.rate), synthesis)
            made = chunks.plan(sentences, first, schedule.chunk_tokens, pace)
            made = [replace(chunk, rate=style.rate, voice=style.voice) for chunk in made]
            if made:
                made[-1] = replace(made[-1], pause=style.pause_after)
            planned += made
        return planned

    async def read_async(self, job: SpeechJob, language: Language) -> reading.Reading:
        """The reading of a phonemize request, on threads of their own that wait while a listener waits for its
        first audio (see :mod:`.text_work`); raises Overloaded when too many already wait."""
        return await self.phonemize_work.run(self.read, job, language)

    async def plan_async(self, job: SpeechJob, speaker: Speaker) -> SpeechPlan:
        """The plan of a speech request, on the speech requests' own text threads; raises Overloaded when too
        many already wait for one."""
        return await self.plan_work.run(self.plan, job, speaker)

    # --- audio -----------------------------------------------------------------------
    def synthesize_chunk(self, plan: SpeechPlan, index: int, control: RunControl | None = None) -> ChunkAudio:
        synthesis = self.config.synthesis
        chunk = plan.chunks[index]
        tokens = self.phonemizer.tokenize(chunk.phonemes)
        speed = speeds.clamped(plan.speed * chunk.rate)
        model_speed = speeds.model_speed(speed, synthesis)
        out = self.backend.run(tokens, plan.voice_of(chunk).style_for(len(tokens)), model_speed, control)
        # Next to an asked pause the chunk is cut at its speech itself, so the silence heard is the pause asked.
        lead_in = plan.lead_in if index == 0 else 0.0
        after_pause = index > 0 and plan.chunks[index - 1].pause is not None
        start, end = speech_bounds(out.audio, keep_start=not (after_pause or lead_in), keep_end=chunk.pause is None)
        speech = out.audio[start:end]
        words: list[WordTime] = []
        tempo = speed / model_speed
        if out.durations is not None:
            words = word_times(plan.spans[index], out.durations, start, end - start, SAMPLE_RATE)
            # Timings are in the model's audio, which the tempo then shortens; the lead-in is not stretched.
            words = [WordTime(w.owner, w.start + lead_in * tempo, w.end + lead_in * tempo) for w in words]
        if tempo != 1.0:
            speech = stretch(speech, tempo, SAMPLE_RATE)
        # An asked pause is exact (not scaled by the speed); the usual rest follows the speech's speed.
        usual = 0.0 if index == len(plan.chunks) - 1 else _rest_after(chunk.ends, synthesis) / speed
        pause = usual if chunk.pause is None else chunk.pause
        return ChunkAudio(join_trimmed(speech, pause, lead_in), words, tempo)

    def rest_after(self, plan: SpeechPlan) -> float:
        """Seconds of silence that follow the plan's last chunk where more speech comes after it (a live stream's
        next piece): the rest its last punctuation calls for, none after an asked pause (already in its audio)."""
        last = plan.chunks[-1]
        if last.pause is not None:
            return 0.0
        return _rest_after(last.ends, self.config.synthesis) / speeds.clamped(plan.speed * last.rate)

    async def synthesize(
        self, plan: SpeechPlan, index: int, priority: Priority | None = None, *, admitted: bool = False
    ) -> ChunkAudio:
        """Chunk ``index`` of ``plan`` on a lane; cancelling stops the model run.

        ``priority``: the plan's first chunk goes as a newcomer's, later ones as a stream's, unless given;
        ``admitted``: a newcomer's chunk of a stream admitted already, which is never refused.
        """

        def job(interrupt: Interrupt) -> ChunkAudio:
            control = self.backend.control()
            interrupt.on_stop(control.stop)
            try:
                return self.synthesize_chunk(plan, index, control=control)
            except InferenceAborted as error:
                raise JobInterrupted(str(error)) from error

        if priority is None:
            priority = Priority.FIRST_CHUNK if index == 0 else Priority.LATER_CHUNK
        return await self.lanes.run(job, priority, cost=len(plan.chunks[index].phonemes), admitted=admitted)


def _rest_after(ends: str, synthesis: SynthesisConfig) -> float:
    """Seconds of silence after a chunk that ends on a "sentence", a "clause" or a "word"."""
    return {"sentence": synthesis.sentence_pause_seconds, "clause": synthesis.clause_pause_seconds}.get(ends, 0.0)


class SynthesisStream:
    """The audio of one plan, chunk by chunk, synthesized at most one chunk ahead.

    ``start`` makes the first chunk and raises what the engine refuses (overload) before
    any response exists. Iterating yields each chunk's audio with its word timings; taking
    chunk i starts chunk i + 1, so a client that stops reading stops the work. ``close``
    cancels what runs.
    """

    def __init__(self, engine: SpeechEngine, plan: SpeechPlan) -> None:
        self.engine = engine
        self.plan = plan
        self.wait_seconds = 0.0
        """Time the consumer spent waiting for chunks: synthesis it could not overlap."""
        self._next = 0
        self._pending: asyncio.Task[ChunkAudio] | None = None
        self._in_progress = False
        """Counted in the scheduler's streams (admission bounds them)."""

    def _launch(self) -> None:
        if self._next < len(self.plan.chunks):
            self._pending = asyncio.ensure_future(self.engine.synthesize(self.plan, self._next))
            self._next += 1
        else:
            self._pending = None
            self._end()

    def _end(self) -> None:
        if self._in_progress:
            self._in_progress = False
            self.engine.lanes.stream_ended()

    async def start(self) -> None:
        self._launch()
        assert self._pending is not None
        await asyncio.wait([self._pending])
        self._pending.result()  # raises what the first chunk raised; the audio stays in the task
        if self._next < len(self.plan.chunks):
            self._in_progress = True
            self.engine.lanes.stream_started()

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
        return audio

    def close(self) -> None:
        """Stop: the chunk in flight is cancelled (its model run told to stop) and no other starts."""
        pending, self._pending = self._pending, None
        self._next = len(self.plan.chunks)
        self._end()
        if pending is not None:
            if not pending.done():
                pending.cancel()
            elif not pending.cancelled():
                pending.exception()  # retrieved: an abandoned chunk's failure is not news to anyone
