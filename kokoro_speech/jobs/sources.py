"""What a long-form job reads: the text or file a user sends, as a book of chapters.

Plain text is one chapter. Markdown is cut at the shallowest heading level it uses (ATX or setext, never inside
a fenced code block); a chapter's text starts with its title and a blank line, so that the audio says the title,
and deeper headings stay inside it. An EPUB is cut by its table of contents, in spine order, with each chapter's
text taken from its XHTML as paragraphs separated by blank lines. Chapters with nothing to say (no letter or
digit) are dropped.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, get_args
from urllib.parse import unquote

import lxml.html  # type: ignore[import-untyped]
from ebooklib import epub  # type: ignore[import-untyped]
from lxml import etree

InputFormat = Literal["text", "markdown"]

_TEXT_FILES: dict[str, InputFormat] = {"txt": "text", "md": "markdown", "markdown": "markdown"}
ACCEPTED_FILES = (".txt", ".md", ".markdown", ".epub")
MAX_EPUB_UNPACKED = 512 * 1024 * 1024
"""Bytes an EPUB may unpack to: ebooklib holds every file of it in memory, so a small zip of zeros must not
become gigabytes."""


@dataclass(frozen=True)
class Chapter:
    title: str
    """The heading as the reader would want it shown: markup stripped, whitespace collapsed."""
    text: str
    """What is spoken; for Markdown still Markdown, which the speech reader strips itself."""


@dataclass(frozen=True)
class Book:
    title: str | None
    chapters: tuple[Chapter, ...]

    def __post_init__(self) -> None:
        if not self.chapters:
            raise ValueError("a book has at least one chapter")

    @property
    def chars(self) -> int:
        """Characters of all chapters' text."""
        return sum(len(chapter.text) for chapter in self.chapters)


class SourceError(ValueError):
    """Input that cannot become a book; the API answers it with a 400 (or 415 for an unsupported file type)."""

    def __init__(self, message: str, param: str, unsupported: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.unsupported = unsupported


_ENDS_SENTENCE = tuple(".!?…:;。！？")


def _spoken_title(title: str) -> str:
    """A heading as said before its chapter: a sentence of its own (a pause after it, a caption of its own)."""
    return title if title.endswith(_ENDS_SENTENCE) else f"{title}."


def read_text(
    text: str, input_format: InputFormat, default_title: str = "Chapter 1", max_chars: int | None = None
) -> Book:
    """The book in a request's text. ``default_title`` names a chapter that has no heading of its own."""
    return _limited(_read(text, input_format, default_title, "input"), max_chars, "input")


def read_upload(
    filename: str, data: bytes, input_format: InputFormat | None = None, max_chars: int | None = None
) -> Book:
    """The book in an uploaded file, by its extension: .txt, .md or .markdown (UTF-8), or .epub.

    ``input_format`` overrides how a text file is read; an EPUB is always read as an EPUB. A text file's name
    (without its extension) titles a chapter that has no heading of its own."""
    name = re.split(r"[\\/]", filename)[-1]
    stem, dot, extension = name.rpartition(".")
    extension = extension.lower() if dot else ""
    if extension == "epub":
        book = _read_epub(data)
    elif extension in _TEXT_FILES:
        book = _read(_decode(data), input_format or _TEXT_FILES[extension], stem.strip() or "Chapter 1", "file")
    else:
        raise SourceError(
            f"Files of type {'.' + extension if extension else '(no extension)'} cannot be read: "
            f"upload a {', '.join(ACCEPTED_FILES[:-1])} or {ACCEPTED_FILES[-1]} file.",
            "file",
            unsupported=True,
        )
    return _limited(book, max_chars, "file")


def _read(text: str, input_format: str, default_title: str, param: str) -> Book:
    if input_format not in get_args(InputFormat):
        raise SourceError(f"'input_format' must be one of {', '.join(get_args(InputFormat))}.", "input_format")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not _has_words(text):
        raise SourceError("There is no text to read.", param)
    if input_format == "text":
        return Book(None, (Chapter(default_title, text.strip()),))
    return _read_markdown(text, default_title, param)


def _limited(book: Book, max_chars: int | None, param: str) -> Book:
    if max_chars is not None and book.chars > max_chars:
        raise SourceError(f"The text has {book.chars:,} characters, more than the limit of {max_chars:,}.", param)
    return book


def _decode(data: bytes) -> str:
    # UTF-16 text would decode as UTF-8 NUL bytes and become silence; say what is wrong instead.
    if b"\0" in data:
        raise SourceError("The file looks binary (it has NUL bytes), not UTF-8 text.", "file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(f"The file is not valid UTF-8 text (at byte {error.start}).", "file") from None


def _has_words(text: str) -> bool:
    return any(character.isalnum() for character in text)


# --- Markdown ---------------------------------------------------------------------------------------------

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*))?$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_BREAK = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
# Lines that start a block a setext underline cannot close: a "---" under them is a rule, not a heading.
_NOT_PARAGRAPH = re.compile(r"^(?: {4}| {0,3}\t| {0,3}(?:>|[-+*](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)))")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n([\w-]+:.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_TITLE = re.compile(r"^title:[ \t]*(.+?)[ \t]*$", re.MULTILINE)
# Every pattern runs in time linear in the text, a whole chapter's included: an unclosed comment hides the rest
# (as it does in Markdown), a scan for a bracket stops at the next one, and emphasis and code markers go whether
# or not they pair (matching pairs took seconds for a 30 kB line of "*a ", growing with the square of its length).
_INLINE = (
    (re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL), ""),
    (re.compile(r"!?\[([^\[\]\n]*+)\](?:\([^()\n]*+\)|\[[^\[\]\n]*+\])"), r"\1"),
    (re.compile(r"<((?:https?|mailto):[^<>\s]*+)>"), r"\1"),
    (re.compile(r"</?[A-Za-z][^<>]*+>"), ""),
    # Underscores inside a word (snake_case) are not emphasis.
    (re.compile(r"(?<!\\)(?:`+|\*+|~~)|(?<![\\\w])_+|(?<!\\)_+(?!\w)"), ""),
)
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


