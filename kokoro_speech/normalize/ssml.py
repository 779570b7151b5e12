"""SSML: a ``<speak>`` document read as the words it holds, with what its markup asks for.

The document becomes a ``MarkedText``: its words, exactly as written, with breaks as pause
markers and phonemes as inline pronunciations (the forms plain text has for them), and the
``say-as``, ``sub``, ``prosody`` and ``lang`` elements as spans of that text. Whitespace in the
document is layout: only ``<p>`` and ``<s>`` end sentences.

The parser refuses document type declarations, so no entity (a "billion laughs" expansion, a
local file) is ever read; a document deeper or larger than the configured limits is refused
while it is parsed, before it is walked.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from enum import IntEnum
from typing import NoReturn
from xml.parsers import expat

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from kokoro_speech.normalize.marked import InterpretAs, MarkedText, MarkupError, SayAs, Voicing
from kokoro_speech.normalize.pauses import pause_marker
from kokoro_speech.normalize.pronunciation import pronunciations

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
_LEADING = "\ufeff"
_LINE_BREAK = re.compile(r"\r\n?|\n")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
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
_UNREAD_ELEMENTS = frozenset({"desc", "metadata", "meta", "lexicon"})
"""Elements whose text describes the document rather than being part of what it says."""
_PHONEME_ALPHABETS = frozenset({"ipa"})

# IPA as Kokoro's vocabulary writes it. Tied affricates are single symbols there.
_TIE_BARS = "\u0361\u035c"
_TIED_AFFRICATE = re.compile(rf"([td])[{_TIE_BARS}]([ʃʒszɕʑ])")
_AFFRICATES = {"tʃ": "ʧ", "dʒ": "ʤ", "ts": "ʦ", "dz": "ʣ", "tɕ": "ʨ", "dʑ": "ʥ"}
# ASCII stand-ins for stress and length; "," and ":" are also punctuation in the vocabulary,
# which inside a pronunciation nobody means.
_ASCII_MARKS = {"'": "ˈ", ",": "ˌ", ":": "ː"}
# Syllable breaks, half length, tie bars left between other letters, and the syllabic and
# non-syllabic marks: the model has no symbol for them and the G2P drops them from its own output.
_UNSAID = frozenset(".ˑ\u0329\u030d\u032f\u0311" + _TIE_BARS)
# Symbols the vocabulary may lack, with the nearest it has: IPA's g for the Latin letter, the
# English approximant for a trill, and the rhotic vowel and dark l as plain symbols.
_NEAREST = {"g": "ɡ", "r": "ɹ", "ɝ": "ɜɹ", "ɫ": "l"}


def is_ssml(text: str) -> bool:
    """Whether ``text`` is an SSML document: it starts with a ``<speak>`` element."""
    return _SSML_START.match(text) is not None


def parse_ssml(document: str, limits: SsmlLimits, vocabulary: Collection[str]) -> MarkedText:
    """The marked text an SSML document says; ``vocabulary`` holds the phoneme symbols the model knows."""
    unmarked = document.lstrip(_LEADING)
    body = unmarked.lstrip()
    # An XML declaration must open the parsed text, so leading space is cut; positions still count it.
    origin = _Origin.of(unmarked[: len(unmarked) - len(body)])
    reader = _Reader(limits, vocabulary)
    parser = DefusedXMLParser(target=reader, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    reader.locate = lambda: origin.where(parser.parser.CurrentLineNumber, parser.parser.CurrentColumnNumber)
    try:
        parser.feed(body)
        parser.close()
    except ParseError as error:
        raise SsmlError(_not_well_formed(error, origin, reader.innermost())) from None
    except DTDForbidden:
        raise SsmlError(
            f"SSML may not have a DOCTYPE: document types and entities are refused{reader.locate()}"
        ) from None
    except (EntitiesForbidden, ExternalReferenceForbidden):
        raise SsmlError(f"SSML may not declare or refer to entities{reader.locate()}") from None
    except UnicodeError:
        raise SsmlError("SSML input holds characters that are not text (an unpaired surrogate)") from None
    return reader.marked()


@dataclass(frozen=True)
class _Origin:
    """Where the parsed text starts in the document (after leading space), so positions count as the document's."""

    lines: int = 0
    columns: int = 0

    @classmethod
    def of(cls, skipped: str) -> _Origin:
        breaks = list(_LINE_BREAK.finditer(skipped))
        return cls(len(breaks), len(skipped) - breaks[-1].end() if breaks else len(skipped))

    def where(self, line: int, column: int) -> str:
        """`` at line L, column C``, both from 1, for the parser's line (from 1) and column (from 0)."""
        if line == 1:
            column += self.columns
        return f" at line {line + self.lines}, column {column + 1}"


