"""Markup and emoji, for every language: Markdown and HTML are stripped, emoji are not read out.

Only the markers go; the text they mark stays, so the language rules still read it ("**$5**"
says "five dollars"). Line breaks always stay: a heading or a list item still ends its sentence.
An inline pronunciation, ``[word](/phonemes/)``, is left exactly as written.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.normalize.pronunciation import pronunciations
from kokoro_speech.normalize.spans import ClaimedSpans, Replacement


@dataclass(frozen=True)
class Markup:
    """One piece of markup: its markers are dropped, its kept text is blocked from other markup rules."""

    markers: tuple[Replacement, ...]
    kept: tuple[tuple[int, int], ...] = ()
    """Text inside it that no other markup rule may touch (code)."""


Finder = Callable[[str], Iterator[Markup]]


def markup_replacements(
    text: str, options: NormalizationOptions, *, taken: Sequence[tuple[int, int]] = ()
) -> list[Replacement]:
    """Sorted, non-overlapping replacements that strip markup and emoji; spans in ``taken`` and
    inline pronunciations are left alone."""
    claims = ClaimedSpans([*taken, *(m.span() for m in pronunciations(text))])
    finders: list[Finder] = []
    if options.markdown:
        finders += MARKDOWN_RULES
    if options.emoji:
        finders.append(_find_emoji)
    found: list[Replacement] = []
    for find in finders:
        for markup in find(text):
            pieces = [(r.start, r.end) for r in markup.markers] + list(markup.kept)
            if all(claims.is_free(start, end) for start, end in pieces):
                for start, end in pieces:
                    claims.force(start, end)
                found.extend(markup.markers)
    return sorted(found, key=lambda r: r.start)


def _drop(start: int, end: int) -> Replacement:
    return Replacement(start, end, "")


def _drop_groups(match: re.Match[str], *groups: str) -> Markup:
    return Markup(tuple(_drop(*match.span(g)) for g in groups if match.group(g) is not None))


def _separator(text: str, start: int, end: int) -> str:
    """What replaces a dropped piece: a space where words would otherwise run together."""
    glued = start > 0 and end < len(text) and text[start - 1].isalnum() and text[end].isalnum()
    return " " if glued else ""


# --- Markdown ---------------------------------------------------------------------------------

_FENCE = re.compile(r"^[ \t]{0,3}(?P<fence>`{3,}|~{3,})[^\n]*$", re.MULTILINE)
# Inline code may wrap onto the next line, but not across a paragraph break.
_INLINE_CODE = re.compile(
    r"(?<!`)(?P<open>`+)(?!`)(?P<code>(?:(?!\n[ \t]*\n).)+?)(?<!`)(?P<close>(?P=open))(?!`)", re.DOTALL
)
_ESCAPE = re.compile(r"\\(?=[\\`*_{}\[\]()#+\-.!>~|])")
_COMMENT_OPEN, _COMMENT_CLOSE = "<!--", "-->"
# The text, address and reference of a link or image stop at the next bracket, so the scan from one opening
# never runs through the next: with "[" allowed in them, each of 4,096 "![" scanned the rest of the line (40 ms,
# growing with the square of the length). A bracket inside a link's text is rare; the innermost link is read.
_IMAGE = re.compile(r"(?P<open>!\[)(?P<alt>[^\[\]\n]*+)(?P<close>\]\([^)\]\n]*+\))")
_LINK = re.compile(r"(?P<open>\[)(?P<label>[^\[\]\n]++)(?P<close>\]\([^)\]\n]*+\)|\]\[[^\[\]\n]*+\])")
_REFERENCE_DEFINITION = re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S+[^\n]*$", re.MULTILINE)
_AUTOLINK = re.compile(r"(?P<open><)(?:https?://|mailto:)?[^\s<>@]+(?:@[^\s<>]+|\.[^\s<>]+)(?P<close>>)")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_HTML_ENTITY = re.compile(r"&(?:[A-Za-z]+|#\d+|#[xX][0-9A-Fa-f]+);")
_RULE_LINE = re.compile(r"^[ \t]{0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|=+[ \t]*)$", re.MULTILINE)
_HEADING = re.compile(r"^(?P<open>[ \t]{0,3}#{1,6}(?:[ \t]+|$))[^\n]*?(?P<close>[ \t]+#+[ \t]*)?$", re.MULTILINE)
_QUOTE = re.compile(r"^[ \t]{0,3}(?:>[ \t]?)+", re.MULTILINE)
_BULLET = re.compile(
    r"^(?:[ \t]{0,3}>[ \t]?)*+(?P<bullet>[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?)", re.MULTILINE
)


@dataclass(frozen=True)
class _Emphasis:
    """Delimiters around text on one line (``**bold**``), found as the pattern
    ``(?P<open>D)(?=\\S)[^\\n]+?(?<=\\S)(?P<close>(?P=open))`` with its lookarounds would find them, in linear time:
    that pattern scans the rest of the line from every opening that has no closing (40 ms on 4,096 characters
    of ``" **a"``, growing with the square of the length). Every place a delimiter may open and every place one
    may close are found once each; an opening is paired with the first closing of the same delimiter after it
    on its line, and the search goes on after that closing, as a regular expression's would."""

    opening: re.Pattern[str]
    """Zero-width, at each place a delimiter (group ``open``) may open."""
    closing: re.Pattern[str]
    """Zero-width, at each place a delimiter (group ``close``) may close."""

    def pairs(self, text: str, line_breaks: list[int]) -> Iterator[Markup]:
        closings: dict[str, list[int]] = {}
        for match in self.closing.finditer(text):
            closings.setdefault(match["close"], []).append(match.start())
        searched_to = 0
        for match in self.opening.finditer(text):
            start, delimiter = match.start(), match["open"]
            if start < searched_to:
                continue
            inside = start + len(delimiter)
            candidates = closings.get(delimiter, [])
            # At least one character between the delimiters, and no line break.
            found = bisect.bisect_left(candidates, inside + 1)
            line_break = bisect.bisect_left(line_breaks, inside)
            line_end = line_breaks[line_break] if line_break < len(line_breaks) else len(text)
            if found == len(candidates) or candidates[found] > line_end:
                continue
            close = candidates[found]
            searched_to = close + len(delimiter)
            yield Markup((_drop(start, inside), _drop(close, searched_to)))