@dataclass(frozen=True)
class _Heading:
    start: int
    end: int
    level: int
    text: str


def _read_markdown(text: str, default_title: str, param: str) -> Book:
    title = None
    if front := _FRONT_MATTER.match(text):
        if found := _FRONT_TITLE.search(front[1]):
            title = _plain(found[1].strip("'\"")) or None
        text = text[front.end() :]
        if not _has_words(text):
            raise SourceError("There is no text to read after the front matter.", param)
    lines = text.split("\n")
    headings = _headings(lines)
    if not headings:
        return Book(title, (Chapter(default_title, text.strip()),))
    level = min(heading.level for heading in headings)
    cuts = [heading for heading in headings if heading.level == level]
    chapters = []
    leading = "\n".join(lines[: cuts[0].start]).strip()
    if _has_words(_plain(leading)):
        chapters.append(Chapter(default_title, leading))
    for heading, after in zip(cuts, [*cuts[1:], None], strict=True):
        body = "\n".join(lines[heading.end : after.start if after else len(lines)]).strip()
        if not _has_words(_plain(body)):
            continue
        name = _plain(heading.text)
        chapters.append(
            Chapter(name or f"Chapter {len(chapters) + 1}", f"{_spoken_title(name)}\n\n{body}" if name else body)
        )
    if not chapters:
        # Headings alone: rather one chapter that says them all than no book.
        return Book(title, (Chapter(_plain(cuts[0].text) or default_title, text.strip()),))
    return Book(title, tuple(chapters))


def _headings(lines: list[str]) -> list[_Heading]:
    headings = []
    fence = ""
    paragraph: int | None = None  # the first line of the paragraph being read; -1 in another kind of block
    for number, line in enumerate(lines):
        if fence:
            if re.match(rf" {{0,3}}{fence[0]}{{{len(fence)},}}[ \t]*$", line):
                fence = ""
            continue
        if not line.strip():
            paragraph = None
        elif (opening := _FENCE.match(line)) and not (opening[1][0] == "`" and "`" in opening[2]):
            fence, paragraph = opening[1], None
        elif atx := _ATX.match(line):
            headings.append(_Heading(number, number + 1, len(atx[1]), _atx_text(atx[2] or "")))
            paragraph = None
        elif paragraph is not None and paragraph >= 0 and (underline := _SETEXT.match(line)):
            text = " ".join(part.strip() for part in lines[paragraph:number])
            headings.append(_Heading(paragraph, number + 1, 1 if underline[1][0] == "=" else 2, text))
            paragraph = None
        elif _BREAK.match(line):
            paragraph = None
        elif paragraph is None:
            paragraph = -1 if _NOT_PARAGRAPH.match(line) else number
    return headings


