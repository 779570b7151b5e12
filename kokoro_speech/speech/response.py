"""The bytes of one response as the client takes them, and what is known about it along the way."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import structlog

from kokoro_speech.cache.results import Hit
from kokoro_speech.engine.joins import SAMPLE_RATE
from kokoro_speech.engine.timing import SAMPLES_PER_FRAME, SpokenWord

log = structlog.get_logger("kokoro_speech")

# A cache hit is sent in pieces of this size, so a long hit streams like a miss.
HIT_PIECE_BYTES = 32 * 1024


class StreamFailed(RuntimeError):
    """The synthesis failed after the response's first byte: the response cannot be whole."""


@dataclass(frozen=True)
class AudioPiece:
    data: bytes
    words: list[SpokenWord]
    """Words whose audio is complete with this piece and were not given with an earlier one (on a
    cache hit, all of them come with the first piece)."""
    samples: int = 0
    """PCM samples this piece says (0 for a container's last bytes)."""


@dataclass
class SpeechOutcome:
    """What happened to one request, filled in as it runs; the request log reads it."""

    voice: str
    response_format: str
    input_chars: int
    language: str = ""
    cache_hit: bool = False
    coalesced: bool = False
    """Answered by another request's synthesis of the same speech."""
    input_tokens: int = 0
    audio_samples: int = 0
    completed: bool = False
    timed_out: bool = False
    """Stopped by the request's time limit."""
    cut_short: bool = False
    """Stopped at the longest audio one response may have."""
    failure: str | None = None
    """Why the synthesis failed after the first byte, if it did."""
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def output_tokens(self) -> int:
        return -(-self.audio_samples // SAMPLES_PER_FRAME)

    @property
    def audio_seconds(self) -> float:
        return self.audio_samples / SAMPLE_RATE

    def log_fields(self) -> dict[str, object]:
        return {
            "voice": self.voice,
            "format": self.response_format,
            "language": self.language,
            "input_chars": self.input_chars,
            "audio_s": round(self.audio_seconds, 2),
            "cache_hit": self.cache_hit,
            "coalesced": self.coalesced,
            "completed": self.completed,
            **({"timed_out": True} if self.timed_out else {}),
            **({"cut_short": True} if self.cut_short else {}),
            **({"failure": self.failure} if self.failure else {}),
            **{f"{name}_ms": round(seconds * 1000, 1) for name, seconds in self.timings.items()},
        }


@dataclass(frozen=True)
class WholeSpeech:
    audio: bytearray
    """As collected: copying it into ``bytes`` would hold the whole audio twice."""
    words: list[SpokenWord]


class SpeechResponse(ABC):
    """The audio of one response, produced as the client takes it.

    Whoever sends it calls :meth:`aclose` when the client is gone or done: that stops any
    synthesis left running for it (closing twice is harmless).
    """

    def __init__(self, outcome: SpeechOutcome, media_type: str) -> None:
        self.outcome = outcome
        self.media_type = media_type
        self.deadline: float | None = None
        """Event loop time after which the response stops (and its synthesis with it): the request's time limit."""
        self.max_samples: int | None = None
        """Audio after which the response stops (and its synthesis with it): the longest one response may have."""

    @abstractmethod
    def pieces(self) -> AsyncIterator[AudioPiece]:
        """The encoded audio, piece by piece, with the words it says."""

    async def pieces_in_time(self) -> AsyncIterator[AudioPiece]:
        """:meth:`pieces` until they end, the deadline passes or they reach :attr:`max_samples`; then the work
        stops and so do they.

        A synthesis that fails on the way is logged with its reason and raised as :class:`StreamFailed`: the
        server then cuts the connection, so the client sees an incomplete response, not a short whole one.
        """
        pieces = aiter(self.pieces())
        made = 0
        while True:
            try:
                async with asyncio.timeout_at(self.deadline):
                    piece = await anext(pieces)
            except StopAsyncIteration:
                return
            except TimeoutError:
                self.outcome.timed_out = True
                self.close()
                return
            except Exception as error:
                self.outcome.failure = f"{type(error).__name__}: {error}"
                log.error("stream ended early: its synthesis failed", reason=self.outcome.failure)
                self.close()
                raise StreamFailed(self.outcome.failure) from error
            yield piece
            made += piece.samples
            if self.max_samples is not None and made >= self.max_samples:
                self.outcome.cut_short = True
                log.warning("stream cut at the longest audio one response may have", samples=made)
                self.close()
                return

    @abstractmethod
    def close(self) -> None:
        """Stop any work still running for this response (the client went away)."""

    async def aclose(self) -> None:
        self.close()

    async def audio(self) -> AsyncIterator[bytes]:
        async for piece in self.pieces_in_time():
            if piece.data:
                yield piece.data

    async def collect(self) -> WholeSpeech:
        """All of the audio and its words, once the last piece is made."""
        audio = bytearray()
        words: list[SpokenWord] = []
        async for piece in self.pieces_in_time():
            audio += piece.data
            words += piece.words
        return WholeSpeech(audio, words)

    def usage(self) -> dict[str, int]:
        return {
            "input_tokens": self.outcome.input_tokens,
            "output_tokens": self.outcome.output_tokens,
            "total_tokens": self.outcome.input_tokens + self.outcome.output_tokens,
        }


class CachedResponse(SpeechResponse):
    """A response answered from a stored entry."""

    def __init__(self, outcome: SpeechOutcome, media_type: str, hit: Hit) -> None:
        super().__init__(outcome, media_type)
        self._hit = hit
        entry = hit.entry
        outcome.cache_hit = True
        outcome.input_tokens = entry.input_tokens
        outcome.audio_samples = entry.audio_samples

    async def pieces(self) -> AsyncIterator[AudioPiece]:
        entry = self._hit.entry
        data, words = memoryview(entry.audio), entry.words
        try:
            for start in range(0, len(data), HIT_PIECE_BYTES):
                yield AudioPiece(bytes(data[start : start + HIT_PIECE_BYTES]), words)
                words = []
            self.outcome.completed = True
        finally:
            data.release()
            self.close()

    def close(self) -> None:
        """A hit runs no work that could be left behind; the memory it holds is given back."""
        self._hit.release()
