"""Hearing checks by offline speech recognition (Whisper base) for Spanish, French, Italian, Brazilian
Portuguese and Hindi, against the real model.

The goal against raw kokoro-onnx is a benchmark, which prints a table per language
(`python -m tests.bench.intelligibility --languages`). Here each language's server hears a sample of its
corpus, a plain sentence and one of each of the number-heavy classes, so that CI notices a language whose
figures stop being understood.
"""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from tests.asr import Errors, Recognizer
from tests.intelligibility import READERS, closest, speak_through
from tests.intelligibility_corpus_languages import CORPORA, Row

pytestmark = pytest.mark.slow

SAMPLE_CLASSES = ("plain", "cardinals", "money", "dates", "times")
"""One sentence of each: five sentences to synthesize and hear per language."""
SAMPLE_WER_GOAL = {code: 0.25 for code in CORPORA}
"""The bound on each language's sample WER, to be set from the benchmark's figures for that language."""
MIN_SAMPLE_WORDS = 30
"""Enough that one misheard word is a few points of the rate, not the verdict."""


def sample(corpus: tuple[Row, ...]) -> list[Row]:
    first = {kind: (kind, sentence, references) for kind, sentence, references in reversed(corpus)}
    return [first[kind] for kind in SAMPLE_CLASSES]


@pytest.mark.parametrize("language", list(CORPORA))
def test_a_sample_of_each_language_is_understood(client: TestClient, recognizer: Recognizer, language: str) -> None:
    reader = READERS[language]
    errors = Errors(0, 0)
    misses = []
    for kind, sentence, references in sample(CORPORA[language]):
        heard = recognizer.hear(speak_through(client, sentence, reader.voice), language=reader.whisper).text
        found = closest(references, heard, reader.whisper)
        errors += found
        if found.errors:
            misses.append(f"  {kind}: {sentence!r} heard {heard!r}")
    report = f"{language}: WER {errors.rate:.1%} over {errors.words} words\n" + "\n".join(misses)
    print(report)
    assert errors.words >= MIN_SAMPLE_WORDS
    assert errors.rate <= SAMPLE_WER_GOAL[language], report