def _atx_text(text: str) -> str:
    """An ATX heading's text without its closing run of #s, which must follow a space ("C#" keeps its #)."""
    text = text.rstrip()
    unclosed = text.rstrip("#")
    return unclosed.rstrip() if unclosed != text and (not unclosed or unclosed[-1] in " \t") else text


def _plain(markdown: str) -> str:
    """Markdown's inline text without its markup, on one line."""
    for pattern, replacement in _INLINE:
        markdown = pattern.sub(replacement, markdown)
    return " ".join(html.unescape(_ESCAPE.sub(r"\1", markdown)).split())


# --- EPUB -------------------------------------------------------------------------------------------------

_DOCUMENT_TYPES = {"application/xhtml+xml", "text/html"}
# Ruby readings (rt, rp) would say a word twice.
_UNSPOKEN = {"head", "script", "style", "template", "rt", "rp"}
_BLOCKS = {
    *("address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "div", "dl", "dt", "figcaption"),
    *("figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p"),
    *("pre", "section", "table", "tr", "ul"),
}
_CELLS = {"td", "th"}
_TITLES = {"h1", "h2", "h3"}
_INVISIBLE = str.maketrans("", "", "\u00ad\u200b\ufeff")


@dataclass
class _Segment:
    """A document's text from its start, or from an element a table-of-contents entry points at."""

    anchor: str | None
    paragraphs: list[str] = field(default_factory=list)
    heading: str | None = None


def _read_epub(data: bytes) -> Book:
    book = _open_epub(data)
    items = {item.get_id(): item for item in book.get_items()}
    documents = [
        item
        for idref, linear in book.spine
        if linear != "no"
        and (item := items.get(idref)) is not None
        and item.media_type in _DOCUMENT_TYPES
        and not isinstance(item, epub.EpubNav)
    ]
    targets = _targets(book.toc, [posixpath.normpath(document.get_name()) for document in documents])
    texts = []
    for number, document in enumerate(documents):
        segments = _segments(document.content, {anchor for at, anchor in targets if at == number and anchor})
        texts.append(segments)
        found = {segment.anchor for segment in segments}
        # An anchor that is not in its document is read as pointing at the document.
        for at, anchor in [key for key in targets if key[0] == number and key[1] not in found]:
            targets.setdefault((at, None), targets.pop((at, anchor)))

    parts: list[tuple[str | None, list[_Segment]]] = [(None, [])]
    for number, segments in enumerate(texts):
        for segment in segments:
            label = targets.get((number, segment.anchor))
            if label is not None or (not targets and segment.anchor is None):
                parts.append((label, []))
            parts[-1][1].append(segment)

    chapters: list[Chapter] = []
    for number, (label, segments) in enumerate(parts):
        text = "\n\n".join(paragraph for segment in segments for paragraph in segment.paragraphs)
        if _has_words(text):
            heading = next((segment.heading for segment in segments if segment.heading), None)
            # What comes before the first entry of a table of contents: a title page, a copyright page.
            fallback = "Front matter" if targets and number == 0 else f"Chapter {len(chapters) + 1}"
            chapters.append(Chapter(heading or label or fallback, text))
    if not chapters:
        raise SourceError("The EPUB has no text to read.", "file")
    return Book(" ".join((book.title or "").split()) or None, tuple(chapters))


def _open_epub(data: bytes) -> Any:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise SourceError("The EPUB could not be read: it is not a zip archive.", "file") from None
    if unpacked > MAX_EPUB_UNPACKED:
        raise SourceError(f"The EPUB could not be read: it unpacks to more than {MAX_EPUB_UNPACKED:,} bytes.", "file")
    try:
        return epub.read_epub(io.BytesIO(data), {"ignore_ncx": True})
    # A malformed book fails anywhere inside ebooklib, with its own errors or KeyError, AttributeError,
    # IndexError, lxml's and zipfile's: any of them is the file's fault, a 400, never a 500.
    except Exception as error:
        # Only ebooklib's own errors and a missing file say something a user can act on.
        if isinstance(error, epub.EpubException):
            reason = str(error.msg)
        elif isinstance(error, KeyError) and "no item named" in str(error):
            reason = str(error).strip("'\"")
        else:
            reason = "it is malformed"
        reason = reason[:1].lower() + reason[1:].rstrip(".")
        raise SourceError(f"The EPUB could not be read: {reason}.", "file") from error


def _targets(toc: Iterable[Any], names: list[str]) -> dict[tuple[int, str | None], str]:
    """Where each table-of-contents entry starts, (document, anchor), with its label; the first entry wins."""
    by_name = {name: number for number, name in enumerate(names)}
    by_base: dict[str, int] = {}
    for number, name in enumerate(names):
        by_base[posixpath.basename(name)] = number if posixpath.basename(name) not in by_base else -1
    targets: dict[tuple[int, str | None], str] = {}
    for href, label in _entries(toc):
        path, _, anchor = href.partition("#")
        if not path:
            continue
        path = posixpath.normpath(unquote(path))
        # NCX addresses are relative to the NCX file, which ebooklib does not resolve: its name alone usually does.
        number = by_name.get(path, by_base.get(posixpath.basename(path), -1))
        if number >= 0:
            targets.setdefault((number, unquote(anchor) or None), " ".join(str(label or "").split()))
    return targets


def _entries(toc: Iterable[Any]) -> Iterator[tuple[str, str]]:
    for entry in toc:
        if isinstance(entry, tuple | list):
            yield from _entries(entry)
        elif getattr(entry, "href", None):
            yield entry.href, entry.title


def _segments(content: bytes | str, anchors: set[str]) -> list[_Segment]:
    """The document's text as paragraphs, in a new segment at each element whose id is in ``anchors``."""
    segments = [_Segment(None)]
    anchors = set(anchors)
    root = _parse_document(content)
    if root is None:
        return segments
    pieces: list[str] = []
    title: tuple[Any, int, int] | None = None  # the heading being read: its element, segment and paragraph

    def end_paragraph() -> None:
        if paragraph := " ".join("".join(pieces).translate(_INVISIBLE).split()):
            segments[-1].paragraphs.append(paragraph)
        pieces.clear()

    walk = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, element in walk:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if event == "start":
            if (anchor := element.get("id")) in anchors:
                anchors.discard(anchor)
                end_paragraph()
                segments.append(_Segment(anchor))
            if tag in _UNSPOKEN:
                walk.skip_subtree()
                continue
            if tag in _BLOCKS:
                end_paragraph()
            if tag in _TITLES and title is None:
                title = (element, len(segments), len(segments[-1].paragraphs))
            pieces.append(element.text or "")
            continue
        if tag in _BLOCKS:
            end_paragraph()
        elif tag in _CELLS:
            pieces.append(" ")
        if title is not None and title[0] is element:
            # An anchor inside the heading started a new segment: the heading is all of that segment so far.
            first = title[2] if title[1] == len(segments) else 0
            if (heading := " ".join(segments[-1].paragraphs[first:])) and segments[-1].heading is None:
                segments[-1].heading = heading if _has_words(heading) else None
            title = None
        pieces.append(element.tail or "")
    end_paragraph()
    return segments


def _parse_document(content: bytes | str) -> Any:
    """The document's element tree, or None when it has none. lxml's HTML parser, not its XML one: an XHTML
    file's ``&nbsp;`` needs the DTD the XML parser does not load, and the HTML parser recovers from anything."""
    text = content if isinstance(content, str) else _decode_document(content)
    # The parser refuses a str that declares its encoding; it is decoded already.
    text = re.sub(r"\A\s*<\?xml[^>]*\?>", "", text)
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (etree.LxmlError, ValueError):
        return None


def _decode_document(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16", errors="replace")
    declared = re.match(rb"\s*<\?xml[^>]*encoding=[\"']([\w.-]+)[\"']", content)
    try:
        return content.decode(declared[1].decode() if declared else "utf-8-sig", errors="replace")
    except LookupError:
        return content.decode("utf-8", errors="replace")
