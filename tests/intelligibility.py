"""Word error rate of the server and of raw kokoro-onnx on the same sentences, by class."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from kokoro_onnx import Kokoro
from litestar.testing import TestClient

from tests.asr import Errors, Recognizer, word_errors
from tests.intelligibility_corpus import References

VOICE = "af_heart"
Speak = Callable[[str], bytes]
"""Text to encoded audio (the server)."""
SpeakRaw = Callable[[str], tuple[np.ndarray, int]]
"""Text to PCM and its sample rate (raw kokoro-onnx)."""


def speak_through(client: TestClient, text: str, **extra: object) -> bytes:
    """The server's wav for ``text`` in the corpus voice."""
    body = {"model": "tts-1", "input": text, "voice": VOICE, "response_format": "wav", **extra}
    response = client.post("/v1/audio/speech", json=body)
    assert response.status_code == 200, response.text
    return response.content


def speak_raw(kokoro: Kokoro, text: str) -> tuple[np.ndarray, int]:
    """kokoro-onnx's own reading of ``text``: the text goes straight to espeak-ng."""
    samples, rate = kokoro.create(text, voice=VOICE, speed=1.0, lang="en-us")
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


def closest(references: References, heard: str) -> Errors:
    """The errors against the reference closest to what was heard (the first one on a tie)."""
    options = (references,) if isinstance(references, str) else references
    return min((word_errors(reference, heard) for reference in options), key=lambda e: e.errors)


def measure(
    corpus: Iterable[tuple[str, str, References]], speak: Speak, speak_raw: SpeakRaw, recognizer: Recognizer
) -> tuple[dict[str, ClassResult], list[Miss]]:
    results: dict[str, ClassResult] = {}
    misses: list[Miss] = []
    for kind, sentence, references in corpus:
        heard = recognizer.hear(speak(sentence)).text
        server = closest(references, heard)
        if server.errors:
            misses.append(Miss(sentence, heard, server.errors))
        pcm, rate = speak_raw(sentence)
        raw = closest(references, recognizer.hear(pcm, rate).text)
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
