"""Word error rate by class: the server against raw kokoro-onnx on the same sentences, same run.

    uv run python -m tests.bench.intelligibility

Whisper base (offline, int8) listens to both; Whisper's English normalizer is applied to the
reference sentence and to what it heard. The server runs in-process with the result cache off.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from kokoro_onnx import Kokoro
from litestar.testing import TestClient

from kokoro_speech.app import create_app
from kokoro_speech.config import ServeConfig, SpeechConfig
from kokoro_speech.engine import assets
from tests.asr import Recognizer, whisper_model_dir
from tests.conftest import model_home, wait_ready
from tests.intelligibility import VOICE, measure, speak_raw, speak_through, table
from tests.intelligibility_corpus import CORPUS


def main() -> None:
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory() as root:
        config = SpeechConfig.from_env(
            {
                "KOKORO_SPEECH_ALLOW_DOWNLOAD": "false",
                "KOKORO_SPEECH_RESULT_CACHE": "false",
                "KOKORO_SPEECH_CACHE_DIR": root,
                "KOKORO_SPEECH_HOME": str(model_home()),
            }
        )
        files = assets.resolve(config.model)
        raw = Kokoro(str(files.model), str(files.voices))
        recognizer = Recognizer(whisper_model_dir(Path(root)))
        with TestClient(create_app(config, ServeConfig(log_level="warning")), timeout=120) as client:
            wait_ready(client.get)
            results, misses = measure(
                CORPUS, lambda text: speak_through(client, text), lambda text: speak_raw(raw, text), recognizer
            )
    print(f"{len(CORPUS)} sentences, voice {VOICE}, Whisper base int8, temperature 0\n")
    print(table(results))
    if misses:
        print("\nserver sentences with errors:")
        for miss in misses:
            print(f"  {miss.errors}  {miss.sentence!r}\n     heard {miss.heard!r}")


if __name__ == "__main__":
    main()
