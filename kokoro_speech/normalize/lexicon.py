"""Pronunciation lexicons (W3C PLS 1.0): words said the way a lexicon says, wherever they are written.

A lexicon is a ``<lexicon>`` of ``<lexeme>`` entries, each with one or more ``<grapheme>`` (the
words as written) and an ``<alias>`` (a respelling the G2P reads instead) or a ``<phoneme>``.
Phonemes are in the lexeme's ``alphabet``, else the lexicon's: ``"ipa"``, mapped to the model's
symbols as SSML's IPA is, or ``"x-kokoro"``, the model's own symbols as inline pronunciations
write them (PLS leaves other alphabets to "x-" names). Where a lexeme has several, the first
marked ``prefer="true"`` is said, else the first; where lexemes share a grapheme, the first is said.

Matching is by whole words, as written: case and accents count ("Nginx" is not "nginx"), a
grapheme of several words matches them across any spaces but not across a line, and the
longest grapheme wins. A word is a run of letters, digits and combining marks; a match may not
start or end inside one. Chinese and Japanese write no spaces, so for their characters (and
those of other scripts without spaces) every character boundary counts as a word boundary:
"東京" matches in "東京都", "AI" in "AIで".

A lexicon applies to the language of its ``xml:lang``, as the server names its languages, so
"en-US", "en-us" and "a" are the same. A tag naming a language of which the server speaks
several variants ("en") applies to them all, as does a variant the server does not speak
("en-AU", "pt-PT": the server's nearest). A lexicon without ``xml:lang`` applies to every language.
The server's table of languages belongs to the engine, a layer above this one: the engine hands
it in (``LanguageNames``), and tells in which language each stretch of a text is read.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import Literal, NoReturn

from kokoro_speech.normalize.ipa import (
    ALPHABETS,
    IPA_ALPHABET,
    KOKORO_ALPHABET,
    UnknownSymbolError,
    describe,
    model_phonemes,
)
from kokoro_speech.normalize.marked import MarkedText, MarkupError, SayAs, Voicing
from kokoro_speech.normalize.pauses import PAUSE_MARKER
from kokoro_speech.normalize.pronunciation import INLINE_PRONUNCIATION, pronunciations
from kokoro_speech.normalize.xml_input import LINE_BREAK, read_xml

__all__ = [
    "ALPHABETS",
    "KOKORO_ALPHABET",
    "NO_LEXICONS",
    "PLS_NAMESPACE",
    "LanguageNames",
    "Lexicon",
    "LexiconError",
    "LexiconReader",
    "Lexicons",
    "Pronunciation",
    "SpokenIn",
    "load_lexicons",
    "parse_lexicon",
]

PLS_NAMESPACE = "http://www.w3.org/2005/01/pronunciation-lexicon"

MAX_LEXICON_CHARS = 4_000_000
"""Longest lexicon document read: ample for tens of thousands of entries, small enough to parse in a moment."""
MAX_LEXICON_DEPTH = 16
"""Deepest nesting of elements; PLS itself needs 3, the rest is room for ``<metadata>``."""
MAX_GRAPHEME_CHARS = 100
"""Longest grapheme: each input position may be compared with this many characters of each lexicon."""

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_SPACE = " "
_TEXT_ELEMENTS = frozenset({"grapheme", "phoneme", "alias"})
_UNREAD_ELEMENTS = frozenset({"meta", "metadata", "example"})
"""Elements that describe the lexicon; their content is not read."""
_WORD_JOINERS = frozenset("\u200c\u200d")
"""Zero-width (non-)joiners, which Indic scripts write inside words."""
# Scripts written without spaces between words: Thai, Lao, Myanmar, Khmer, kana, CJK
# punctuation's ideographic marks (々, 〇), CJK ideographs and their extensions and compatibility forms.
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3005-\u3007\u3021-\u3029\u3040-\u30ff\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003ffff]"
)

Kind = Literal["phonemes", "alias"]
SpokenIn = Callable[[Voicing | None], str | None]
"""The code of the language a stretch of marked text is read in, given the voicing over it (None: none, the
request's language); None where that is not known, so no lexicon applies (the reader refuses it itself)."""


@dataclass(frozen=True)
class LanguageNames:
    """How the server names the languages it speaks."""

    codes: tuple[str, ...]
    """Every language's code ("en-us", "ja"...)."""
    find: Callable[[str], str]
    """The code a name stands for (a code, a common alias, Kokoro's letter); raises ValueError for a language
    the server does not speak."""
    listed: str
    """The languages, as messages list them."""


class LexiconError(MarkupError):
    """A lexicon that cannot be read, naming its source and where in it (line, column)."""


@dataclass(frozen=True)
class Pronunciation:
    """How one grapheme is said."""

    grapheme: str
    """As written, NFC, its words apart by single spaces."""
    kind: Kind
    said: str
    """Kokoro phonemes (words apart by single spaces), or the alias the G2P reads."""


@dataclass(frozen=True)
class Lexicon:
    source: str
    """Where it came from (a file, "request"), for messages."""
    scope: frozenset[str] | None
    """The server's codes of the languages it applies to; None: every language."""
    entries: tuple[Pronunciation, ...]
    """One per grapheme, in document order."""

    def applies_to(self, code: str) -> bool:
        return self.scope is None or code in self.scope

    @cached_property
    def _fingerprint(self) -> str:
        scope = sorted(self.scope) if self.scope is not None else None
        said = [[entry.grapheme, entry.kind, entry.said] for entry in self.entries]
        return hashlib.sha256(json.dumps([scope, said], ensure_ascii=False).encode()).hexdigest()

    def fingerprint(self) -> str:
        """Changes with what it says and where it applies, not with where it came from (worked out once: the
        server's lexicons are part of every request's cache key)."""
        return self._fingerprint

    @cached_property
    def _trie(self) -> _Node:
        root = _Node()
        for entry in self.entries:
            node = root
            for character in entry.grapheme:
                node = node.children.setdefault(character, _Node())
            node.entry = entry
        return root


class _Node:
    """A trie node: graphemes a character at a time, a single space standing for any run of spaces."""

    __slots__ = ("children", "entry")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.entry: Pronunciation | None = None


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    entry: Pronunciation


@dataclass(frozen=True)
class Lexicons:
    """Lexicons in order of precedence, the last first: the server's, then a request's, then its SSML's."""

    items: tuple[Lexicon, ...] = ()

    def then(self, *more: Lexicon) -> Lexicons:
        """These lexicons with ``more`` after them, taking precedence over them."""
        return Lexicons((*self.items, *more))

    def __bool__(self) -> bool:
        return bool(self.items)

    def fingerprint(self) -> str:
        """Changes whenever what the lexicons say, or their order, does; empty where there are none, so
        that a result cache keys what it did before lexicons existed the same way."""
        if not self.items:
            return ""
        return hashlib.sha256("\n".join(lexicon.fingerprint() for lexicon in self.items).encode()).hexdigest()

    def apply(self, marked: MarkedText, spoken_in: SpokenIn) -> MarkedText:
        """``marked`` with the lexicons' words said as they say, each stretch by the lexicons of the language
        ``spoken_in`` says it is read in (the reader's own decision, so the two never differ).

        A word with phonemes is rewritten as an inline pronunciation, one with an alias gets an alias span;
        every span moves with its words. Inline pronunciations, pause markers and say-as spans were given
        explicitly and are never touched.
        """
        if not self.items:
            return marked
        matches = list(self._matches(marked, spoken_in))
        if not matches:
            return marked
        return _rewritten(marked, matches)

    def _matches(self, marked: MarkedText, spoken_in: SpokenIn) -> Iterator[_Match]:
        text = marked.text
        cuts = sorted({0, len(text), *(v.start for v in marked.voicings), *(v.end for v in marked.voicings)})
        given = _given_spans(marked)
        for start, end in pairwise(cuts):
            voicing = next((v for v in marked.voicings if v.start <= start and end <= v.end), None)
            code = spoken_in(voicing)
            applying = [lexicon for lexicon in self.items if code is not None and lexicon.applies_to(code)]
            if not applying:
                continue
            for free_start, free_end in _outside(given, start, end):
                yield from _found(applying, text, free_start, free_end)


def parse_lexicon(
    document: str, vocabulary: Collection[str], languages: LanguageNames, source: str = "request"
) -> Lexicon:
    """The lexicon a PLS 1.0 document holds; ``vocabulary`` holds the phoneme symbols the model knows.

    Raises LexiconError naming ``source`` and the line and column of what is wrong.
    """
    if len(document) > MAX_LEXICON_CHARS:
        line, column = _position(document, MAX_LEXICON_CHARS)
        raise LexiconError(
            f'Lexicon "{source}" is longer than {MAX_LEXICON_CHARS} characters: it goes past that at line {line}, '
            f"column {column}"
        )
    reader = LexiconReader(source, vocabulary, languages)
    read_xml(document, reader, f'Lexicon "{source}"', LexiconError)
    return reader.lexicon()


def load_lexicons(paths: Sequence[Path], vocabulary: Collection[str], languages: LanguageNames) -> Lexicons:
    """The server's lexicons, in the order given (a later file's graphemes take precedence)."""
    loaded = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise LexiconError(f'Lexicon "{path}" cannot be read: {error.strerror or error}') from None
        try:
            document = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
            raise LexiconError(f'Lexicon "{path}" is not UTF-8 text at line {line}, byte {column}') from None
        loaded.append(parse_lexicon(document, vocabulary, languages, str(path)))
    return Lexicons(tuple(loaded))


NO_LEXICONS = Lexicons()


# Reading a document.


def _position(document: str, offset: int) -> tuple[int, int]:
    """Line and column, both from 1, of ``document[offset]``."""
    line_start = max(document.rfind("\n", 0, offset), document.rfind("\r", 0, offset)) + 1
    return len(LINE_BREAK.findall(document, 0, offset)) + 1, offset - line_start + 1


@dataclass
class _Open:
    name: str
    attrib: dict[str, str]
    where: str
    """`` at line L, column C`` of its start tag."""
    text: list[str] = field(default_factory=list)


@dataclass
class _Lexeme:
    where: str
    graphemes: list[str] = field(default_factory=list)
    said: tuple[Kind, str] | None = None
    preferred: bool = False


class LexiconReader:
    """The parser's target: reads the lexicon while it is parsed, so limits stop it early. SSML's parser gives
    it the events of a lexicon written inside a document, its positions the document's."""

    def __init__(self, source: str, vocabulary: Collection[str], languages: LanguageNames) -> None:
        self._source = source
        self._vocabulary = vocabulary
        self._languages = languages
        self._open: list[_Open] = []
        self._unread = 0
        """Open elements inside one whose content is not read."""
        self._alphabet = IPA_ALPHABET
        self._scope: frozenset[str] | None = None
        self._lexeme: _Lexeme | None = None
        self._entries: dict[str, Pronunciation] = {}
        self.locate: Callable[[], str] = lambda: ""
        """Where the parser is, as `` at line L, column C``."""

    def lexicon(self) -> Lexicon:
        return Lexicon(self._source, self._scope, tuple(self._entries.values()))

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        where = self.locate()
        if len(self._open) >= MAX_LEXICON_DEPTH:
            self._fail(f"nests elements more than {MAX_LEXICON_DEPTH} deep", where)
        namespace, _, name = tag.rpartition("}")
        namespace = namespace.lstrip("{")
        parent = self._open[-1] if self._open else None
        self._open.append(_Open(name, attrib, where))
        if parent is None:
            self._root(namespace, name, attrib, where)
        elif self._unread:
            self._unread += 1
        elif parent.name in _TEXT_ELEMENTS:
            self._fail(f"<{parent.name}> holds only text, not a <{name}> element", where)
        elif namespace not in ("", PLS_NAMESPACE) or name in _UNREAD_ELEMENTS:
            self._unread += 1  # metadata, examples and other vocabularies' elements say nothing
        elif parent.name == "lexicon" and name == "lexeme":
            self._lexeme = _Lexeme(where)
        elif parent.name != "lexeme" or name not in _TEXT_ELEMENTS:
            self._fail(f"<{name}> is not a PLS element that <{parent.name}> may hold", where)

    def data(self, text: str) -> None:
        if self._open and not self._unread and self._open[-1].name in _TEXT_ELEMENTS:
            self._open[-1].text.append(text)

    def end(self, tag: str) -> None:
        element = self._open.pop()
        if self._unread:
            self._unread -= 1
        elif element.name == "lexeme":
            self._end_lexeme()
        elif element.name == "grapheme":
            self._grapheme(element)
        elif element.name in ("phoneme", "alias"):
            self._pronunciation(element)

    def close(self) -> None:
        return None

    def _fail(self, problem: str, where: str) -> NoReturn:
        raise LexiconError(f'Lexicon "{self._source}": {problem}{where}')

    def _root(self, namespace: str, name: str, attrib: dict[str, str], where: str) -> None:
        if name != "lexicon" or namespace not in ("", PLS_NAMESPACE):
            written = f"{{{namespace}}}{name}" if namespace else name
            self._fail(f"the root element must be PLS's <lexicon>, not <{written}>", where)
        self._alphabet = self._checked_alphabet(attrib.get("alphabet", IPA_ALPHABET), where)
        tag = attrib.get(_XML_LANG, "")
        try:
            self._scope = _scope(tag, self._languages)
        except ValueError:
            self._fail(f'xml:lang "{tag}" is not a language this server speaks ({self._languages.listed})', where)

    def _checked_alphabet(self, alphabet: str, where: str) -> str:
        name = alphabet.strip().lower()
        if name not in ALPHABETS:
            accepted = ", ".join(f'"{a}"' for a in ALPHABETS)
            self._fail(f'alphabet "{alphabet}" is not accepted: use {accepted}', where)
        return name

    def _grapheme(self, element: _Open) -> None:
        assert self._lexeme is not None  # a grapheme is only read inside a lexeme
        grapheme = unicodedata.normalize("NFC", " ".join("".join(element.text).split()))
        if not grapheme:
            self._fail("<grapheme> is empty", element.where)
        if "[" in grapheme or "]" in grapheme:
            # The brackets would break the inline pronunciation the word is rewritten as.
            self._fail(f'<grapheme> "{grapheme}" may not hold "[" or "]"', element.where)
        if len(grapheme) > MAX_GRAPHEME_CHARS:
            self._fail(f"<grapheme> is longer than {MAX_GRAPHEME_CHARS} characters", element.where)
        self._lexeme.graphemes.append(grapheme)

    def _pronunciation(self, element: _Open) -> None:
        assert self._lexeme is not None  # a pronunciation is only read inside a lexeme
        written = "".join(element.text)
        said: tuple[Kind, str]
        if element.name == "alias":
            alias = " ".join(written.split())
            if not alias:
                self._fail("<alias> is empty", element.where)
            said = ("alias", alias)
        else:
            said = ("phonemes", self._phonemes(element, written))
        preferred = element.attrib.get("prefer", "").strip().lower() == "true"
        if self._lexeme.said is None or (preferred and not self._lexeme.preferred):
            self._lexeme.said, self._lexeme.preferred = said, preferred

    def _phonemes(self, element: _Open, written: str) -> str:
        own = element.attrib.get("alphabet")
        alphabet = self._alphabet if own is None else self._checked_alphabet(own, element.where)
        try:
            phonemes = model_phonemes(written, alphabet, self._vocabulary)
        except UnknownSymbolError as unknown:
            self._fail(
                f'<phoneme> symbol {describe(unknown.symbol)} in "{written.strip()}" is not one the model can say'
                + (f' (alphabet "{alphabet}")' if alphabet != IPA_ALPHABET else ""),
                element.where,
            )
        if not phonemes:
            self._fail("<phoneme> is empty", element.where)
        return phonemes

    def _end_lexeme(self) -> None:
        lexeme = self._lexeme
        assert lexeme is not None  # set when the lexeme opened
        self._lexeme = None
        if not lexeme.graphemes:
            self._fail("<lexeme> needs a <grapheme>, the words it pronounces", lexeme.where)
        if lexeme.said is None:
            self._fail("<lexeme> needs a <phoneme> or an <alias>, how its words are said", lexeme.where)
        kind, said = lexeme.said
        for grapheme in lexeme.graphemes:
            self._entries.setdefault(grapheme, Pronunciation(grapheme, kind, said))


def _scope(tag: str, languages: LanguageNames) -> frozenset[str] | None:
    """The server's codes of the languages a lexicon for ``tag`` applies to; None: all of them. Raises
    ValueError for a tag naming none."""
    key = tag.strip().lower().replace("_", "-")
    if not key:
        return None
    primary = key.partition("-")[0]
    variants = frozenset(code for code in languages.codes if code.startswith(f"{primary}-"))
    if key == primary and variants:
        return variants
    try:
        return frozenset({languages.find(key)})
    except ValueError:
        if key == primary:
            raise
    return variants or frozenset({languages.find(primary)})


# Finding the words.


def _given_spans(marked: MarkedText) -> list[tuple[int, int]]:
    """Spans whose reading was given explicitly, in order and merged: no lexicon word may touch them."""
    text = marked.text
    spans = sorted(
        [
            *(m.span() for m in INLINE_PRONUNCIATION.finditer(text)),  # links too: a word inside one stays as written
            *(m.span() for m in PAUSE_MARKER.finditer(text)),
            *((s.start, s.end) for s in marked.say_as),
        ]
    )
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _outside(spans: list[tuple[int, int]], start: int, end: int) -> Iterator[tuple[int, int]]:
    """The stretches of ``[start, end)`` outside ``spans`` (sorted, disjoint)."""
    position = start
    # The span before the first one starting here may reach into the stretch.
    for span_start, span_end in spans[max(0, bisect.bisect_left(spans, (start,)) - 1) :]:
        if span_start >= end:
            break
        if span_end <= position:
            continue
        if span_start > position:
            yield position, span_start
        position = max(position, span_end)
    if position < end:
        yield position, end


def _found(lexicons: Sequence[Lexicon], text: str, start: int, end: int) -> Iterator[_Match]:
    """Leftmost-longest matches in ``text[start:end]``; of equally long ones, the latest lexicon's."""
    position = start
    while position < end:
        best: _Match | None = None
        if not text[position].isspace() and _word_starts(text, position):
            for lexicon in lexicons:
                found = _longest(lexicon._trie, text, position, end)
                if found is not None and (best is None or found.end >= best.end):
                    best = found
        if best is None:
            position += 1
        else:
            yield best
            position = best.end


def _longest(root: _Node, text: str, start: int, end: int) -> _Match | None:
    node = root
    position = start
    best: _Match | None = None
    while position < end:
        character = text[position]
        if character.isspace():
            if character in _LINE_BREAKS:
                break
            following = position + 1
            while following < end and text[following].isspace() and text[following] not in _LINE_BREAKS:
                following += 1
            child = node.children.get(_SPACE)
        else:
            following = position + 1
            child = node.children.get(character)
        if child is None:
            break
        node, position = child, following
        if node.entry is not None and _word_ends(text, position):
            best = _Match(start, position, node.entry)
    return best


def _word_starts(text: str, position: int) -> bool:
    return position == 0 or not _inside_word(text[position - 1], text[position])


def _word_ends(text: str, position: int) -> bool:
    return position == len(text) or not _inside_word(text[position - 1], text[position])


def _inside_word(before: str, after: str) -> bool:
    """Whether a word goes on across the boundary between two characters."""
    return _in_word(before) and _in_word(after) and _UNSPACED.match(before) is None and _UNSPACED.match(after) is None


def _in_word(character: str) -> bool:
    return character.isalnum() or character in _WORD_JOINERS or unicodedata.category(character).startswith("M")


# Rewriting the text.


def _rewritten(marked: MarkedText, matches: list[_Match]) -> MarkedText:
    text = marked.text
    parts: list[str] = []
    # Where each rewritten word ended in the old text, and how far everything after it has moved.
    ends: list[int] = []
    shifts: list[int] = []
    aliases: list[tuple[int, int, str]] = []
    written_up_to = 0
    for match in matches:
        if match.entry.kind == "alias":
            aliases.append((match.start, match.end, match.entry.said))
            continue
        inline = _inline(text[match.start : match.end], match.entry.said)
        parts += [text[written_up_to : match.start], inline]
        written_up_to = match.end
        ends.append(match.end)
        shifts.append((shifts[-1] if shifts else 0) + len(inline) - (match.end - match.start))
    parts.append(text[written_up_to:])

    def moved(position: int) -> int:
        before = bisect.bisect_right(ends, position)
        return position + (shifts[before - 1] if before else 0)

    said = [
        *(replace(span, start=moved(span.start), end=moved(span.end)) for span in marked.say_as),
        *(SayAs(moved(start), moved(end), "alias", alias) for start, end, alias in aliases),
    ]
    return replace(
        marked,
        text="".join(parts),
        say_as=tuple(sorted(said, key=lambda span: (span.start, -span.end))),
        voicings=tuple(replace(v, start=moved(v.start), end=moved(v.end)) for v in marked.voicings),
    )


def _inline(word: str, phonemes: str) -> str:
    inline = f"[{word}](/{phonemes}/)"
    if next(pronunciations(inline), None) is None:
        # Phonemes all in ASCII ("bed") look like a link's path; a space, which the reader drops, tells them apart.
        inline = f"[{word}](/ {phonemes}/)"
    return inline
