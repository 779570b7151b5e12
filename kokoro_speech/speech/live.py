"""Speech of a text that is still being written: one voice saying each piece as soon as it is complete.

A :class:`LiveSpeech` takes text as it arrives (``write``), cuts it where :mod:`.text_buffer` says, and speaks
each piece with the same reading, planner and lanes as a whole request, one piece after another as one stream:
one encoder (an mp3 stream stays one valid stream), one timeline of words, and between pieces the rest the last
punctuation calls for, so the joins sound as they do inside one request (each chunk already starts and ends
faded). The session is admitted once, when it opens, and counts as one of the lanes' streams while it has text to
speak (as a request does from its first chunk to its last; idle, it waits for text and costs nothing); a piece's
first chunk goes ahead as a newcomer's only while the listener has nothing left to hear, and is never refused. A
full stop that ends the text so far is taken as a sentence's end once the writer has paused for ``settle_seconds``
(see :mod:`.text_buffer`).

``pieces`` yields the audio as it is made. It runs at most one chunk ahead of its reader; text waits (``write``
blocks) while more than ``max_pending_chars`` of it is still unspoken, so a fast writer is slowed, never cut off.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace

import numpy as np
import structlog

from kokoro_speech.audio.formats import EncoderSettings
from kokoro_speech.engine.engine import ChunkAudio, NothingToSayError, Speaker, SpeechEngine, SpeechPlan
from kokoro_speech.engine.job import SpeechJob
from kokoro_speech.engine.scheduler import Overloaded, Priority
from kokoro_speech.engine.timing import SpokenWord, WordTimeline
from kokoro_speech.infra import metrics
from kokoro_speech.speech.config import LiveConfig
from kokoro_speech.speech.encoding import PipelineEncoder
from kokoro_speech.speech.response import SpeechOutcome
from kokoro_speech.speech.tasks import mark_seen
from kokoro_speech.speech.text_buffer import TextBuffer

log = structlog.get_logger("kokoro_speech")


@dataclass(frozen=True)
class LivePiece:
    """Some audio of a live stream, as encoded, with the words it completes."""

    data: bytes
    samples: int
    """Samples it says, at the model's rate (0 for an encoder's last bytes)."""
    start: float
    """Seconds of the stream's audio before it."""
    words: list[SpokenWord]
    """Words whose audio ends in it, timed from the stream's start."""


_END = None


class _Closed:
    """Put for the reader by ``close``: the stream stopped before its end."""


_CLOSED = _Closed()


