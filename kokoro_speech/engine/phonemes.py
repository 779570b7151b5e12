"""Grapheme to phoneme conversion, and phonemes to model tokens.

espeak-ng (through phonemizer) serves the alphabetic languages. Japanese and Chinese use
misaki's G2P, the one Kokoro's own pipeline uses for its j and z voices: espeak-ng's readings
of kanji and hanzi are not good enough for them. Those load on first use, since their
dictionaries cost memory that an English-only server should not pay.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable

from kokoro_onnx.tokenizer import Tokenizer
from phonemizer.backend import EspeakBackend

from kokoro_speech.engine.languages import Language

# phonemizer warns on every call whose word count changes (it does for "Dr." and "$5"); the
# warning is about its own word alignment, which is not used here.
_QUIET = logging.getLogger("kokoro_speech.phonemizer")
_QUIET.setLevel(logging.ERROR)
# espeak-ng keeps process-wide state: one lock for every phonemizer in the process.
_ESPEAK_LOCK = threading.Lock()

PUNCTUATION = frozenset(';:,.!?¡¿—…"«»“” ()')
"""Symbols of the model's vocabulary that are not sounds."""

_MARKS = frozenset("ˈˌː")
"""Stress and length marks: letters to Unicode, but not sounds of their own."""
G2P = Callable[[str], str]
_LATIN = re.compile(r"([A-Za-z](?:[A-Za-z'.\- ]*[A-Za-z])?)")


class Phonemizer:
    """Turns text into Kokoro phoneme strings and phoneme strings into token ids.

    Every call into espeak-ng is serialized; a call for a whole request takes a few
    milliseconds.
    """

    def __init__(self) -> None:
        # kokoro-onnx's tokenizer points phonemizer at the espeak-ng library it ships and
        # carries the model's vocabulary.
        self._tokenizer = Tokenizer()
        self._vocab: dict[str, int] = self._tokenizer.vocab
        self._backends: dict[str, EspeakBackend] = {}
        self._dictionary_g2p: dict[str, G2P] = {}
        # One lock per dictionary G2P (misaki's are not thread-safe), held while it loads and runs;
        # it may take the espeak-ng lock inside (Latin words), never the other way round.
        self._dictionary_locks = {"japanese": threading.Lock(), "chinese": threading.Lock()}

    def phonemize(self, texts: list[str], language: Language) -> list[str]:
        """One phoneme string per text, keeping only symbols the model knows."""
        if not texts:
            return []
        if language.g2p == "espeak":
            raw = self._espeak(texts, language.espeak)
        else:
            with self._dictionary_locks[language.g2p]:
                g2p = self._dictionary(language)
                raw = [g2p(text) for text in texts]
        return [self.known(" ".join(p.split())) for p in raw]

    def _espeak(self, texts: list[str], voice: str) -> list[str]:
        with _ESPEAK_LOCK:
            backend = self._backends.get(voice)
            if backend is None:
                backend = EspeakBackend(voice, preserve_punctuation=True, with_stress=True, logger=_QUIET)
                self._backends[voice] = backend
            said = list(backend.phonemize(texts, strip=True))
            if len(said) != len(texts):
                # phonemizer's punctuation restoration can split one text in two at a mark
                # inside a word ("3.14"): phonemize one at a time and join what comes back.
                said = [" ".join(backend.phonemize([text], strip=True)) for text in texts]
            return said

    def _dictionary(self, language: Language) -> G2P:
        g2p = self._dictionary_g2p.get(language.code)
        if g2p is None:
            g2p = self._load_dictionary(language)
            self._dictionary_g2p[language.code] = g2p
        return g2p

    def _load_dictionary(self, language: Language) -> G2P:
        g2p: G2P
        if language.g2p == "japanese":
            from misaki import ja

            japanese = ja.JAG2P()
            g2p = lambda text: str(japanese(text)[0])  # noqa: E731
        else:
            import jieba
            from misaki import zh

            # jieba, which misaki uses to cut Chinese into words, logs its dictionary load through its own
            # handler at debug level.
            jieba.setLogLevel(logging.WARNING)

            chinese = zh.ZHG2P()
            g2p = lambda text: str(chinese(text)[0])  # noqa: E731

        def mixed(text: str) -> str:
            # The dictionaries pass Latin-script words through as letters: read those with espeak-ng. (Figures
            # and their units, "3km", were said in words by the normalizer, where its switches allow.)
            said = ""
            for piece in _LATIN.split(text):
                if not piece.strip():
                    continue
                latin = _LATIN.fullmatch(piece) is not None
                part = (self._espeak([piece], language.espeak)[0] if latin else g2p(piece)).strip()
                said += part if not said or part[:1] in PUNCTUATION else " " + part
            return said

        return mixed

    @property
    def vocabulary(self) -> frozenset[str]:
        """The symbols the model has tokens for."""
        return frozenset(self._vocab)

    def known(self, phonemes: str) -> str:
        return "".join(p for p in phonemes if p in self._vocab)

    def tokenize(self, phonemes: str) -> list[int]:
        return [self._vocab[p] for p in phonemes if p in self._vocab]

    def is_speakable(self, phonemes: str) -> bool:
        """Whether there is anything but punctuation and spaces to say."""
        return any(p.isalpha() and p not in _MARKS for p in phonemes if p in self._vocab)
