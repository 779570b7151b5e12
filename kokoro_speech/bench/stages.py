"""Where the time of one long request goes: text, inference, encoding per format."""

from __future__ import annotations

import time

import numpy as np

from kokoro_speech.audio.encoders import new_encoder
from kokoro_speech.audio.formats import FORMATS, EncoderSettings
from kokoro_speech.engine.engine import SpeechEngine
from kokoro_speech.engine.job import SpeechJob


def stage_times(engine: SpeechEngine, settings: EncoderSettings, text: str, voice: str) -> dict[str, float]:
    engine.warm_up()  # lazy start-up costs are not a stage
    rate = engine.sample_rate
    for fmt in FORMATS:
        warm = new_encoder(fmt, settings, rate)
        warm.encode(np.zeros(rate // 10, dtype=np.float32))
        warm.finish()
    job = SpeechJob(text, voice, normalization=engine.config.text.normalization_for())
    started = time.perf_counter()
    plan = engine.plan(job, engine.speaker(job))
    times = {"text (normalize, phonemize, plan)": time.perf_counter() - started}
    started = time.perf_counter()
    chunks = [engine.synthesize_chunk(plan, index).pcm for index in range(len(plan.chunks))]
    times[f"inference ({len(plan.chunks)} chunks, one lane)"] = time.perf_counter() - started
    times["audio seconds"] = sum(len(c) for c in chunks) / rate
    for fmt in FORMATS:
        encoder = new_encoder(fmt, settings, rate)
        started = time.perf_counter()
        for pcm in chunks:
            encoder.encode(pcm)
        encoder.finish()
        times[f"encode {fmt}"] = time.perf_counter() - started
    return times
