"""One synthesis made into the bytes of a response, for one reader or for several.

A :class:`Production` pulls the chunks of a synthesis stream, encodes them on the engine's
pipeline threads (the encoder, and so its container, is made there with the first chunk),
and places each chunk's words in the response. Every response that says this speech is a
:class:`ProductionReader` over it: the first request's, and those of identical requests
that came while it was being made. Readers take the pieces already made from memory and the
next one as soon as any reader needs it, so the synthesis keeps the pace of the fastest
reader and runs at most one chunk ahead of it. When the last reader leaves before the end,
the synthesis stops; when the last piece is made, the production hands itself to
``on_complete`` (which stores it in the result cache).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import Executor
from dataclasses import dataclass

from kokoro_speech.audio.formats import EncoderSettings
from kokoro_speech.engine.engine import SynthesisStream
from kokoro_speech.engine.job import SpeechJob
from kokoro_speech.engine.timing import SpokenWord, WordTimeline
from kokoro_speech.speech.encoding import PipelineEncoder
from kokoro_speech.speech.response import AudioPiece, SpeechOutcome, SpeechResponse
from kokoro_speech.speech.tasks import mark_seen


class ProductionClosed(RuntimeError):
    """The synthesis was stopped: every reader left, or its work was cancelled (the server shutting down)."""


@dataclass(frozen=True)
class ProductionHooks:
    """What the owner of a production is told."""

    on_complete: Callable[[Production], None] = lambda _: None
    """The last piece is made: the production is whole."""
    on_stop: Callable[[], None] = lambda: None
    """The production stopped before its end, or outgrew what may be kept of it: it will never be stored."""


class Production:
    def __init__(
        self,
        job: SpeechJob,
        stream: SynthesisStream,
        encoder_settings: EncoderSettings,
        executor: Executor,
        hooks: ProductionHooks | None = None,
        keep_bytes: int = 0,
    ) -> None:
        """``keep_bytes``: how much of the audio may be kept for the result cache and for identical requests that
        join later; past it (or with 0) each piece is let go once every reader has it."""
        self.job = job
        self.input_tokens = stream.plan.input_tokens
        self.samples = 0
        self.complete = False
        self.kept = keep_bytes > 0
        """Whether every piece is still kept: only then can the whole be stored, or a late reader start."""
        self._pieces: deque[AudioPiece] = deque()
        self._first = 0
        """Index of the oldest piece still kept."""
        self._made_bytes = 0
        self._keep_bytes = keep_bytes
        self.timings: dict[str, float] = {"encode": 0.0}
        self._stream = stream
        rate = stream.engine.sample_rate
        self._timeline = WordTimeline(stream.plan.words, rate)
        self._hooks = hooks or ProductionHooks()
        self._encoder = PipelineEncoder(
            job, encoder_settings, rate, executor, lambda: ProductionClosed("the synthesis was stopped")
        )
        self._pull: asyncio.Task[None] | None = None
        self._finished_stream = False
        self._failure: BaseException | None = None
        self._closed = False
        self._readers: set[ProductionReader] = set()

    @property
    def pieces(self) -> list[AudioPiece]:
        """Every piece, while all are kept (see :attr:`kept`)."""
        assert self.kept, "pieces were let go"
        return list(self._pieces)

    @property
    def _made(self) -> int:
        """Pieces made so far: those let go and those still held."""
        return self._first + len(self._pieces)

    @property
    def held(self) -> int:
        """Pieces in memory now."""
        return len(self._pieces)

    @property
    def words(self) -> list[SpokenWord]:
        return [word for piece in self.pieces for word in piece.words]

    def reader(self, outcome: SpeechOutcome, media_type: str) -> ProductionReader | None:
        """A new response over this speech, or None when it was stopped before its end or its first pieces are
        no longer kept."""
        if (self._closed and not self.complete) or (self._first > 0 and not self.kept):
            return None
        reader = ProductionReader(self, outcome, media_type)
        self._readers.add(reader)
        outcome.input_tokens = self.input_tokens
        return reader

    async def piece(self, index: int) -> AudioPiece | None:
        """Piece ``index``, made now if no reader has needed it yet; None past the last one."""
        while index >= self._made:
            if self.complete:
                return None
            if self._failure is not None:
                raise self._failure
            if self._closed:
                raise ProductionClosed("the synthesis was stopped")
            if self._pull is None:
                self._pull = asyncio.ensure_future(self._make_next())
                self._pull.add_done_callback(mark_seen)
            # A reader that gives up must not stop the piece the others wait for.
            await asyncio.shield(self._pull)
        return self._pieces[index - self._first]

    def passed(self) -> None:
        """A reader has moved on: pieces every reader has are let go where they are not all kept."""
        if self.kept:
            return
        oldest = min((reader.next_index for reader in self._readers), default=self._made)
        while self._first < oldest:
            self._pieces.popleft()
            self._first += 1

    def release(self, reader: ProductionReader) -> None:
        """A reader is done; the last one to leave before the end stops the synthesis."""
        self._readers.discard(reader)
        if not self._readers and not self.complete:
            self.close()
        else:
            self.passed()

    def close(self) -> None:
        """Stop the synthesis: the chunk in flight is cancelled and no other starts."""
        if self._closed:
            return
        self._closed = True
        pull, self._pull = self._pull, None
        if pull is not None and not pull.done():
            pull.cancel()
        self._stream.close()
        self._encoder.close()
        if not self.complete and self.kept:
            self._hooks.on_stop()

    # --- making pieces ---------------------------------------------------------------
    async def _make_next(self) -> None:
        try:
            piece = await self._next_piece()
        except asyncio.CancelledError:
            if not self._closed:  # not by close(): the work under it was cancelled
                self._failure = ProductionClosed("the synthesis was cancelled")
                self._pull = None
                self.close()
            raise
        except BaseException as error:
            self._failure = error
            self._pull = None
            self.close()
            raise
        self._pull = None
        self._keep(piece)
        if self._finished_stream:
            # Whole with its last piece: a reader that leaves now does not lose the entry.
            self.complete = True
            self.timings["inference_wait"] = self._stream.wait_seconds
            if self.kept:
                self._hooks.on_complete(self)

    def _keep(self, piece: AudioPiece) -> None:
        self._pieces.append(piece)
        self.samples += piece.samples
        self._made_bytes += len(piece.data)
        if self.kept and self._made_bytes > self._keep_bytes:
            # Too long to be stored: nothing is gained by keeping what every reader already has.
            self.kept = False
            self._hooks.on_stop()
        self.passed()

    async def _next_piece(self) -> AudioPiece:
        try:
            chunk = await anext(self._stream)
        except StopAsyncIteration:
            tail = await self._timed(self._encoder.finish())
            self._finished_stream = True
            return AudioPiece(tail, self._timeline.finish())
        data = await self._timed(self._encoder.encode(chunk.pcm))
        return AudioPiece(data, self._timeline.add(chunk.words, chunk.tempo, len(chunk.pcm)), len(chunk.pcm))

    async def _timed(self, encoding: Awaitable[bytes]) -> bytes:
        started = time.perf_counter()
        try:
            return await encoding
        finally:
            self.timings["encode"] += time.perf_counter() - started


class ProductionReader(SpeechResponse):
    """One response over a production."""

    def __init__(self, production: Production, outcome: SpeechOutcome, media_type: str) -> None:
        super().__init__(outcome, media_type)
        self.production = production
        self.next_index = 0
        """The piece this reader takes next."""
        self._closed = False

    async def pieces(self) -> AsyncIterator[AudioPiece]:
        try:
            while (piece := await self.production.piece(self.next_index)) is not None:
                self.next_index += 1
                self.production.passed()
                self.outcome.audio_samples += piece.samples
                yield piece
            self.outcome.completed = True
        finally:
            self.outcome.timings.update(self.production.timings)
            self.close()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.production.release(self)
