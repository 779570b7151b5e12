"""Word error rate by class: the server against raw kokoro-onnx on the same sentences, same run.

    uv run python -m tests.bench.intelligibility                          # English
    uv run python -m tests.bench.intelligibility --languages              # es, fr-fr, it, pt-br, hi
    uv run python -m tests.bench.intelligibility --language es --language hi

Whisper base (offline, int8) listens to both, told the language; Whisper's English normalizer (or, for the
other languages, its basic normalizer) is applied to the reference sentence and to what it heard. The server
runs in-process with the result cache off. For every language but English the goal is printed: the server's
WER over the corpus at most half the raw library's, and no worse than it on the plain sentences; the exit
status is 1 when a language misses it.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from functools import partial
from pathlib import Path

from kokoro_onnx import Kokoro
from litestar.testing import TestClient

from kokoro_speech.bench.recognizer import Recognizer, whisper_model_dir
from kokoro_speech.config import SpeechConfig
from kokoro_speech.engine import assets
from kokoro_speech.server.app import create_app
from kokoro_speech.server.config import ServeConfig
from tests.support import model_home, wait_ready
from tests.support.corpus import CORPUS
from tests.support.corpus_languages import CORPORA, Row
from tests.support.intelligibility import (
    AMERICAN,
    READERS,
    ClassResult,
    Miss,
    Reader,
    measure,
    speak_raw,
    speak_through,
    table,
    total,
)

ENGLISH = "en"
SERVER_SHARE_OF_RAW = 0.5
"""The goal: the server mishears at most this share of what raw kokoro-onnx does, over a language's corpus."""
PLAIN = "plain"
"""Sentences nothing rewrites: there the server must be no worse than raw."""


def goal(results: dict[str, ClassResult]) -> tuple[bool, str]:
    """Whether a language meets the goal, and the figures that say so."""
    overall = total(results)
    plain = results[PLAIN]
    met = overall.server.rate <= SERVER_SHARE_OF_RAW * overall.raw.rate and plain.server.rate <= plain.raw.rate
    figures = (
        f"all: server {overall.server.rate:.1%} against raw {overall.raw.rate:.1%} "
        f"(at most {SERVER_SHARE_OF_RAW * overall.raw.rate:.1%}); "
        f"plain: server {plain.server.rate:.1%} against raw {plain.raw.rate:.1%}"
    )
    return met, f"goal {'met' if met else 'NOT met'}: {figures}"


def arguments(argv: list[str] | None = None) -> list[str]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--language",
        action="append",
        choices=[ENGLISH, *CORPORA],
        help="a language to measure (repeatable); English alone when none is named",
    )
    parser.add_argument("--languages", action="store_true", help=f"every corpus but English: {', '.join(CORPORA)}")
    options = parser.parse_args(argv)
    chosen = list(options.language or [])
    if options.languages:
        chosen += [code for code in CORPORA if code not in chosen]
    return chosen or [ENGLISH]


def corpus_of(language: str) -> tuple[Reader, tuple[Row, ...]]:
    if language == ENGLISH:
        return AMERICAN, CORPUS
    return READERS[language], CORPORA[language]


def main(argv: list[str] | None = None) -> int:
    languages = arguments(argv)
    logging.disable(logging.WARNING)
    measured: dict[str, tuple[dict[str, ClassResult], list[Miss]]] = {}
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
            for language in languages:
                reader, corpus = corpus_of(language)
                measured[language] = measure(
                    corpus,
                    partial(speak_through, client, voice=reader.voice),
                    partial(speak_raw, raw, reader=reader),
                    recognizer,
                    reader.whisper,
                )
    missed = False
    for language, (results, misses) in measured.items():
        reader, corpus = corpus_of(language)
        print(f"\n{language}: {len(corpus)} sentences, voice {reader.voice}, Whisper base int8, temperature 0\n")
        print(table(results))
        if language != ENGLISH:
            met, line = goal(results)
            missed = missed or not met
            print(line)
        if misses:
            print("\nserver sentences with errors:")
            for miss in misses:
                print(f"  {miss.errors}  {miss.sentence!r}\n     heard {miss.heard!r}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
