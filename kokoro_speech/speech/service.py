"""One speech request from its checked job to a response: the result cache, identical requests, the engine.

Everything the request can get wrong is raised by :meth:`SpeechService.open` before it
returns (unknown voice or language, nothing to say, overload), so the HTTP layer can still
answer with a JSON error; what ``open`` returns only produces bytes.

Identical requests are made once. A request that misses the cache while the same speech is
being made in this worker reads that production as it goes; where the cache's store keeps
claims (the SQLite file the workers share), a request in another worker waits for the
entry instead of making it again. Either way it is counted in ``coalesced``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import time
from collections.abc import Sequence

from kokoro_speech.audio.formats import FORMATS, EncoderSettings
from kokoro_speech.cache.config import CacheConfig
from kokoro_speech.cache.results import Hit, ResultCache, StoredSpeech
from kokoro_speech.engine.engine import Speaker, SpeechEngine, SynthesisStream
from kokoro_speech.engine.job import SpeechJob
from kokoro_speech.speech.background import BackgroundWork
from kokoro_speech.speech.claims import Claim, claim_or_wait
from kokoro_speech.speech.config import LiveConfig
from kokoro_speech.speech.live import LiveSpeech
from kokoro_speech.speech.production import Production, ProductionHooks, ProductionReader
from kokoro_speech.speech.response import CachedResponse, SpeechOutcome, SpeechResponse
from kokoro_speech.speech.text_buffer import TextBuffer

Answer = Production | StoredSpeech | None
"""What a request being made gives those that wait for it: the production to read, the entry another
worker stored, or None when it ended without either (then they look again)."""


class SpeechService:
    def __init__(
        self,
        engine: SpeechEngine,
        cache: ResultCache | None,
        background: BackgroundWork,
        cache_config: CacheConfig,
        audio: EncoderSettings,
    ) -> None:
        self.engine = engine
        self.cache_config = cache_config
        self.audio = audio
        self.cache = cache
        self.background = background
        self.coalesced = 0
        """Requests answered by another request's synthesis of the same speech."""
        self._making: dict[str, asyncio.Future[Answer]] = {}

    async def open(self, job: SpeechJob, outcome: SpeechOutcome) -> SpeechResponse:
        """Check the job, then answer it from the cache, from the same speech being made, or by making it.

        Raises UnknownVoiceError, UnknownLanguageError, NothingToSayError or Overloaded, all
        before any audio.
        """
        media_type = FORMATS[job.response_format].media_type
        speaker = self.engine.speaker(job)
        outcome.voice = speaker.voice.spec
        outcome.language = speaker.language.code
        if self.cache is None:
            return await self._synthesize(job, speaker, outcome, media_type, ProductionHooks())
        key = self._key(job, speaker)
        while True:
            started = time.perf_counter()
            hit = await self.cache.hit(key)
            outcome.timings["cache_lookup"] = time.perf_counter() - started
            if hit is not None:
                return CachedResponse(outcome, media_type, hit)
            making = self._making.get(key)
            if making is None:
                return await self._lead(job, speaker, key, outcome, media_type)
            response = self._follow(await asyncio.shield(making), outcome, media_type)
            if response is not None:
                return response

    def open_live(
        self,
        job: SpeechJob,
        outcome: SpeechOutcome,
        config: LiveConfig,
        *,
        schedule: Sequence[int] = (),
        encoder_settings: EncoderSettings | None = None,
        max_seconds: float | None = None,
    ) -> LiveSpeech:
        """A stream of speech whose text comes while it is spoken (``job`` says everything but the text), cut
        where ``config`` (and a client's ``schedule`` of lengths) says, stopped at ``max_seconds`` of audio.

        Raises UnknownVoiceError, UnknownLanguageError or Overloaded before anything is made; it is admitted
        once, here. Nothing of it is cached: its text is not known whole until its end.
        """
        speaker = self.engine.speaker(job)
        outcome.voice = speaker.voice.spec
        outcome.language = speaker.language.code
        self.engine.lanes.check_admission()
        settings = self.audio if encoder_settings is None else encoder_settings
        buffer = TextBuffer(config.lengths(), schedule)
        live = LiveSpeech(self.engine, speaker, job, buffer, settings, outcome, config)
        live.max_seconds = max_seconds
        return live

    def _key(self, job: SpeechJob, speaker: Speaker) -> str:
        assert self.cache is not None
        return self.cache.key(
            text=job.text,
            voice=speaker.voice.spec,
            language=speaker.language.code,
            speed=round(job.speed, 4),
            response_format=job.response_format,
            input_type=job.input_type,
            normalization=dataclasses.asdict(job.normalization),
            # Each only where it is not the usual, so that the keys of every other request stay as they were.
            **({"voice_tags": True} if job.voice_tags else {}),
            **({"sample_rate": job.sample_rate} if job.sample_rate is not None else {}),
            **({"volume": round(job.volume, 4)} if job.volume != 1.0 else {}),
            # Only where results are kept apart, so that the keys of open servers stay as they were.
            **({"owner": job.owner} if job.owner else {}),
            # Only where there are lexicons, so that the keys of servers and requests without them stay as they
            # were; the server's by what they say, so that editing a file and restarting makes new speech.
            **({"lexicons": lexicons} if (lexicons := self.engine.lexicons.fingerprint()) else {}),
            **({"lexicon": hashlib.sha256(job.lexicon.encode()).hexdigest()} if job.lexicon else {}),
        )

    def _follow(self, answer: Answer, outcome: SpeechOutcome, media_type: str) -> SpeechResponse | None:
        """A response from what another request made or is making; None when it stopped before its end."""
        if answer is None:
            return None
        if isinstance(answer, StoredSpeech):
            response: SpeechResponse | None = CachedResponse(outcome, media_type, Hit(answer))
        else:
            # Finished, it is answered like a hit while its entry is being written.
            finished = answer.complete
            response = answer.reader(outcome, media_type)
            if response is None:
                return None
            if finished:
                outcome.cache_hit = True
                return response
        outcome.coalesced = True
        self.coalesced += 1
        return response

    async def _lead(
        self, job: SpeechJob, speaker: Speaker, key: str, outcome: SpeechOutcome, media_type: str
    ) -> SpeechResponse:
        """Make the speech for ``key`` (or, where another worker makes it, wait for its entry)."""
        assert self.cache is not None
        making: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._making[key] = making
        claims = self.cache.claims
        claim = Claim(claims, key, self.cache_config.claim_seconds, self.cache.health) if claims is not None else None
        try:
            entry = await claim_or_wait(claim, self.cache, self.cache_config.claim_poll_seconds) if claim else None
            if entry is not None:
                making.set_result(entry)
                self._forget(key, making)
                response = self._follow(entry, outcome, media_type)
                assert response is not None
                return response
            reader = await self._synthesize(job, speaker, outcome, media_type, self._storing(key, making, claim))
            making.set_result(reader.production)
            return reader
        except BaseException:
            if not making.done():
                making.set_result(None)
            self._forget(key, making)
            if claim is not None:
                self.background.spawn(claim.release(), "release claim")
            raise

    async def _synthesize(
        self, job: SpeechJob, speaker: Speaker, outcome: SpeechOutcome, media_type: str, hooks: ProductionHooks
    ) -> ProductionReader:
        """Plan the job, make its first chunk, and return the first reader of its production."""
        # Refuse at once when overloaded, before spending text processing on the request.
        self.engine.lanes.check_admission()
        self.engine.awaiting_first_audio += 1
        try:
            started = time.perf_counter()
            plan = await self.engine.plan_async(job, speaker)
            outcome.timings["text"] = time.perf_counter() - started
            stream = SynthesisStream(self.engine, plan)
            started = time.perf_counter()
            try:
                await stream.start()
            except BaseException:
                stream.close()
                raise
            outcome.timings["first_chunk"] = time.perf_counter() - started
        finally:
            self.engine.awaiting_first_audio -= 1
        # Kept whole only while the result cache could still store it (and identical requests join it).
        keep = self.cache.max_entry_bytes if self.cache is not None else 0
        production = Production(job, stream, self.audio, self.engine.pipeline_executor, hooks, keep)
        reader = production.reader(outcome, media_type)
        assert reader is not None
        return reader

    def _storing(self, key: str, making: asyncio.Future[Answer], claim: Claim | None) -> ProductionHooks:
        """Hooks that store a whole production under ``key``; once it is stored or stopped, it is forgotten
        and its claim let go."""
        assert self.cache is not None
        cache = self.cache

        async def store(production: Production) -> None:
            try:
                await cache.put(
                    key,
                    [piece.data for piece in production.pieces],
                    production.input_tokens,
                    production.samples,
                    production.words,
                )
            finally:
                self._forget(key, making)
                if claim is not None:
                    await claim.release()

        def stopped() -> None:
            self._forget(key, making)
            if claim is not None:
                self.background.spawn(claim.release(), "release claim")

        return ProductionHooks(
            on_complete=lambda production: self.background.spawn(store(production), "store result"),
            on_stop=stopped,
        )

    def _forget(self, key: str, making: asyncio.Future[Answer]) -> None:
        if self._making.get(key) is making:
            del self._making[key]