_STILL_OPEN_ERRORS = frozenset({expat.errors.XML_ERROR_TAG_MISMATCH, expat.errors.XML_ERROR_NO_ELEMENTS})


def _not_well_formed(error: ParseError, origin: _Origin, innermost: str | None) -> str:
    line, column = error.position
    reason = expat.ErrorString(error.code)
    message = f"SSML is not well-formed XML: {reason}{origin.where(line, column)}"
    if innermost is not None and reason in _STILL_OPEN_ERRORS:
        message += f" (<{innermost}> is still open)"
    return message


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


class _UnknownSymbol(Exception):
    def __init__(self, symbol: str) -> None:
        super().__init__(symbol)
        self.symbol = symbol


class _Reader:
    """The parser's target: reads the document while it is parsed, so limits stop it early."""

    def __init__(self, limits: SsmlLimits, vocabulary: Collection[str]) -> None:
        self._limits = limits
        self._vocabulary = vocabulary
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
        return MarkedText(self._output.text(), tuple(say_as), self._output.voicings(), rests)

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
        element = _Element(name, self._voice(name, attrib, parent))
        self._open.append(element)
        if name == "break":
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
        alphabet = attrib.get("alphabet", "ipa")
        if alphabet.strip().lower() not in _PHONEME_ALPHABETS:
            accepted = ", ".join(f'"{a}"' for a in sorted(_PHONEME_ALPHABETS))
            self._fail(f'<phoneme> alphabet "{alphabet}" is not accepted: use {accepted} (or leave it out)')
        written = attrib.get("ph", "")
        try:
            phonemes = _kokoro_phonemes(written, self._vocabulary)
        except _UnknownSymbol as unknown:
            symbol = unknown.symbol
            name = unicodedata.name(symbol, "")
            self._fail(
                f'<phoneme> symbol "{symbol}" (U+{ord(symbol):04X}{" " + name if name else ""}) in "{written}" '
                "is not one the model can say"
            )
        if not phonemes:
            self._fail(f'<phoneme> needs phonemes in its "ph" attribute, not "{written}"')
        return phonemes


def _pause_text(seconds: float) -> str:
    """The pause marker for ``seconds``, or nothing where that is under a millisecond."""
    return pause_marker(seconds) if round(seconds * _MILLISECONDS) > 0 else ""


def _kokoro_phonemes(ipa: str, vocabulary: Collection[str]) -> str:
    """``ipa`` in the model's symbols, words apart by single spaces; raises ``_UnknownSymbol``."""
    text = unicodedata.normalize("NFC", " ".join(ipa.split()))
    text = _TIED_AFFRICATE.sub(lambda match: _affricate(match, vocabulary), text)
    said: list[str] = []
    for written in text:
        symbol = _ASCII_MARKS.get(written, written)
        if symbol in _UNSAID:
            continue
        said.append(symbol if symbol == " " or symbol in vocabulary else _nearest(symbol, vocabulary))
    return " ".join("".join(said).split())


def _affricate(match: re.Match[str], vocabulary: Collection[str]) -> str:
    pair = match[1] + match[2]
    single = _AFFRICATES[pair]
    return single if single in vocabulary else pair


def _nearest(symbol: str, vocabulary: Collection[str]) -> str:
    """The vocabulary's spelling of a symbol it lacks: a near sound, or its letter and diacritic apart."""
    for spelling in (_NEAREST.get(symbol, ""), unicodedata.normalize("NFD", symbol)):
        if spelling and spelling != symbol and all(part in vocabulary for part in spelling):
            return spelling
    raise _UnknownSymbol(symbol)
