"""How an input is read: its words, its sentences, and the phonemes of each word.

Every phoneme word keeps the index of the input word it came from, so word timings can
name the words as written: "$7.25" is one word that is spoken as "seven dollars and twenty
five cents". The steps:

0. Pronunciation lexicons (the server's, the request's, the SSML's) rewrite their words as inline
   pronunciations or alias spans, which the steps below read as they read the ones written.
1. Inline pronunciations, ``[Kokoro](/kˈOkəɹO/)``, are found and protected.
2. The normalizer rewrites what espeak-ng would misread (numbers, money, units...), keeping
   for every spoken character the input position it came from.
3. The spoken text is cut into tokens and sentences; each token is owned by an input word.
4. Runs of tokens between inline pronunciations are phonemized whole, so the G2P sees the
   context: the audio never depends on word bookkeeping. Where the G2P returns as many words
   as it was given, they pair up. Where it joins words ("of the" -> "ʌvðə") or splits them,
   each token is also phonemized alone, only to learn its length, and every phoneme word goes
   to the token at the same relative position; a token left without phoneme words is spoken
   inside its neighbour's, so the two input words become one timed word ("of the").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from itertools import accumulate, pairwise

from kokoro_speech.engine import languages
from kokoro_speech.engine.chunks import CLAUSE_MARKS, INNER_SPACE, SENTENCE_MARKS
from kokoro_speech.engine.job import InputType
from kokoro_speech.engine.languages import Language, UnknownLanguageError
from kokoro_speech.engine.phonemes import PUNCTUATION, Phonemizer
from kokoro_speech.engine.text import clean
from kokoro_speech.normalize import (
    INLINE_PRONUNCIATION,
    NormalizationOptions,
    Replacement,
    SpokenText,
    normalize_text,
    pronunciations,
)
from kokoro_speech.normalize.config import TextConfig
from kokoro_speech.normalize.lexicon import NO_LEXICONS, LanguageNames, Lexicons, SpokenIn
from kokoro_speech.normalize.locales import say_as
from kokoro_speech.normalize.marked import MarkedText, MarkupError, SayAs, Voicing
from kokoro_speech.normalize.pauses import PauseMark, pause_marks
from kokoro_speech.normalize.ssml import SsmlLimits, parse_ssml
from kokoro_speech.normalize.voice_tags import VoiceTagError, voice_tagged

# A token is a run of non-space characters; inline markup counts as one, spaces and all.
_TOKEN = re.compile(rf"(?:{INLINE_PRONUNCIATION.pattern}|\S)+")
# Only the start of a run of marks is tried: from each of 4,095 "!" before a letter, the run was scanned to its
# end again (120 ms, growing with the square of the length).
_SENTENCE_END = re.compile(r"(?<![.!?…。！？])[.!?…。！？]++[\"'”’)\]]*+$")
# Japanese and Chinese write no spaces: a token may hold several clauses and sentences. It is cut
# after their full-width marks, so that each clause is a word of its own for timings.
_CJK_BREAK = re.compile(r"(?<=[。！？、，；：])(?=[^。！？、，；：\"'”’)\]])")
_NOT_SPACE = re.compile(r"\S")
_STRESS = frozenset("ˈˌ")
_CLOSERS = "\"')]”’»"


@dataclass(frozen=True)
class PhonemeWord:
    phonemes: str
    """Phonemes of one spoken word, no spaces, punctuation attached as the G2P put it."""
    owner: int
    """Index of the input word it says."""


@dataclass(frozen=True)
class SentenceStyle:
    """How a sentence is voiced beyond its phonemes (markup: pauses, ``<prosody rate>``, ``<voice>``)."""

    rate: float = 1.0
    """Multiplies the request's speed."""
    voice: str | None = None
    """Who says it, as the markup names them; None: the request's voice."""
    pause_after: float | None = None
    """Seconds of silence asked for after it (a pause marker or ``<break>``); None: the usual rest."""


