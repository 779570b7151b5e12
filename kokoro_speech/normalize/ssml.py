"""SSML: a ``<speak>`` document read as the words it holds, with what its markup asks for.

The document becomes a ``MarkedText``: its words, exactly as written, with breaks as pause
markers and phonemes as inline pronunciations (the forms plain text has for them), and the
``say-as``, ``sub``, ``prosody`` and ``lang`` elements as spans of that text. Whitespace in the
document is layout: only ``<p>`` and ``<s>`` end sentences.

Pronunciation lexicons (``<lexicon>``) are read from the document itself, never fetched: a
request must not make the server reach the network or its files. A lexicon comes as a ``data:``
URI or written inside the element, either as a PLS ``<lexicon>`` or as its ``<lexeme>`` entries
(the SSML element then standing for PLS's, its ``alphabet`` and ``xml:lang`` included). Each
applies to the whole document, as SSML's do.

No document type or entity is ever read (see :mod:`.xml_input`); a document deeper or larger
than the configured limits is refused while it is parsed, before it is walked.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import urllib.parse
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from enum import IntEnum
from typing import NoReturn

from kokoro_speech.normalize.ipa import ALPHABETS, IPA_ALPHABET, UnknownSymbolError, describe, model_phonemes
from kokoro_speech.normalize.lexicon import LanguageNames, Lexicon, LexiconError, LexiconReader, parse_lexicon
from kokoro_speech.normalize.marked import InterpretAs, MarkedText, MarkupError, SayAs, Voicing
from kokoro_speech.normalize.pauses import pause_marker
from kokoro_speech.normalize.pronunciation import pronunciations
from kokoro_speech.normalize.xml_input import read_xml

__all__ = ["SsmlError", "SsmlLimits", "is_ssml", "parse_ssml"]


class SsmlError(MarkupError):
    """An SSML input that cannot be read, with where in it (line, column) when that is known."""


@dataclass(frozen=True)
class SsmlLimits:
    max_depth: int
    """Deepest nesting of elements, ``<speak>`` counting as 1."""
    max_elements: int
    """Most elements in one document, ``<speak>`` included."""
    max_pause_seconds: float
    """Longest ``<break>`` a document may ask for."""
    max_total_pause_seconds: float = float("inf")
    """Most silence the pauses and breaks of one input may ask for together, the paragraphs' own rests not
    counted (checked where the pauses are read)."""


# An SSML document starts with <speak>, perhaps after a byte order mark, an XML declaration and
# comments; a DOCTYPE naming speak counts too, so that it is refused as SSML rather than read
# out as text. A comment's body cannot hold "-->", so each comment has one way to match.
_SSML_START = re.compile(
    r"\ufeff?\s*(?:<\?xml\s[^>]*>\s*)?(?:<!--(?:[^-]|-(?!->))*-->\s*)*"
    r"(?:<!DOCTYPE\s+(?:[\w.-]+:)?speak\b|<(?:[\w.-]+:)?speak[\s/>])"
)
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
_SSML_NAMESPACE = "{http://www.w3.org/2001/10/synthesis}"
_WORDS_OR_SPACES = re.compile(r"\s+|\S+")

# Azure's documented durations for each break strength; "none" asks for no pause at all.
_BREAK_STRENGTH_SECONDS = {
    "none": 0.0,
    "x-weak": 0.25,
    "weak": 0.5,
    "medium": 0.75,
    "strong": 1.0,
    "x-strong": 1.25,
}
_BARE_BREAK_STRENGTH = "medium"
_PARAGRAPH_STRENGTH = "weak"
"""The rest after a paragraph, longer than the one the reader leaves between sentences."""
_BREAK_TIME = re.compile(r"(?P<sign>[+-])?(?P<amount>\d+(?:\.\d*)?|\.\d+)\s*(?P<unit>ms|s)", re.IGNORECASE)
_MILLISECONDS = 1000

# SSML leaves the speed of each rate label to the processor. These relative values are a choice,
# in the range Azure and Google document for theirs (x-slow about half speed). A bare percentage
# is of the usual speed, as SSML 1.1 says (Azure reads "30%" as "+30%"); a signed one is a change,
# as Azure's and Google's are.
_RATE_LABELS = {"x-slow": 0.5, "slow": 0.75, "medium": 1.0, "default": 1.0, "fast": 1.25, "x-fast": 1.5}
_PERCENT = re.compile(r"(?P<sign>[+-])?(?P<amount>\d+(?:\.\d*)?|\.\d+)%")
_MULTIPLIER = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_PERCENT_OF_ONE = 100
_RATE_DIGITS = 6

_INTERPRET_AS: dict[str, InterpretAs] = {
    "characters": "characters",
    "spell-out": "spell-out",
    "cardinal": "cardinal",
    "number": "cardinal",
    "ordinal": "ordinal",
    "digits": "digits",
    "date": "date",
    "time": "time",
    "telephone": "telephone",
}
_SENTENCE_ELEMENTS = frozenset({"p", "s"})
_UNREAD_ELEMENTS = frozenset({"desc", "metadata", "meta"})
"""Elements whose text describes the document rather than being part of what it says."""

# A data: URI (RFC 2397): a media type, parameters, ";base64" perhaps, then the data.
_DATA_URI = re.compile(r"data:(?P<type>[^,;]*)(?P<parameters>(?:;[^,;]*)*),(?P<data>.*)", re.IGNORECASE | re.DOTALL)
_LEXICON_TYPES = frozenset({"application/pls+xml", "application/xml", "text/xml"})
_SHOWN_URI_CHARS = 80
"""Longest a refused lexicon URI is quoted in the message (a data: URI may be the whole request)."""
_TEXT_CHARSETS = frozenset({"utf-8", "utf8", "us-ascii"})


def is_ssml(text: str) -> bool:
    """Whether ``text`` is an SSML document: it starts with a ``<speak>`` element."""
    return _SSML_START.match(text) is not None


def parse_ssml(document: str, limits: SsmlLimits, vocabulary: Collection[str], languages: LanguageNames) -> MarkedText:
    """The marked text an SSML document says; ``vocabulary`` holds the phoneme symbols the model knows, and
    ``languages`` names the languages the server speaks (for its lexicons' ``xml:lang``)."""
    reader = _Reader(limits, vocabulary, languages)
    try:
        read_xml(document, reader, "SSML", SsmlError, reader.innermost)
    except LexiconError as error:  # a lexicon written inside the document, where in the document named
        raise SsmlError(str(error)) from None
    return reader.marked()


class _Gap(IntEnum):
    """What separates the next words from the last ones; the stronger of two is kept."""

    NONE = 0
    SPACE = 1
    SENTENCE = 2


@dataclass(frozen=True)
class _Voice:
    language: str | None = None
    rate: float = 1.0
    voice: str | None = None


_USUAL_VOICE = _Voice()


class _Output:
    """The text being written. A separator waits for the words after it, so none trails or doubles."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self.length = 0
        self._gap = _Gap.NONE
        self._rest = ""
        """A paragraph's pause marker, written after the sentence end, before the next words."""
        self.rests = 0
        """Paragraph pause markers written."""
        self._pieces: list[tuple[int, int, _Voice]] = []

    def separate(self, gap: _Gap, rest: str = "") -> None:
        if self.length:
            self._gap = max(self._gap, gap)
            self._rest = self._rest or rest

    def write(self, words: str, voice: _Voice) -> int:
        """Appends ``words`` after the separator waiting for them; where they start."""
        if self.length and self._gap == _Gap.SPACE:
            self._append(" ")
        elif self.length and self._gap == _Gap.SENTENCE:
            # The reader ends a sentence at a line break.
            self._append(f"\n{self._rest} " if self._rest else "\n")
            self.rests += bool(self._rest)
        self._gap, self._rest = _Gap.NONE, ""
        start = self.length
        self._append(words)
        self._pieces.append((start, self.length, voice))
        return start

    def _append(self, text: str) -> None:
        self._parts.append(text)
        self.length += len(text)

    def text(self) -> str:
        return "".join(self._parts)

    def voicings(self) -> tuple[Voicing, ...]:
        """Runs of words said alike, the separators between them included; the usual voice needs none."""
        runs: list[tuple[int, int, _Voice]] = []
        for start, end, voice in self._pieces:
            if runs and runs[-1][2] == voice:
                runs[-1] = (runs[-1][0], end, voice)
            else:
                runs.append((start, end, voice))
        return tuple(Voicing(start, end, v.language, v.rate, v.voice) for start, end, v in runs if v != _USUAL_VOICE)


@dataclass
class _Element:
    name: str
    voice: _Voice
    said_as: tuple[InterpretAs, str] | None = None
    start: int | None = None
    """Where its first words went in the text; None while it has none."""


@dataclass
class _Phoneme:
    phonemes: str
    text: list[str] = field(default_factory=list)


@dataclass
class _Lexicon:
    """A ``<lexicon>`` being read. What is written inside it goes to ``reader`` as it is parsed: a PLS
    ``<lexicon>``, or its entries, the SSML element then opening the PLS one."""

    reader: LexiconReader | None
    """None where the lexicon came by its uri: the element then holds nothing."""
    attrib: dict[str, str]
    depth: int = 0
    """Elements open inside it."""
    begun: bool = False
    own_root: bool = False
    """Whether what is inside is a PLS ``<lexicon>`` of its own."""


class _Reader:
    """The parser's target: reads the document while it is parsed, so limits stop it early."""

    def __init__(self, limits: SsmlLimits, vocabulary: Collection[str], languages: LanguageNames) -> None:
        self._limits = limits
        self._vocabulary = vocabulary
        self._languages = languages
        self._lexicon: _Lexicon | None = None
        self._lexicons: list[Lexicon] = []
        self._output = _Output()
        self._open: list[_Element] = []
        self._elements = 0
        self._unread = 0
        """Open elements inside one whose text is not read."""
        self._phoneme: _Phoneme | None = None
        self._say_as: list[SayAs] = []
        self._paragraph_rest_seconds = min(_BREAK_STRENGTH_SECONDS[_PARAGRAPH_STRENGTH], limits.max_pause_seconds)
        self._paragraph_rest = _pause_text(self._paragraph_rest_seconds)
        self.locate: Callable[[], str] = lambda: ""
        """Where the parser is, as `` at line L, column C``."""

    def innermost(self) -> str | None:
        return self._open[-1].name if self._open else None

    def marked(self) -> MarkedText:
        say_as = sorted(self._say_as, key=lambda s: (s.start, -s.end))
        rests = self._output.rests * self._paragraph_rest_seconds
        return MarkedText(self._output.text(), tuple(say_as), self._output.voicings(), rests, tuple(self._lexicons))

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self._elements += 1
        if len(self._open) >= self._limits.max_depth:
            self._fail(f"SSML nests elements more than {self._limits.max_depth} deep")
        if self._elements > self._limits.max_elements:
            self._fail(f"SSML has more than {self._limits.max_elements} elements")
        name = tag.rpartition("}")[2]
        if not self._open and name != "speak":
            self._fail(f"the root element of SSML must be <speak>, not <{name}>")
        if self._phoneme is not None:
            self._fail(f"<phoneme> may hold only the word it pronounces, not a <{name}> element")
        parent = self._open[-1].voice if self._open else _USUAL_VOICE
        if self._unread or name in _UNREAD_ELEMENTS:
            self._unread += 1
            self._open.append(_Element(name, parent))
            return
        if self._lexicon is not None:
            self._open.append(_Element(name, parent))
            self._lexicon_start(self._lexicon, tag, attrib)
            return
        element = _Element(name, self._voice(name, attrib, parent))
        self._open.append(element)
        if name == "lexicon":
            self._lexicon = self._lexicon_element(attrib)
        elif name == "break":
            self._pause(self._break_seconds(attrib))
        elif name in _SENTENCE_ELEMENTS:
            self._output.separate(_Gap.SENTENCE)
        elif name == "say-as":
            interpret_as = _INTERPRET_AS.get(attrib.get("interpret-as", "").strip().lower())
            if interpret_as is not None:  # an unknown class is read as plain text
                element.said_as = (interpret_as, attrib.get("format", "").strip())
        elif name == "sub":
            alias = " ".join(attrib.get("alias", "").split())
            if not alias:
                self._fail("<sub> needs an alias, the words it is read as")
            element.said_as = ("alias", alias)
        elif name == "phoneme":
            self._phoneme = _Phoneme(self._phonemes(attrib))

    def data(self, text: str) -> None:
        if self._unread or not self._open:
            return
        if self._lexicon is not None:
            if self._lexicon.reader is not None and self._lexicon.depth:
                self._lexicon.reader.data(text)
            return
        if self._phoneme is not None:
            self._phoneme.text.append(text)
            return
        for match in _WORDS_OR_SPACES.finditer(text):
            if match.group().isspace():
                self._output.separate(_Gap.SPACE)
            else:
                self._write(match.group())

    def end(self, tag: str) -> None:
        element = self._open.pop()
        if self._unread:
            self._unread -= 1
            return
        if self._lexicon is not None:
            self._lexicon_end(self._lexicon, tag)
            return
        if self._phoneme is not None:
            self._say(self._phoneme)
            self._phoneme = None
        elif element.name == "p":
            self._output.separate(_Gap.SENTENCE, self._paragraph_rest)
        elif element.name == "s":
            self._output.separate(_Gap.SENTENCE)
        if element.said_as is None:
            return
        if element.start is not None:
            self._say_as.append(SayAs(element.start, self._output.length, *element.said_as))
        elif element.name == "sub":
            self._fail("<sub> needs the text its alias stands for")

    def close(self) -> None:
        return None

    def _fail(self, message: str) -> NoReturn:
        raise SsmlError(message + self.locate())

    def _write(self, words: str) -> None:
        start = self._output.write(words, self._open[-1].voice)
        for element in reversed(self._open):
            if element.start is not None:
                break  # and so have the elements around it
            element.start = start

    def _pause(self, seconds: float) -> None:
        marker = _pause_text(seconds)
        if marker:
            self._output.separate(_Gap.SPACE)
            self._write(marker)
            self._output.separate(_Gap.SPACE)

    def _say(self, phoneme: _Phoneme) -> None:
        written = "".join(phoneme.text)
        word = " ".join(written.split())
        if not word:
            self._fail("<phoneme> needs the word it pronounces")
        if "[" in word or "]" in word:
            self._fail(f'<phoneme> word "{word}" may not hold "[" or "]"')
        inline = f"[{word}](/{phoneme.phonemes}/)"
        if next(pronunciations(inline), None) is None:
            # Phonemes all in ASCII ("bed") look like a link's path; a space, which the reader drops, tells them apart.
            inline = f"[{word}](/ {phoneme.phonemes}/)"
        if written[:1].isspace():
            self._output.separate(_Gap.SPACE)
        self._write(inline)
        if written[-1:].isspace():
            self._output.separate(_Gap.SPACE)

    def _lexicon_element(self, attrib: dict[str, str]) -> _Lexicon:
        source = attrib.get(_XML_ID, "").strip() or "SSML"
        media_type = attrib.get("type")
        if media_type is not None and media_type.strip().lower() not in _LEXICON_TYPES:
            self._fail(f'<lexicon> type "{media_type}" is not a pronunciation lexicon: use "application/pls+xml"')
        uri = attrib.get("uri")
        if uri is None:
            reader = LexiconReader(source, self._vocabulary, self._languages)
            reader.locate = self.locate
            return _Lexicon(reader, attrib)
        if _DATA_URI.fullmatch(uri.strip()) is None:
            shown = uri.strip()
            shown = shown if len(shown) <= _SHOWN_URI_CHARS else shown[: _SHOWN_URI_CHARS - 3] + "..."
            raise SsmlError(
                f'<lexicon> uri "{shown}"{self.locate()} is not read: the server does not fetch lexicons. Give the '
                "lexicon inside the <lexicon> element (a PLS <lexicon> or its <lexeme> entries), as a data: URI "
                '(uri="data:application/pls+xml;base64,..."), in the request\'s "lexicon" field, or have the '
                "server load it for every request (KOKORO_SPEECH_LEXICONS)."
            )
        try:
            document = _data_uri_document(uri)
        except ValueError as error:
            self._fail(str(error))
        try:
            self._lexicons.append(parse_lexicon(document, self._vocabulary, self._languages, source))
        except LexiconError as error:
            self._fail(f"{error}, in the data: URI of the <lexicon>")
        return _Lexicon(None, attrib)

    def _lexicon_start(self, lexicon: _Lexicon, tag: str, attrib: dict[str, str]) -> None:
        if lexicon.reader is None:
            self._fail("<lexicon> with a uri may not hold a lexicon of its own as well")
        tag = tag.removeprefix(_SSML_NAMESPACE)  # the document's namespace, where it is the default, means PLS's
        own_root = tag.rpartition("}")[2] == "lexicon"
        if not lexicon.begun:
            lexicon.begun, lexicon.own_root = True, own_root
            if not own_root:
                lexicon.reader.start("lexicon", lexicon.attrib)
        elif lexicon.own_root and not lexicon.depth:
            self._fail("<lexicon> holds one PLS <lexicon>, and nothing after it")
        lexicon.depth += 1
        lexicon.reader.start(tag, attrib)

    def _lexicon_end(self, lexicon: _Lexicon, tag: str) -> None:
        if lexicon.depth:
            assert lexicon.reader is not None  # only an inline lexicon has elements inside
            lexicon.depth -= 1
            lexicon.reader.end(tag.removeprefix(_SSML_NAMESPACE))
            return
        self._lexicon = None
        if lexicon.reader is None:
            return
        if not lexicon.begun:
            self._fail(
                "<lexicon> needs a lexicon: a PLS <lexicon> or its <lexeme> entries written inside it, "
                'or a uri="data:application/pls+xml;base64,..."'
            )
        if not lexicon.own_root:
            lexicon.reader.end("lexicon")
        self._lexicons.append(lexicon.reader.lexicon())

    def _voice(self, name: str, attrib: dict[str, str], parent: _Voice) -> _Voice:
        voice = parent
        language = attrib.get(_XML_LANG)
        if name == "voice" and attrib.get("name", "").strip():
            # Another speaker brings their own language, unless this element names one.
            voice = replace(voice, voice=attrib["name"].strip(), language=None)
        if language is not None:
            # An empty xml:lang is XML's "no language": the request's.
            voice = replace(voice, language=language.strip() or None)
        if name == "prosody" and "rate" in attrib:
            # Rounded, so that rates that multiply to the same speed (0.75 and +20%, or 0.9) compare equal.
            rate = round(voice.rate * self._rate(attrib["rate"]), _RATE_DIGITS)
            if not (math.isfinite(rate) and rate > 0):
                self._fail(f'<prosody> rate "{attrib["rate"]}" and the rates around it make no speed')
            voice = replace(voice, rate=rate)
        return voice

    def _rate(self, value: str) -> float:
        text = value.strip().lower()
        percent = _PERCENT.fullmatch(text)
        if text in _RATE_LABELS:
            rate = _RATE_LABELS[text]
        elif percent is not None:
            fraction = float(percent["amount"]) / _PERCENT_OF_ONE
            sign = percent["sign"]
            rate = 1 + fraction if sign == "+" else 1 - fraction if sign == "-" else fraction
        elif _MULTIPLIER.fullmatch(text):
            rate = float(text)
        else:
            self._fail(
                f'<prosody> rate "{value}" is not one of {", ".join(_RATE_LABELS)}, '
                'a percentage ("150%", "+20%", "-10%") or a multiplier ("1.2")'
            )
        if not (math.isfinite(rate) and rate > 0):
            self._fail(f'<prosody> rate "{value}" is not a speed above zero')
        return rate

    def _break_seconds(self, attrib: dict[str, str]) -> float:
        strength = attrib.get("strength", _BARE_BREAK_STRENGTH).strip().lower()
        if strength not in _BREAK_STRENGTH_SECONDS:
            self._fail(f'<break> strength "{attrib["strength"]}" is not one of {", ".join(_BREAK_STRENGTH_SECONDS)}')
        time = attrib.get("time")
        if time is None:
            # A strength names no length, so a long one is shortened to the longest pause allowed, not refused.
            return min(_BREAK_STRENGTH_SECONDS[strength], self._limits.max_pause_seconds)
        match = _BREAK_TIME.fullmatch(time.strip())
        if match is None:
            self._fail(f'<break> time "{time}" is not a length of time such as "500ms" or "1.5s"')
        if match["sign"] == "-":
            self._fail(f'<break> time "{time}" is negative')
        amount = float(match["amount"])
        seconds = amount / _MILLISECONDS if match["unit"].lower() == "ms" else amount
        if seconds > self._limits.max_pause_seconds:
            self._fail(
                f'<break> time "{time}" is longer than the longest pause allowed, {self._limits.max_pause_seconds:g}s'
            )
        return seconds

    def _phonemes(self, attrib: dict[str, str]) -> str:
        alphabet = attrib.get("alphabet", IPA_ALPHABET)
        if alphabet.strip().lower() not in ALPHABETS:
            accepted = ", ".join(f'"{a}"' for a in ALPHABETS)
            self._fail(f'<phoneme> alphabet "{alphabet}" is not accepted: use {accepted} (or leave it out)')
        written = attrib.get("ph", "")
        try:
            phonemes = model_phonemes(written, alphabet.strip().lower(), self._vocabulary)
        except UnknownSymbolError as unknown:
            self._fail(f'<phoneme> symbol {describe(unknown.symbol)} in "{written}" is not one the model can say')
        if not phonemes:
            self._fail(f'<phoneme> needs phonemes in its "ph" attribute, not "{written}"')
        return phonemes


def _pause_text(seconds: float) -> str:
    """The pause marker for ``seconds``, or nothing where that is under a millisecond."""
    return pause_marker(seconds) if round(seconds * _MILLISECONDS) > 0 else ""


def _data_uri_document(uri: str) -> str:
    """The lexicon document a ``data:`` URI holds; raises ValueError saying why there is none."""
    match = _DATA_URI.fullmatch(uri.strip())
    assert match is not None  # the caller refuses any other uri
    media_type = match["type"].strip().lower()
    if media_type and media_type not in _LEXICON_TYPES:
        raise ValueError(f'<lexicon> data: URI holds "{media_type}", not a lexicon: use "application/pls+xml"')
    parameters = [p.strip().lower() for p in match["parameters"].split(";")[1:]]
    encoded = parameters[-1:] == ["base64"]
    for parameter in parameters[: len(parameters) - encoded]:
        name, _, value = parameter.partition("=")
        if name == "charset" and value.strip('"') not in _TEXT_CHARSETS:
            raise ValueError(f'<lexicon> data: URI is in charset "{value}": a lexicon is read as UTF-8')
    try:
        if encoded:
            # Attribute values may be wrapped over lines; the spaces that leaves are not data.
            data = base64.b64decode("".join(urllib.parse.unquote(match["data"]).split()), validate=True)
        else:
            data = urllib.parse.unquote_to_bytes(match["data"])
        return data.decode("utf-8")
    except (binascii.Error, ValueError):
        kind = "base64" if encoded else "percent-encoded"
        raise ValueError(f"<lexicon> data: URI does not hold {kind} UTF-8 text") from None
