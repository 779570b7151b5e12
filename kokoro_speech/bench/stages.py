"""Where the time of one long request goes: text, inference, encoding per format."""

from __future__ import annotations

import time

import numpy as np
from numpy.typing import NDArray

from kokoro_speech.audio import FORMATS, new_encoder
from kokoro_speech.engine.engine import SpeechEngine
from kokoro_speech.service import encoder_settings


def stage_times(engine: SpeechEngine, text: str, voice: str) -> dict[str, float]:
    engine.warm_up()  # lazy start-up costs are not a stage
    settings = encoder_settings(engine.config, engine.sample_rate)
    for fmt in FORMATS:
        warm = new_encoder(fmt, settings)
        warm.encode(np.zeros(engine.sample_rate // 10, dtype=np.float32))
        warm.finish()
    started = time.perf_counter()
    resolved = engine.voices.resolve(voice)
    plan = engine.plan(engine.speech_input(text, resolved), resolved, 1.0)
    times = {"text (normalize, phonemize, plan)": time.perf_counter() - started}
    chunks: list[NDArray[np.float32]]
    started = time.perf_counter()
    chunks = [chunk.pcm for chunk in engine.speak(plan)]
    times[f"inference ({len(plan.chunks)} chunks, one lane)"] = time.perf_counter() - started
    times["audio seconds"] = sum(len(c) for c in chunks) / engine.sample_rate
    for fmt in FORMATS:
        encoder = new_encoder(fmt, settings)
        started = time.perf_counter()
        for pcm in chunks:
            encoder.encode(pcm)
        encoder.finish()
        times[f"encode {fmt}"] = time.perf_counter() - started
    return times
