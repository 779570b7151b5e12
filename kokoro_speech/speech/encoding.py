"""One response's encoder, run on the engine's pipeline threads (a whole request's production and a live stream
alike): made there with the first chunk it encodes, and closed only once no encode runs on it."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable
from concurrent.futures import Executor

import numpy as np
from numpy.typing import NDArray

from kokoro_speech.audio.encoders import Encoder, new_encoder
from kokoro_speech.audio.formats import EncoderSettings
from kokoro_speech.engine.job import SpeechJob


class PipelineEncoder:
    def __init__(
        self,
        job: SpeechJob,
        settings: EncoderSettings,
        sample_rate: int,
        executor: Executor,
        stopped: Callable[[], BaseException],
    ) -> None:
        """The job's format, rate and gain, encoded from audio at ``sample_rate``; ``stopped`` makes what an encode
        asked for after :meth:`close` raises."""
        self._job = job
        self._settings = settings
        self._rate = sample_rate
        self._executor = executor
        self._stopped = stopped
        self._encoder: Encoder | None = None
        self._encoding: concurrent.futures.Future[bytes] | None = None
        self._closed = False

    async def encode(self, pcm: NDArray[np.float32]) -> bytes:
        return await self._run(self._encode, pcm)

    async def finish(self) -> bytes:
        """The container's last bytes (where nothing was encoded: an empty, valid file)."""
        return await self._run(self._finish)

    def close(self) -> None:
        """Nothing more is encoded; an encode still running on a thread closes the encoder once it is done."""
        self._closed = True
        if self._encoding is not None and not self._encoding.done():
            self._encoding.add_done_callback(lambda _: self._drop())
        else:
            self._drop()

    async def _run(self, work: Callable[..., bytes], *args: object) -> bytes:
        # The thread's own future, not an asyncio wrapper: a cancelled wait ends at once, the encode does not,
        # and the encoder must not be closed under it (see close).
        self._encoding = self._executor.submit(work, *args)
        return await asyncio.wrap_future(self._encoding)

    def _encode(self, pcm: NDArray[np.float32]) -> bytes:
        return self._open().encode(pcm)

    def _finish(self) -> bytes:
        encoder = self._open()
        self._encoder = None
        return encoder.finish()

    def _open(self) -> Encoder:
        if self._closed:
            raise self._stopped()
        if self._encoder is None:
            job = self._job
            self._encoder = new_encoder(
                job.response_format, self._settings, self._rate, output_rate=job.sample_rate, gain=job.volume
            )
        return self._encoder

    def _drop(self) -> None:
        encoder, self._encoder = self._encoder, None
        if encoder is not None:
            encoder.close()