class LiveSpeech:
    def __init__(
        self,
        engine: SpeechEngine,
        speaker: Speaker,
        job: SpeechJob,
        buffer: TextBuffer,
        encoder_settings: EncoderSettings,
        outcome: SpeechOutcome,
        config: LiveConfig,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``job``: everything but the text (voice, speed, format, rate, normalization), which comes piece by
        piece; the engine has admitted it (see :meth:`SpeechService.open_live`)."""
        self.engine = engine
        self.speaker = speaker
        self.job = job
        self.buffer = buffer
        self.outcome = outcome
        self._config = config
        self._clock = clock
        self._texts: asyncio.Queue[str | None] = asyncio.Queue()
        self._out: asyncio.Queue[LivePiece | BaseException | _Closed | None] = asyncio.Queue(maxsize=1)
        self._settling: asyncio.Task[None] | None = None
        self._counted = False
        """Whether it counts among the lanes' streams now (from a piece's first chunk until no text waits)."""
        self._pending_chars = 0
        self._room = asyncio.Event()
        self._room.set()
        self._ended = False
        self._closed = False
        self._producer: asyncio.Task[None] | None = None
        self._encoder = PipelineEncoder(
            job, encoder_settings, engine.sample_rate, engine.pipeline_executor, asyncio.CancelledError
        )
        self._chunk: asyncio.Task[ChunkAudio] | None = None
        self._samples = 0
        self._opened_at = clock()
        self._first_audio_at: float | None = None
        self._rest = 0.0
        """Silence owed before the next piece: the rest after the last one."""
        self.max_seconds: float | None = None
        """Audio after which the stream stops (and its synthesis with it): the longest one response may have."""

    # --- text in ------------------------------------------------------------------------
    async def write(self, text: str) -> None:
        """Take more text; waits while too much of what came before is still unspoken."""
        self._check_open()
        self._stop_settling()
        # A long message is taken a slice at a time, so the buffer never holds or scans more than one.
        step = self._config.max_pending_chars
        for start in range(0, len(text), step):
            for piece in self.buffer.add(text[start : start + step]):
                await self._queue(piece)
        if self.buffer.undecided:
            self._settling = asyncio.ensure_future(self._settle())

    async def _settle(self) -> None:
        await asyncio.sleep(self._config.settle_seconds)
        self._settling = None
        with contextlib.suppress(RuntimeError):  # it ended meanwhile: what was held went with its end
            for piece in self.buffer.settle():
                await self._queue(piece)

    def _stop_settling(self) -> None:
        settling, self._settling = self._settling, None
        if settling is not None and not settling.done():
            settling.cancel()

    async def flush(self) -> None:
        """Speak what is held now, finished or not."""
        self._check_open()
        self._stop_settling()
        piece = self.buffer.flush()
        if piece is not None:
            await self._queue(piece)

    async def end(self) -> None:
        """No more text: what is held is spoken, and ``pieces`` ends after it."""
        if self._ended:
            return
        await self.flush()
        self._ended = True
        self._start()
        self._texts.put_nowait(_END)

    @property
    def ended(self) -> bool:
        return self._ended

    @property
    def speaking(self) -> bool:
        """Whether text given to it is still to be spoken."""
        return self._pending_chars > 0

    def _check_open(self) -> None:
        if self._ended or self._closed:
            raise RuntimeError("the live stream has ended")

    async def _queue(self, piece: str) -> None:
        while self._pending_chars > 0 and self._pending_chars + len(piece) > self._config.max_pending_chars:
            self._check_open()
            self._room.clear()
            await self._room.wait()
        self._check_open()
        self._pending_chars += len(piece)
        self.outcome.input_chars += len(piece)
        self._start()
        self._texts.put_nowait(piece)

    def _start(self) -> None:
        if self._producer is None and not self._closed:
            self._producer = asyncio.ensure_future(self._produce())

    # --- audio out ----------------------------------------------------------------------
    async def pieces(self) -> AsyncIterator[LivePiece]:
        """The audio as it is made, until the end of the text is spoken; raises what stopped it."""
        while True:
            got = await self._out.get()
            if got is _END:
                self.outcome.completed = True
                return
            if isinstance(got, _Closed):
                return
            if isinstance(got, BaseException):
                raise got
            if got.samples and self._first_audio_at is None:
                self._first_audio_at = self._clock()
            self.outcome.audio_samples += got.samples
            yield got
            if self.max_seconds is not None and self.outcome.audio_seconds >= self.max_seconds:
                self.outcome.cut_short = True
                log.warning("live stream cut at the longest audio one response may have", seconds=self.max_seconds)
                self.close()
                return

    def report(self, route: str, method: str, **fields: object) -> None:
        """Count the stream in the metrics under ``route`` and ``method`` and write its log line (never its text):
        200 where it was spoken to its end, 500 where its synthesis failed, 499 where it was stopped."""
        outcome = self.outcome
        total = self._clock() - self._opened_at
        ttfb = None if self._first_audio_at is None else self._first_audio_at - self._opened_at
        status = 200 if outcome.completed else (500 if outcome.failure else 499)
        metrics.observe(route, method, status, ttfb, total, outcome)
        log.info(
            "live stream",
            route=route,
            method=method,
            status=status,
            ttfb_ms=None if ttfb is None else round(ttfb * 1000, 1),
            total_ms=round(total * 1000, 1),
            **fields,
            **outcome.log_fields(),
        )

    def close(self) -> None:
        """Stop: the chunk in flight is cancelled and nothing more is made."""
        if self._closed:
            return
        self._closed = True
        self._count(False)
        self._stop_settling()
        for task in (self._producer, self._chunk):
            if task is not None and not task.done():
                task.cancel()
        self._room.set()
        # A reader waiting for the next piece is told the stream stopped.
        while not self._out.empty():
            self._out.get_nowait()
        self._out.put_nowait(_CLOSED)
        self._encoder.close()

    def _count(self, speaking: bool) -> None:
        if speaking != self._counted:
            self._counted = speaking
            if speaking:
                self.engine.lanes.stream_started()
            else:
                self.engine.lanes.stream_ended()

    async def _produce(self) -> None:
        try:
            while (text := await self._texts.get()) is not _END:
                await self._speak(text)
                self._pending_chars -= len(text)
                self._room.set()
                if self._pending_chars == 0:
                    self._count(False)
            tail = await self._encoder.finish()
            await self._out.put(LivePiece(tail, 0, self._samples / self.engine.sample_rate, []))
            await self._out.put(_END)
        except asyncio.CancelledError:
            raise
        except BaseException as error:  # handed to the reader, which answers with it
            await self._out.put(error)

    async def _speak(self, text: str) -> None:
        plan = await self._plan(text)
        if plan is None:
            return
        rate = self.engine.sample_rate
        timeline = WordTimeline(plan.words, rate, start_samples=self._samples)
        self._chunk = self._launch(plan, 0)
        for index in range(len(plan.chunks)):
            chunk = await self._chunk
            self._count(True)
            if index + 1 < len(plan.chunks):
                self._chunk = self._launch(plan, index + 1)
            pcm = chunk.pcm
            if index == 0 and self._rest:
                silence = np.zeros(round(self._rest * rate), dtype=np.float32)
                timeline.add([], 1.0, len(silence))
                pcm = np.concatenate([silence, pcm])
            start = self._samples / rate
            words = timeline.add(chunk.words, chunk.tempo, len(chunk.pcm))
            if index == len(plan.chunks) - 1:
                words += timeline.finish()
            data = await self._encoder.encode(pcm)
            self._samples += len(pcm)
            await self._out.put(LivePiece(data, len(pcm), start, words))
        self._rest = self.engine.rest_after(plan)

    async def _plan(self, text: str) -> SpeechPlan | None:
        """The plan of a piece; None where it has nothing to say (only punctuation between two sentences). An
        admitted stream is never refused: while the text threads' queue is full, it waits its turn."""
        while True:
            try:
                return await self.engine.plan_async(replace(self.job, text=text), self.speaker)
            except NothingToSayError:
                return None
            except Overloaded:
                await asyncio.sleep(self._config.text_retry_seconds)

    def _launch(self, plan: SpeechPlan, index: int) -> asyncio.Task[ChunkAudio]:
        first = index == 0 and self._listener_waits()
        priority = Priority.FIRST_CHUNK if first else Priority.LATER_CHUNK
        task = asyncio.ensure_future(self.engine.synthesize(plan, index, priority, admitted=True))
        task.add_done_callback(mark_seen)
        return task

    def _listener_waits(self) -> bool:
        """Whether everything sent so far has been heard (as played from its first audio in real time)."""
        if self._first_audio_at is None:
            return True
        return self._clock() - self._first_audio_at >= self._samples / self.engine.sample_rate