_EMPHASIS = (
    _Emphasis(
        re.compile(r"(?<![\\*\w])(?=(?P<open>\*\*\*|___)\S)"), re.compile(r"(?<=\S)(?=(?P<close>\*\*\*|___)(?![*\w]))")
    ),
    _Emphasis(
        re.compile(r"(?<![\\*\w])(?=(?P<open>\*\*|__)\S)"), re.compile(r"(?<=\S)(?=(?P<close>\*\*|__)(?![*\w]))")
    ),
    _Emphasis(re.compile(r"(?<![\\~])(?=(?P<open>~~)\S)"), re.compile(r"(?<=\S)(?=(?P<close>~~)(?!~))")),
    _Emphasis(re.compile(r"(?<![\\*\w])(?=(?P<open>\*)[^\s*])"), re.compile(r"(?<=[^\s*])(?=(?P<close>\*)(?![*\w]))")),
    _Emphasis(re.compile(r"(?<![\\_\w])(?=(?P<open>_)[^\s_])"), re.compile(r"(?<=[^\s_])(?=(?P<close>_)(?![_\w]))")),
)


def _find_fenced_code(text: str) -> Iterator[Markup]:
    """The fence lines go; the code between them stays, as it is written."""
    position = 0
    while (opening := _FENCE.search(text, position)) is not None:
        fence = opening["fence"]
        closing = re.compile(rf"^[ \t]{{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.MULTILINE)
        end = closing.search(text, opening.end())
        if end is None:
            yield Markup((_drop(*opening.span()),), ((opening.end(), len(text)),))
            return
        yield Markup((_drop(*opening.span()), _drop(*end.span())), ((opening.end(), end.start()),))
        position = end.end()


def _find_inline_code(text: str) -> Iterator[Markup]:
    for match in _INLINE_CODE.finditer(text):
        yield Markup((_drop(*match.span("open")), _drop(*match.span("close"))), (match.span("code"),))


def _find_escapes(text: str) -> Iterator[Markup]:
    # "\*" says a literal star: the backslash goes and the star is kept from the emphasis rules.
    for match in _ESCAPE.finditer(text):
        yield Markup((_drop(match.start(), match.end()),), ((match.end(), match.end() + 1),))


def _find_pattern(pattern: re.Pattern[str], *groups: str) -> Finder:
    def find(text: str) -> Iterator[Markup]:
        for match in pattern.finditer(text):
            if groups:
                yield _drop_groups(match, *groups)
            else:
                yield Markup((Replacement(*match.span(), _separator(text, *match.span())),))

    return find


def _find_html_comments(text: str) -> Iterator[Markup]:
    """``<!-- ... -->``, across lines. An opening that no ``-->`` follows means none after it closes either, so
    the search ends there (a lazy pattern scanned on to the end from each such opening: quadratic)."""
    position = 0
    while (start := text.find(_COMMENT_OPEN, position)) != -1:
        close = text.find(_COMMENT_CLOSE, start + len(_COMMENT_OPEN))
        if close == -1:
            return
        position = close + len(_COMMENT_CLOSE)
        yield Markup((Replacement(start, position, _separator(text, start, position)),))


def _find_entities(text: str) -> Iterator[Markup]:
    for match in _HTML_ENTITY.finditer(text):
        decoded = html.unescape(match.group())
        if decoded != match.group():
            yield Markup((Replacement(*match.span(), " " if decoded == "\xa0" else decoded),))


def _find_emphasis(text: str) -> Iterator[Markup]:
    line_breaks = [index for index, character in enumerate(text) if character == "\n"]
    for emphasis in _EMPHASIS:
        yield from emphasis.pairs(text, line_breaks)


MARKDOWN_RULES: list[Finder] = [
    _find_fenced_code,
    _find_inline_code,
    _find_escapes,
    _find_html_comments,
    _find_pattern(_REFERENCE_DEFINITION),
    _find_pattern(_IMAGE, "open", "close"),
    _find_pattern(_LINK, "open", "close"),
    _find_pattern(_AUTOLINK, "open", "close"),
    _find_pattern(_HTML_TAG),
    _find_entities,
    _find_pattern(_RULE_LINE),
    _find_pattern(_HEADING, "open", "close"),
    _find_pattern(_QUOTE),
    _find_pattern(_BULLET, "bullet"),
    _find_emphasis,
]


# --- emoji ------------------------------------------------------------------------------------

# Pictographs that are emoji whatever follows them.
_PICTOGRAPHS = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff"
# Symbols that are text unless a variation selector asks for the emoji form (©️, ↔️, ‼️).
_TEXT_SYMBOLS = "\u00a9\u00ae\u203c\u2049\u2122\u2139\u2190-\u21ff\u2934\u2935\u25a0-\u25ff\u3030\u303d\u3297\u3299"
# Modifiers: variation selectors, skin tones, the keycap mark, tag characters (subdivision flags).
_MODIFIERS = "\ufe0e\ufe0f\U0001f3fb-\U0001f3ff\u20e3\U000e0020-\U000e007f"
_EMOJI_BASE = rf"(?:[0-9#*]\ufe0f?\u20e3|[{_PICTOGRAPHS}]|[{_TEXT_SYMBOLS}]\ufe0f)"
_EMOJI_SEQUENCE = rf"{_EMOJI_BASE}[{_MODIFIERS}]*(?:\u200d{_EMOJI_BASE}[{_MODIFIERS}]*)*"
# A stray selector or skin tone left on its own is not read either.
_EMOJI = re.compile(rf"{_EMOJI_SEQUENCE}|[\ufe0f\U0001f3fb-\U0001f3ff]")


def _find_emoji(text: str) -> Iterator[Markup]:
    for match in _EMOJI.finditer(text):
        yield Markup((Replacement(*match.span(), _separator(text, *match.span())),))
