"""How intelligible speech stays across the speed range: the model's own speed control alone,
and the model within a range plus time-stretching, by speech recognition.

    uv run python -m tests.bench.speed
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from kokoro_speech.audio.tempo import stretch
from kokoro_speech.bench.recognizer import Errors, Recognizer, whisper_model_dir, word_errors
from kokoro_speech.config import SpeechConfig
from kokoro_speech.engine import assets
from kokoro_speech.engine.config import MAX_SPEED, MIN_SPEED
from kokoro_speech.engine.engine import SpeechEngine
from kokoro_speech.engine.job import SpeechJob
from tests.support import model_home
from tests.support.corpus import SPEED_SENTENCES

SPEEDS = (0.25, 0.5, 0.75, 1.5, 2.0, 3.0, 4.0)


def speak(engine: SpeechEngine, text: str, speed: float, model_range: tuple[float, float] | None) -> np.ndarray:
    model_speed = speed if model_range is None else min(max(speed, model_range[0]), model_range[1])
    _, chunks = engine.speak(SpeechJob(text, "af_heart", model_speed))
    audio = np.concatenate([c.pcm for c in chunks])
    return stretch(audio, speed / model_speed, engine.sample_rate)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ranges", default="none,0.5-2.0,0.75-1.5", help="model speed ranges to compare")
    parser.add_argument("--speeds", default=",".join(map(str, SPEEDS)))
    args = parser.parse_args()
    # The engine itself asks the model for every speed as it is: this bench makes the ranges.
    config = SpeechConfig.from_env(
        {
            "KOKORO_SPEECH_ALLOW_DOWNLOAD": "false",
            "KOKORO_SPEECH_WARMUP": "false",
            "KOKORO_SPEECH_HOME": str(model_home()),
            "KOKORO_SPEECH_MODEL_SPEED_MIN": str(MIN_SPEED),
            "KOKORO_SPEECH_MODEL_SPEED_MAX": str(MAX_SPEED),
        }
    )
    engine = SpeechEngine(config.engine, assets.resolve(config.model))
    with tempfile.TemporaryDirectory() as root:
        recognizer = Recognizer(whisper_model_dir(Path(root)))
        ranges: list[tuple[str, tuple[float, float] | None]] = []
        for spec in args.ranges.split(","):
            low_high = None if spec == "none" else (float(spec.split("-")[0]), float(spec.split("-")[1]))
            ranges.append((spec, low_high))
        print(f"{'speed':>6}" + "".join(f"{'model ' + name:>18}" for name, _ in ranges))
        for speed in [float(x) for x in args.speeds.split(",")]:
            row = f"{speed:>6}"
            for _, model_range in ranges:
                errors = Errors(0, 0)
                for sentence in SPEED_SENTENCES:
                    audio = speak(engine, sentence, speed, model_range)
                    errors += word_errors(sentence, recognizer.hear(audio, engine.sample_rate).text)
                row += f"{errors.rate:>18.1%}"
            print(row, flush=True)
    engine.close()


if __name__ == "__main__":
    main()