@dataclass(frozen=True)
class Reading:
    words: list[str]
    """The input's words as written (inline pronunciations shown as their word); a word spoken
    inside another's phonemes is folded into it and left empty."""
    sentences: list[list[PhonemeWord]]
    styles: list[SentenceStyle] = field(default_factory=list)
    """One per sentence; empty for phoneme input, whose sentences are all voiced the usual way."""
    lead_in: float = 0.0
    """Seconds of silence asked for before the first word."""

    def style(self, index: int) -> SentenceStyle:
        return self.styles[index] if self.styles else _USUAL

    def phoneme_sentences(self) -> list[str]:
        return [" ".join(w.phonemes for w in sentence) for sentence in self.sentences]

    def planner_sentences(self) -> list[str]:
        """The phoneme sentences with the words of one written word joined by the planner's inner
        space, so that a chunk is cut inside a reading ("three dollars | and ...") only as a last resort."""
        planned = []
        for sentence in self.sentences:
            text = sentence[0].phonemes
            for before, word in pairwise(sentence):
                text += (INNER_SPACE if word.owner == before.owner else " ") + word.phonemes
            planned.append(text)
        return planned

    def phoneme_words(self) -> list[PhonemeWord]:
        return [w for sentence in self.sentences for w in sentence]


@dataclass(frozen=True)
class _Token:
    text: str
    owner: int
    phonemes: str | None = None
    """Given phonemes (inline pronunciation or phoneme input), not to be phonemized."""
    line_break_after: bool = False


_USUAL = SentenceStyle()


def markup_limits(text: TextConfig) -> SsmlLimits:
    return SsmlLimits(text.ssml_max_depth, text.ssml_max_elements, text.max_pause_seconds, text.max_total_pause_seconds)


DEFAULT_LIMITS = markup_limits(TextConfig())
"""Markup limits where the caller gives none (the server passes its configured ones)."""

LANGUAGE_NAMES = LanguageNames(
    tuple(language.code for language in languages.LANGUAGES),
    lambda name: languages.find(name).code,
    languages.supported(),
)
"""The server's languages as the text layer (lexicons' ``xml:lang``) is told of them."""


class PauseTooLongError(MarkupError):
    """A pause marker asks for more silence than the server allows."""


VoiceLanguage = Callable[[str], Language]
"""The language of a voice named in markup; raises UnknownVoiceError for a voice the server does not have."""


def read(
    text: str,
    language: Language,
    phonemizer: Phonemizer,
    options: NormalizationOptions,
    input_type: InputType = "text",
    limits: SsmlLimits = DEFAULT_LIMITS,
    voice_tags: bool = False,
    voice_language: VoiceLanguage | None = None,
    lexicons: Lexicons = NO_LEXICONS,
) -> Reading:
    """The reading of ``text``: words as written and phonemized sentences. With ``voice_tags``, plain text's
    ``[voice:...]`` and ``[rate:...]`` tags switch speaker and rate, as SSML's ``<voice>`` and ``<prosody>`` do.
    ``lexicons`` say their words as they say (phoneme input, spoken as given, excepted), the SSML's own after
    them, taking precedence.

    Raises MarkupError (malformed SSML, a pause too long, a ``<lang>`` the server does not speak), and
    ``voice_language``'s UnknownVoiceError for a speaker the server does not have.
    """
    text = clean(text)
    if input_type == "phonemes":
        return _read_phonemes(text, phonemizer)
    marked = _marked(text, input_type, limits, phonemizer, voice_tags)
    marked = lexicons.then(*marked.lexicons).apply(marked, spoken_in(language, voice_language))
    marks = list(pause_marks(marked.text))
    for mark in marks:
        if mark.seconds > limits.max_pause_seconds:
            raise PauseTooLongError(
                f"A pause of {mark.seconds:g} s is longer than this server allows ({limits.max_pause_seconds:g} s)."
            )
    asked = sum(mark.seconds for mark in marks) - marked.rest_seconds
    if asked > limits.max_total_pause_seconds:
        raise PauseTooLongError(
            f"The pauses of this input ask for {asked:g} s of silence together; this server allows at most "
            f"{limits.max_total_pause_seconds:g} s in one request."
        )
    # Markers are silence, not words: blanked (same length, so every position still holds).
    plain = _blank(marked.text, [(m.start, m.end) for m in marks])
    passages = _passages(plain, marks, marked.voicings, language, voice_language or _no_voices)
    spoken = [_normalized(plain, passage, marked.say_as, options) for passage in passages]
    words = _InputWords(
        plain, [(r.start + p.start, r.end + p.start) for p, s in zip(passages, spoken, strict=True) for r in _said(s)]
    )
    sentences: list[list[PhonemeWord]] = []
    styles: list[SentenceStyle] = []
    lead_in = 0.0
    for passage, said in zip(passages, spoken, strict=True):
        tokens: list[_Token] = []
        origins = tuple(origin + passage.start for origin in said.origins)
        for match in _TOKEN.finditer(said.text):
            line_break = "\n" in said.text[match.end() : _next_token_start(said.text, match.end())]
            tokens.extend(_tokens(match, origins, words, line_break, passage.language, phonemizer))
        found: list[list[PhonemeWord]] = []
        for sentence in _sentences(tokens):
            heard = _phonemize_sentence(sentence, passage.language, phonemizer, words)
            if heard and sentence[-1].line_break_after:
                heard[-1] = _ending_a_sentence(heard[-1])
            if heard:
                found.append(heard)
        if not found:
            # Nothing said between two pauses: they are one longer pause, no longer than one may be (else a few
            # thousand characters of markers would ask for hours of silence, made in one piece).
            if passage.pause_after is not None:
                if styles:
                    joined = min((styles[-1].pause_after or 0.0) + passage.pause_after, limits.max_pause_seconds)
                    styles[-1] = replace(styles[-1], pause_after=joined)
                else:
                    lead_in = min(lead_in + passage.pause_after, limits.max_pause_seconds)
            continue
        sentences += found
        styles += [SentenceStyle(passage.rate, voice=passage.voice)] * len(found)
        styles[-1] = replace(styles[-1], pause_after=passage.pause_after)
    return Reading(words.texts(), sentences, styles, lead_in)


