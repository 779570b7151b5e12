"""Grapheme to phoneme conversion with espeak-ng, and phonemes to model tokens."""

from __future__ import annotations

import logging
import threading

from kokoro_onnx.tokenizer import Tokenizer
from phonemizer.backend import EspeakBackend

# phonemizer warns on every call whose word count changes (it does for "Dr." and "$5"); the
# warning is about its own word alignment, which is not used here.
_QUIET = logging.getLogger("kokoro_speech.phonemizer")
_QUIET.setLevel(logging.ERROR)
# espeak-ng keeps process-wide state: one lock for every phonemizer in the process.
_ESPEAK_LOCK = threading.Lock()


class Phonemizer:
    """Turns sentences into Kokoro phoneme strings and phoneme strings into token ids.

    Every call into espeak-ng is serialized; a call for a whole request takes a few
    milliseconds.
    """

    def __init__(self) -> None:
        # kokoro-onnx's tokenizer points phonemizer at the espeak-ng library it ships and
        # carries the model's vocabulary.
        self._tokenizer = Tokenizer()
        self._vocab: dict[str, int] = self._tokenizer.vocab
        self._backends: dict[str, EspeakBackend] = {}

    def phonemize(self, sentences: list[str], language: str) -> list[str]:
        """One phoneme string per sentence, keeping only symbols the model knows."""
        if not sentences:
            return []
        with _ESPEAK_LOCK:
            backend = self._backends.get(language)
            if backend is None:
                backend = EspeakBackend(language, preserve_punctuation=True, with_stress=True, logger=_QUIET)
                self._backends[language] = backend
            raw = backend.phonemize(sentences, strip=True)
        return [self.known(" ".join(p.split())) for p in raw]

    def known(self, phonemes: str) -> str:
        return "".join(p for p in phonemes if p in self._vocab)

    def tokenize(self, phonemes: str) -> list[int]:
        return [self._vocab[p] for p in phonemes if p in self._vocab]

    def is_speakable(self, phonemes: str) -> bool:
        """Whether there is anything but punctuation and spaces to say."""
        return any(p.isalpha() or p in "ˈˌː" for p in phonemes if p in self._vocab and p not in _MARKS)


_MARKS = set(';:,.!?¡¿—…"«»“” ()')
