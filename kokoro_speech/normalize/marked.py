"""What marked-up input (SSML) tells the reader beyond its words.

The words themselves stay in ``MarkedText.text``, exactly as they are written, so word timings
name them. Pauses travel in that text as pause markers (``[pause:500ms]``) and given phonemes
as inline pronunciations (``[tomato](/təmˈɑːtoʊ/)``), the two forms plain text has for them too;
everything else is a span of the text read some other way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # the lexicon module reads and writes marked text, so it imports this one
    from kokoro_speech.normalize.lexicon import Lexicon

InterpretAs = Literal["characters", "spell-out", "cardinal", "ordinal", "digits", "date", "time", "telephone", "alias"]
"""How a span is said: the SSML ``say-as`` classes, and "alias" for ``<sub>``."""


class MarkupError(ValueError):
    """Markup the server cannot read as asked: the request is refused, naming what is wrong."""


@dataclass(frozen=True)
class SayAs:
    """``text[start:end]`` is said as ``interpret_as`` says, not as the normalizer would read it."""

    start: int
    end: int
    interpret_as: InterpretAs
    detail: str = ""
    """The alias of a ``<sub>``; the ``format`` of a date ("dmy", "mdy", "ymd"...); else empty."""


@dataclass(frozen=True)
class Voicing:
    """``text[start:end]`` is said by another voice, in another language, or at another rate."""

    start: int
    end: int
    language: str | None = None
    """A language as the API names it (``lang``); None keeps the request's, or the voice's where one is named."""
    rate: float = 1.0
    """Multiplies the request's speed."""
    voice: str | None = None
    """A voice as the API names it (an id, an OpenAI name or a blend); None keeps the request's."""


@dataclass(frozen=True)
class MarkedText:
    text: str
    say_as: tuple[SayAs, ...] = ()
    voicings: tuple[Voicing, ...] = ()
    """Disjoint, in order; a nested element's settings are already combined with its parent's."""
    rest_seconds: float = 0.0
    """Silence among the text's pause markers that the markup places itself (the rest after each paragraph),
    not asked for by a pause or a ``<break>``."""
    lexicons: tuple[Lexicon, ...] = ()
    """The pronunciation lexicons the markup carries (SSML's ``<lexicon>``), in document order: the reader
    applies them, a later one taking precedence, over the server's and the request's."""