@dataclass(frozen=True)
class _Passage:
    """A stretch of the input read in one language at one rate, and the pause asked for after it."""

    start: int
    end: int
    language: Language
    rate: float
    pause_after: float | None
    voice: str | None = None


def _ending_a_sentence(word: PhonemeWord) -> PhonemeWord:
    """The last word of a line (a heading, a list item, an SSML ``<s>``) with a full stop where it has no
    mark of its own: without one the model runs on into the next line, and the planner sees no end."""
    if word.phonemes.rstrip(_CLOSERS)[-1:] in SENTENCE_MARKS + CLAUSE_MARKS:
        return word
    return PhonemeWord(word.phonemes + ".", word.owner)


def _blank(text: str, spans: Sequence[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _marked(
    text: str, input_type: InputType, limits: SsmlLimits, phonemizer: Phonemizer, voice_tags: bool
) -> MarkedText:
    if input_type == "ssml":
        return parse_ssml(text, limits, phonemizer.vocabulary, LANGUAGE_NAMES)
    if not voice_tags:
        return MarkedText(text)
    try:
        return voice_tagged(text)
    except VoiceTagError as error:
        raise MarkupError(str(error)) from error


def _passages(
    text: str, marks: list[PauseMark], voicings: Sequence[Voicing], language: Language, voice_language: VoiceLanguage
) -> list[_Passage]:
    """``text`` cut at every pause marker and wherever the speaker, language or rate changes."""
    cuts = sorted({0, len(text), *(v.start for v in voicings), *(v.end for v in voicings)})
    pieces: list[_Passage] = []
    for start, end in pairwise(cuts):
        voicing = next((v for v in voicings if v.start <= start and end <= v.end), None)
        voice = voicing.voice if voicing else None
        said_in = _language_of(voicing, language, voice_language)
        rate = voicing.rate if voicing else 1.0
        position = start
        for mark in (m for m in marks if start <= m.start < end):
            pieces.append(_Passage(position, mark.start, said_in, rate, mark.seconds, voice))
            position = mark.end
        pieces.append(_Passage(position, end, said_in, rate, None, voice))
    return pieces


def spoken_in(language: Language, voice_language: VoiceLanguage | None = None) -> SpokenIn:
    """The language of each stretch of marked text, as the reader decides it, for the lexicons: None where the
    reader refuses it (an unknown language or speaker), which it then does with its own message."""

    def code(voicing: Voicing | None) -> str | None:
        try:
            return _language_of(voicing, language, voice_language or _no_voices).code
        except ValueError:
            return None

    return code


def _language_of(voicing: Voicing | None, language: Language, voice_language: VoiceLanguage) -> Language:
    """A voicing's own language, else its voice's, else the request's."""
    if voicing is not None and voicing.language:
        return _language(voicing.language)
    if voicing is not None and voicing.voice is not None:
        return voice_language(voicing.voice)
    return language


def _no_voices(name: str) -> Language:
    raise MarkupError(f'The markup names the voice "{name}", but speakers cannot switch here.')


def _language(name: str) -> Language:
    try:
        return languages.find(name)
    except UnknownLanguageError as error:
        raise MarkupError(f"<lang> names a language this server does not speak: {error}") from error


def _normalized(text: str, passage: _Passage, say: Sequence[SayAs], options: NormalizationOptions) -> SpokenText:
    """One passage's spoken text, its origins relative to the passage."""
    piece = text[passage.start : passage.end]
    code = passage.language.code
    given: list[Replacement] = []
    for span in say:
        if passage.start <= span.start and span.end <= passage.end:
            written = text[span.start : span.end]
            alias = span.interpret_as == "alias"
            spoken = span.detail if alias else say_as(written, span.interpret_as, code, span.detail)
            if spoken is not None:
                given.append(Replacement(span.start - passage.start, span.end - passage.start, spoken))
    protected = [m.span() for m in pronunciations(piece)]
    return normalize_text(piece, options, code, protected, given=given)


def _said(spoken: SpokenText) -> list[Replacement]:
    """Replacements that say something: the words they cover are one written word."""
    return [r for r in spoken.replaced if r.spoken.strip()]


class _InputWords:
    """The input's words, by position; words that one reading covers become one."""

    def __init__(self, text: str, replaced: list[tuple[int, int]]) -> None:
        self._text = text
        spans = [
            piece
            for m in _TOKEN.finditer(text)
            for piece in ([m.span()] if INLINE_PRONUNCIATION.search(m.group()) else _cjk_pieces(text, *m.span()))
        ]
        # A replacement that speaks several written words together ("9:30 a.m.") makes them one.
        for start, end in replaced:
            inside = [i for i, (s, e) in enumerate(spans) if s < end and e > start]
            if len(inside) > 1:
                first, last = inside[0], inside[-1]
                spans[first : last + 1] = [(spans[first][0], spans[last][1])]
        self._spans = spans
        self._starts = [s for s, _ in spans]
        self._folded_into: dict[int, int] = {}

    def owner_at(self, position: int) -> int:
        """The index of the word at or before an input position."""
        return max(0, bisect.bisect_right(self._starts, position) - 1)

    def fold(self, word: int, into: int) -> None:
        """``word`` is spoken inside ``into``'s phonemes: they are timed as one."""
        self._folded_into[word] = self.resolve(into)

    def resolve(self, word: int) -> int:
        """The word that ``word`` is timed as (itself unless folded)."""
        while word in self._folded_into:
            word = self._folded_into[word]
        return word

    def texts(self) -> list[str]:
        bounds = list(self._spans)
        for word in self._folded_into:
            root = self.resolve(word)
            bounds[root] = (min(bounds[root][0], self._spans[word][0]), max(bounds[root][1], self._spans[word][1]))
        return [
            "" if i in self._folded_into else _as_written(self._text[start:end])
            for i, (start, end) in enumerate(bounds)
        ]


def _cjk_pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut after each full-width clause or sentence mark."""
    cuts = [start, *(m.start() for m in _CJK_BREAK.finditer(text, start, end) if start < m.start() < end), end]
    return list(pairwise(cuts))


def _as_written(text: str) -> str:
    """Inline pronunciations and links shown as the word they mark."""
    return INLINE_PRONUNCIATION.sub(r"\1", text)


def _next_token_start(text: str, position: int) -> int:
    match = _NOT_SPACE.search(text, position)
    return match.start() if match else len(text)


def _tokens(
    match: re.Match[str],
    origins: tuple[int, ...],
    words: _InputWords,
    line_break: bool,
    language: Language,
    phonemizer: Phonemizer,
) -> list[_Token]:
    token = match.group()
    inline = list(pronunciations(token))
    if inline:
        owner = words.owner_at(origins[match.start()])
        return [_Token(token, owner, _with_pronunciations(token, inline, language, phonemizer), line_break)]
    text, end = match.string, match.end()
    return [
        _Token(text[a:b], words.owner_at(origins[a]), None, line_break and b == end)
        for a, b in _cjk_pieces(text, match.start(), end)
    ]


def _with_pronunciations(token: str, inline: list[re.Match[str]], language: Language, phonemizer: Phonemizer) -> str:
    """A token holding inline pronunciations: given phonemes where given, the G2P's elsewhere
    ("[Kokoro](/kˈOkəɹO/)'s"), punctuation kept for the prosody it carries."""
    said = ""
    position = 0
    for match in inline:
        said += _around(token[position : match.start()], language, phonemizer)
        said += phonemizer.known("".join(match.group(2).split()))
        position = match.end()
    return said + _around(token[position:], language, phonemizer)


def _around(text: str, language: Language, phonemizer: Phonemizer) -> str:
    if any(ch.isalnum() for ch in text):
        return "".join(phonemizer.phonemize([text], language)[0].split())
    return "".join(ch for ch in text if ch in PUNCTUATION and not ch.isspace())


def _sentences(tokens: list[_Token]) -> list[list[_Token]]:
    sentences: list[list[_Token]] = [[]]
    for token in tokens:
        sentences[-1].append(token)
        if token.line_break_after or _SENTENCE_END.search(token.text):
            sentences.append([])
    return [s for s in sentences if s]


def _phonemize_sentence(
    tokens: list[_Token], language: Language, phonemizer: Phonemizer, words: _InputWords
) -> list[PhonemeWord]:
    said: list[PhonemeWord] = []
    run: list[_Token] = []
    for token in [*tokens, None]:
        if token is not None and token.phonemes is None:
            run.append(token)
            continue
        said.extend(_phonemize_run(run, language, phonemizer, words))
        run = []
        if token is not None and token.phonemes:
            said.append(PhonemeWord(token.phonemes, words.resolve(token.owner)))
    return [PhonemeWord(w.phonemes, words.resolve(w.owner)) for w in said]


def _phonemize_run(
    run: list[_Token], language: Language, phonemizer: Phonemizer, words: _InputWords
) -> list[PhonemeWord]:
    if not run:
        return []
    (phonemes,) = phonemizer.phonemize([" ".join(t.text for t in run)], language)
    said = phonemes.split()
    if not said:
        return []  # the G2P says nothing for the run (a lone "·"): there is nothing to own
    if len(said) == len(run):
        return [PhonemeWord(p, t.owner) for p, t in zip(said, run, strict=True)]
    alone = phonemizer.phonemize([t.text for t in run], language)
    owners, covering = _owners_by_position(said, alone)
    # A token no phoneme word went to is spoken inside the phoneme word at its position.
    heard = set(owners)
    for index, token in enumerate(run):
        if index not in heard and run[covering[index]].owner != token.owner:
            words.fold(token.owner, run[covering[index]].owner)
    return [PhonemeWord(p, run[i].owner) for p, i in zip(said, owners, strict=True)]


def _owners_by_position(said: list[str], alone: list[str]) -> tuple[list[int], list[int]]:
    """Match a whole run's phoneme words with its tokens by relative position, judged by the
    length each token has when phonemized alone.

    Returns, for each phoneme word, the token at its middle, and for each token, the token
    owning the phoneme word at the token's middle.
    """
    token_ends = list(accumulate(max(1, _sounds(p)) for p in alone))
    scale = token_ends[-1] / sum(max(1, _sounds(p)) for p in said)
    word_ends = [end * scale for end in accumulate(max(1, _sounds(p)) for p in said)]
    word_starts = [0.0, *word_ends[:-1]]
    last = len(alone) - 1
    owners = [
        min(bisect.bisect_left(token_ends, (a + b) / 2), last) for a, b in zip(word_starts, word_ends, strict=True)
    ]
    token_starts = [0, *token_ends[:-1]]
    covering = [
        owners[min(bisect.bisect_left(word_ends, (a + b) / 2), len(said) - 1)]
        for a, b in zip(token_starts, token_ends, strict=True)
    ]
    return owners, covering


def _sounds(phonemes: str) -> int:
    return sum(1 for ch in phonemes if ch not in PUNCTUATION and ch not in _STRESS and not ch.isspace())


def _read_phonemes(text: str, phonemizer: Phonemizer) -> Reading:
    """Phoneme input: spoken as given, each space-separated group a word."""
    words: list[str] = []
    tokens: list[_Token] = []
    for match in _NOT_SPACE_RUN.finditer(text):
        line_break = "\n" in text[match.end() : _next_token_start(text, match.end())]
        words.append(match.group())
        tokens.append(_Token(match.group(), len(words) - 1, phonemizer.known(match.group()), line_break))
    sentences = [[PhonemeWord(t.phonemes, t.owner) for t in s if t.phonemes] for s in _sentences(tokens)]
    return Reading(words, [s for s in sentences if s])


_NOT_SPACE_RUN = re.compile(r"\S+")
