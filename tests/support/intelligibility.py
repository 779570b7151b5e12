"""Word error rate of the server and of raw kokoro-onnx on the same sentences, by class."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from kokoro_onnx import Kokoro
from litestar.testing import TestClient

from kokoro_speech.bench.recognizer import ENGLISH, Errors, Recognizer, word_errors
from tests.support.corpus import References


@dataclass(frozen=True)
class Reader:
    """Who reads a corpus, and how each side names its language."""

    voice: str
    raw_lang: str
    """kokoro-onnx's ``lang``: espeak-ng's voice."""
    whisper: str
    """Whisper's language code, for recognition and normalization."""


VOICE = "af_heart"
AMERICAN = Reader(VOICE, "en-us", ENGLISH)
READERS = {
    "es": Reader("ef_dora", "es", "es"),
    "fr-fr": Reader("ff_siwis", "fr-fr", "fr"),
    "it": Reader("if_sara", "it", "it"),
    "pt-br": Reader("pf_dora", "pt-br", "pt"),
    "hi": Reader("hf_alpha", "hi", "hi"),
}
"""The server's language code to the reader of that language's corpus."""
Speak = Callable[[str], bytes]
"""Text to encoded audio (the server)."""
SpeakRaw = Callable[[str], tuple[np.ndarray, int]]
"""Text to PCM and its sample rate (raw kokoro-onnx)."""


def speak_through(client: TestClient, text: str, voice: str = VOICE, **extra: object) -> bytes:
    """The server's wav for ``text`` in ``voice`` (whose letter names its language)."""
    body = {"model": "tts-1", "input": text, "voice": voice, "response_format": "wav", **extra}
    response = client.post("/v1/audio/speech", json=body)
    assert response.status_code == 200, response.text
    return response.content


def speak_raw(kokoro: Kokoro, text: str, reader: Reader = AMERICAN) -> tuple[np.ndarray, int]:
    """kokoro-onnx's own reading of ``text``: the text goes straight to espeak-ng."""
    samples, rate = kokoro.create(text, voice=reader.voice, speed=1.0, lang=reader.raw_lang)
    return samples, rate


@dataclass
class ClassResult:
    server: Errors
    raw: Errors
    sentences: int


@dataclass(frozen=True)
class Miss:
    sentence: str
    heard: str
    errors: int


def closest(references: References, heard: str, language: str = ENGLISH) -> Errors:
    """The errors against the reference closest to what was heard (the first one on a tie); ``language`` is
    Whisper's code."""
    options = (references,) if isinstance(references, str) else references
    return min((word_errors(reference, heard, language) for reference in options), key=lambda e: e.errors)


def measure(
    corpus: Iterable[tuple[str, str, References]],
    speak: Speak,
    speak_raw: SpeakRaw,
    recognizer: Recognizer,
    language: str = ENGLISH,
) -> tuple[dict[str, ClassResult], list[Miss]]:
    """Hear every sentence from both; ``language`` is Whisper's code."""
    results: dict[str, ClassResult] = {}
    misses: list[Miss] = []
    for kind, sentence, references in corpus:
        heard = recognizer.hear(speak(sentence), language=language).text
        server = closest(references, heard, language)
        if server.errors:
            misses.append(Miss(sentence, heard, server.errors))
        pcm, rate = speak_raw(sentence)
        raw = closest(references, recognizer.hear(pcm, rate, language=language).text, language)
        entry = results.setdefault(kind, ClassResult(Errors(0, 0), Errors(0, 0), 0))
        entry.server += server
        entry.raw += raw
        entry.sentences += 1
    return results, misses


def total(results: dict[str, ClassResult]) -> ClassResult:
    out = ClassResult(Errors(0, 0), Errors(0, 0), 0)
    for entry in results.values():
        out.server += entry.server
        out.raw += entry.raw
        out.sentences += entry.sentences
    return out


def table(results: dict[str, ClassResult]) -> str:
    lines = [f"{'class':<16}{'sentences':>10}{'words':>7}{'server WER':>12}{'raw WER':>10}", "-" * 55]
    for kind, entry in [*results.items(), ("all", total(results))]:
        lines.append(
            f"{kind:<16}{entry.sentences:>10}{entry.server.words:>7}{entry.server.rate:>11.1%}{entry.raw.rate:>10.1%}"
        )
    return "\n".join(lines)
