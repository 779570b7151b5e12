"""XML that a request or a setting gives (SSML, pronunciation lexicons), read safely and event by event.

The parser refuses document type declarations, so no entity (a "billion laughs" expansion, a
local file) is ever read. The document is handed to a target as it is parsed, so the target's
own limits stop a large one early; every error names its line and column in the document as
given, leading space and byte order mark included.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from xml.parsers import expat

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from kokoro_speech.normalize.marked import MarkupError

__all__ = ["LINE_BREAK", "XmlTarget", "read_xml"]

LINE_BREAK = re.compile(r"\r\n?|\n")
_LEADING = "\ufeff"
_STILL_OPEN_ERRORS = frozenset({expat.errors.XML_ERROR_TAG_MISMATCH, expat.errors.XML_ERROR_NO_ELEMENTS})


class XmlTarget(Protocol):
    """What reads the document, as ElementTree's parser targets do."""

    locate: Callable[[], str]
    """Where the parser is, as `` at line L, column C``: set by ``read_xml`` for the target's own messages."""

    def start(self, tag: str, attrib: dict[str, str]) -> None: ...

    def data(self, text: str) -> None: ...

    def end(self, tag: str) -> None: ...

    def close(self) -> None: ...


def read_xml(
    document: str,
    target: XmlTarget,
    name: str,
    error: type[MarkupError],
    innermost: Callable[[], str | None] = lambda: None,
) -> None:
    """Parse ``document`` into ``target``. What is wrong with the XML itself is raised as ``error``, its
    message starting with ``name`` (what the document is), naming the element still open (``innermost``)
    where the document ends early."""
    unmarked = document.lstrip(_LEADING)
    body = unmarked.lstrip()
    # An XML declaration must open the parsed text, so leading space is cut; positions still count it.
    origin = _Origin.of(unmarked[: len(unmarked) - len(body)])
    parser = DefusedXMLParser(target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    target.locate = lambda: origin.where(parser.parser.CurrentLineNumber, parser.parser.CurrentColumnNumber)
    try:
        parser.feed(body)
        parser.close()
    except ParseError as failure:
        line, column = failure.position
        reason = expat.ErrorString(failure.code)
        message = f"{name} is not well-formed XML: {reason}{origin.where(line, column)}"
        open_element = innermost()
        if open_element is not None and reason in _STILL_OPEN_ERRORS:
            message += f" (<{open_element}> is still open)"
        raise error(message) from None
    except DTDForbidden:
        where = target.locate()
        raise error(f"{name} may not have a DOCTYPE: document types and entities are refused{where}") from None
    except (EntitiesForbidden, ExternalReferenceForbidden):
        raise error(f"{name} may not declare or refer to entities{target.locate()}") from None
    except UnicodeError:
        raise error(f"{name} holds characters that are not text (an unpaired surrogate)") from None


@dataclass(frozen=True)
class _Origin:
    """Where the parsed text starts in the document (after leading space), so positions count as the document's."""

    lines: int = 0
    columns: int = 0

    @classmethod
    def of(cls, skipped: str) -> _Origin:
        breaks = list(LINE_BREAK.finditer(skipped))
        return cls(len(breaks), len(skipped) - breaks[-1].end() if breaks else len(skipped))

    def where(self, line: int, column: int) -> str:
        """`` at line L, column C``, both from 1, for the parser's line (from 1) and column (from 0)."""
        if line == 1:
            column += self.columns
        return f" at line {line + self.lines}, column {column + 1}"
