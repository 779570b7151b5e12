"""How an input is read: its words, its sentences, and the phonemes of each word.

Every phoneme word keeps the index of the input word it came from, so word timings can
name the words as written: "$7.25" is one word that is spoken as "seven dollars and twenty
five cents". The steps:

1. Inline pronunciations, ``[Kokoro](/kˈOkəɹO/)``, are found and protected.
2. The normalizer rewrites what espeak-ng would misread (numbers, money, units...), keeping
   for every spoken character the input position it came from.
3. The spoken text is cut into tokens and sentences; each token is owned by an input word.
4. Runs of tokens between inline pronunciations are phonemized a sentence piece at a time,
   so the G2P sees context. Where it returns a different number of words than it was given
   (it merges or splits some), the run is halved until the counts agree, down to one token.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Literal

from kokoro_speech.engine.languages import Language
from kokoro_speech.engine.phonemes import PUNCTUATION, Phonemizer
from kokoro_speech.engine.text import clean
from kokoro_speech.normalize import NormalizationOptions, normalize_text

InputType = Literal["text", "phonemes"]

INLINE_PRONUNCIATION = re.compile(r"\[([^\]\n]+)\]\(/([^/\n]+)/\)")
# A token is a run of non-space characters; an inline pronunciation counts as one, spaces and all.
_TOKEN = re.compile(rf"(?:{INLINE_PRONUNCIATION.pattern}|\S)+")
_SENTENCE_END = re.compile(r"[.!?…。！？]+[\"'”’)\]]*$")
# Japanese and Chinese write no space after a full stop: a token may hold several sentences.
_CJK_STOP = re.compile(r"(?<=[。！？])(?=[^。！？\"'”’)\]])")


@dataclass(frozen=True)
class PhonemeWord:
    phonemes: str
    """Phonemes of one spoken word, no spaces, punctuation attached as the G2P put it."""
    owner: int
    """Index of the input word it says."""


@dataclass(frozen=True)
class Reading:
    words: list[str]
    """The input's words as written (inline pronunciations shown as their word)."""
    sentences: list[list[PhonemeWord]]

    def phoneme_sentences(self) -> list[str]:
        return [" ".join(w.phonemes for w in sentence) for sentence in self.sentences]

    def phoneme_words(self) -> list[PhonemeWord]:
        return [w for sentence in self.sentences for w in sentence]


@dataclass(frozen=True)
class _Token:
    text: str
    owner: int
    phonemes: str | None = None
    """Given phonemes (inline pronunciation or phoneme input), not to be phonemized."""
    line_break_after: bool = False


def read(
    text: str,
    language: Language,
    phonemizer: Phonemizer,
    options: NormalizationOptions,
    input_type: InputType = "text",
) -> Reading:
    """The reading of ``text``: words as written and phonemized sentences."""
    text = clean(text)
    if input_type == "phonemes":
        return _read_phonemes(text, phonemizer)
    protected = [m.span() for m in INLINE_PRONUNCIATION.finditer(text)]
    spoken = normalize_text(text, options, language.code, protected)
    words, owner_of = _input_words(text, [(r.start, r.end) for r in spoken.replaced if r.spoken.strip()])
    tokens: list[_Token] = []
    for match in _TOKEN.finditer(spoken.text):
        owner = owner_of(spoken.origins[match.start()])
        line_break = "\n" in spoken.text[match.end() : _next_token_start(spoken.text, match.end())]
        tokens.extend(_tokens(match.group(), owner, line_break, phonemizer))
    sentences = [_phonemize_sentence(s, language, phonemizer) for s in _sentences(tokens)]
    return Reading(words, [s for s in sentences if s])


def _input_words(text: str, replaced: list[tuple[int, int]]) -> tuple[list[str], _OwnerLookup]:
    """The input's words; words that one replacement speaks together ("10 - 20") become one."""
    spans = [m.span() for m in _TOKEN.finditer(text)]
    for start, end in replaced:
        inside = [i for i, (s, e) in enumerate(spans) if s < end and e > start]
        if len(inside) > 1:
            first, last = inside[0], inside[-1]
            spans[first : last + 1] = [(spans[first][0], spans[last][1])]
    words = [INLINE_PRONUNCIATION.sub(r"\1", text[s:e]) for s, e in spans]
    return words, _OwnerLookup([s for s, _ in spans])


class _OwnerLookup:
    """Input position to the index of the input word at or before it."""

    def __init__(self, starts: list[int]) -> None:
        self._starts = starts

    def __call__(self, position: int) -> int:
        return max(0, bisect.bisect_right(self._starts, position) - 1)


def _next_token_start(text: str, position: int) -> int:
    match = re.compile(r"\S").search(text, position)
    return match.start() if match else len(text)


def _tokens(token: str, owner: int, line_break: bool, phonemizer: Phonemizer) -> list[_Token]:
    pieces = [p for p in _CJK_STOP.split(token) if p]
    out: list[_Token] = []
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        inline = INLINE_PRONUNCIATION.search(piece)
        if inline is None:
            out.append(_Token(piece, owner, None, line_break and last))
            continue
        # Punctuation written around an inline pronunciation still shapes the prosody.
        before, after = piece[: inline.start()], piece[inline.end() :]
        phonemes = _marks(before) + phonemizer.known("".join(inline.group(2).split())) + _marks(after)
        out.append(_Token(piece, owner, phonemes, line_break and last))
    return out


def _marks(text: str) -> str:
    return "".join(ch for ch in text if ch in PUNCTUATION and not ch.isspace())


def _sentences(tokens: list[_Token]) -> list[list[_Token]]:
    sentences: list[list[_Token]] = [[]]
    for token in tokens:
        sentences[-1].append(token)
        if token.line_break_after or _SENTENCE_END.search(token.text):
            sentences.append([])
    return [s for s in sentences if s]


def _phonemize_sentence(tokens: list[_Token], language: Language, phonemizer: Phonemizer) -> list[PhonemeWord]:
    words: list[PhonemeWord] = []
    run: list[_Token] = []
    for token in [*tokens, None]:
        if token is not None and token.phonemes is None:
            run.append(token)
            continue
        words.extend(_phonemize_run(run, language, phonemizer))
        run = []
        if token is not None and token.phonemes:
            words.append(PhonemeWord(token.phonemes, token.owner))
    return words


def _phonemize_run(run: list[_Token], language: Language, phonemizer: Phonemizer) -> list[PhonemeWord]:
    if not run:
        return []
    (phonemes,) = phonemizer.phonemize([" ".join(t.text for t in run)], language)
    said = phonemes.split()
    if len(run) == 1:
        return [PhonemeWord(p, run[0].owner) for p in said]
    if len(said) == len(run):
        return [PhonemeWord(p, t.owner) for p, t in zip(said, run, strict=True)]
    middle = len(run) // 2
    return _phonemize_run(run[:middle], language, phonemizer) + _phonemize_run(run[middle:], language, phonemizer)


def _read_phonemes(text: str, phonemizer: Phonemizer) -> Reading:
    """Phoneme input: spoken as given, each space-separated group a word."""
    words: list[str] = []
    tokens: list[_Token] = []
    for match in _TOKEN.finditer(text):
        line_break = "\n" in text[match.end() : _next_token_start(text, match.end())]
        words.append(match.group())
        tokens.append(_Token(match.group(), len(words) - 1, phonemizer.known(match.group()), line_break))
    sentences = [[PhonemeWord(t.phonemes, t.owner) for t in s if t.phonemes] for s in _sentences(tokens)]
    return Reading(words, [s for s in sentences if s])
