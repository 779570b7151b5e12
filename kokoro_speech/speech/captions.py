"""Captions from word timings: cues of at most two short lines, split where a reader would pause, as WebVTT or SRT.

Every sentence starts a cue; a sentence too long for one (two lines, or the longest time a cue stays up) is
cut into the fewest, most even cues, at clause ends where that costs little evenness. Widths count a Chinese
or Japanese character as two columns. Each cue is shown from its first word's start to its last word's end,
so cues never overlap and never outlast the audio.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from kokoro_speech.engine.timing import SpokenWord
from kokoro_speech.normalize.english.abbreviations import ABBREVIATIONS, AMBIGUOUS_ABBREVIATIONS
from kokoro_speech.speech.config import CaptionConfig

CaptionFormat = Literal["vtt", "srt"]

SENTENCE_ENDS = (".", "!", "?", "…", "。", "！", "？")
CLAUSE_ENDS = (",", ";", ":", "—", "–", "、", "，", "；", "：")
# Closing marks that may follow the punctuation that ends a sentence or clause: `"Stop!"`, `(see above),`.
CLOSERS = "\"'”’»)]}」』"
# Abbreviations whose full stop does not end a sentence when more text follows ("Dr. Smith", "e.g. this").
TITLES = frozenset(
    [name for name, a in ABBREVIATIONS.items() if not a.may_end_sentence]
    + [name for name in AMBIGUOUS_ABBREVIATIONS if name.endswith(".")]
)
# What a cut inside a clause costs, against the squared room a cue leaves unused: a cut at a clause end wins
# unless the cues it leaves are far less even (2d² for each cue d characters off the even cut: about 22).
MID_CLAUSE_CUT_COST = 1000
# The same for a line break inside a cue, against the lines' difference in width.
MID_CLAUSE_BREAK_COST = 12
# Two lines at most, as broadcasters' caption guidelines ask: more covers the picture.
MAX_LINES = 2
# The shortest a cue can be shown for: WebVTT needs its end after its start.
MIN_CUE_SECONDS = 0.001


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    lines: tuple[str, ...]


def _ends_with(word: str, marks: tuple[str, ...]) -> bool:
    return word.rstrip(CLOSERS).endswith(marks)


def _ends_sentence(word: str, following: str | None) -> bool:
    """Whether a sentence ends with ``word``: not at a title's or an initial's full stop ("Dr. Smith",
    "J. Smith"), nor where the text goes on in lower case."""
    if not _ends_with(word, SENTENCE_ENDS):
        return False
    if following is None:
        return True
    bare = word.rstrip(CLOSERS)
    if bare in TITLES or (len(bare) == 2 and bare[0].isalpha() and bare.endswith(".")):
        return False
    return not following[:1].islower()


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def columns(text: str) -> int:
    """Columns on screen: a Chinese or Japanese character takes two."""
    return sum(2 if _wide(c) else 1 for c in text)


def _joined(words: Sequence[str]) -> str:
    """Words as a line: Chinese and Japanese, timed clause by clause, are written without spaces between."""
    text = ""
    for word in words:
        text += "" if not text or (_wide(text[-1]) and _wide(word[0])) else " "
        text += word
    return text


def split_lines(words: Sequence[str], line_chars: int) -> tuple[str, ...]:
    """The words as one line, or as two of at most ``line_chars`` columns (but for a word longer than that),
    broken where they are most even, or after a clause end close to that."""
    if columns(_joined(words)) <= line_chars or len(words) < 2:
        return (_joined(words),)

    def rank(cut: int) -> tuple[bool, int]:
        first, second = columns(_joined(words[:cut])), columns(_joined(words[cut:]))
        at_pause = _ends_with(words[cut - 1], CLAUSE_ENDS + SENTENCE_ENDS)
        return (max(first, second) > line_chars, abs(first - second) + (0 if at_pause else MID_CLAUSE_BREAK_COST))

    cut = min(range(1, len(words)), key=rank)
    return (_joined(words[:cut]), _joined(words[cut:]))


def _fits_lines(words: Sequence[str], line_chars: int) -> bool:
    """Whether the words fit in ``MAX_LINES`` lines of ``line_chars`` (filling each line in turn is optimal)."""
    lines: list[list[str]] = [[]]
    for word in words:
        if lines[-1] and columns(_joined([*lines[-1], word])) > line_chars:
            lines.append([])
        lines[-1].append(word)
    return len(lines) <= MAX_LINES


def _sentences(words: Sequence[SpokenWord]) -> Iterator[Sequence[SpokenWord]]:
    start = 0
    for index, word in enumerate(words):
        following = words[index + 1].word if index + 1 < len(words) else None
        if _ends_sentence(word.word, following):
            yield words[start : index + 1]
            start = index + 1
    if start < len(words):
        yield words[start:]


def _fits(words: Sequence[SpokenWord], config: CaptionConfig) -> bool:
    return len(words) == 1 or (
        _fits_lines([w.word for w in words], config.line_chars)
        and words[-1].end - words[0].start <= config.max_cue_seconds
    )


def _split_sentence(words: Sequence[SpokenWord], config: CaptionConfig) -> list[Sequence[SpokenWord]]:
    """The sentence in cues that each fit, chosen for the least cost: the square of each cue's unused room
    (so cues come out few and even, with no one-word tail), and a fee for a cut that is not a clause end."""
    room = MAX_LINES * config.line_chars
    best = [0.0] + [float("inf")] * len(words)
    start_of = [0] * (len(words) + 1)
    for end in range(1, len(words) + 1):
        for start in range(end - 1, -1, -1):
            group = words[start:end]
            if not _fits(group, config):
                break  # a longer cue fits no better
            cost = best[start] + max(room - columns(_joined([w.word for w in group])), 0) ** 2
            if end < len(words) and not _ends_with(group[-1].word, CLAUSE_ENDS):
                cost += MID_CLAUSE_CUT_COST
            if cost < best[end]:
                best[end], start_of[end] = cost, start
    cues: list[Sequence[SpokenWord]] = []
    end = len(words)
    while end > 0:
        cues.append(words[start_of[end] : end])
        end = start_of[end]
    return cues[::-1]


def _shown(cues: list[Cue], duration: float | None) -> list[Cue]:
    """The cues with every one on screen for a moment at least (a word the model gave no time, a cue moved to
    the audio's end), where its neighbours leave room."""
    shown: list[Cue] = []
    for index, cue in enumerate(cues):
        if cue.end - cue.start < MIN_CUE_SECONDS:
            after = cues[index + 1].start if index + 1 < len(cues) else duration
            before = shown[-1].end if shown else 0.0
            end = cue.start + MIN_CUE_SECONDS if after is None else min(cue.start + MIN_CUE_SECONDS, after)
            start = max(min(cue.start, end - MIN_CUE_SECONDS), before)
            cue = Cue(start, max(end, start), cue.lines)
        shown.append(cue)
    return shown


def plan_cues(words: Sequence[SpokenWord], config: CaptionConfig, duration: float | None = None) -> list[Cue]:
    """The cues for ``words`` (in spoken order): every sentence starts a cue; ``duration``, the audio's,
    bounds every cue's end."""
    # A written word may hold a line break (words the phonemizer ran together): it would end a cue early.
    words = [SpokenWord(" ".join(w.word.split()), w.start, w.end) for w in words if w.word.strip()]
    cues = []
    for sentence in _sentences(words):
        for group in _split_sentence(sentence, config):
            start, end = group[0].start, max(w.end for w in group)
            if duration is not None:
                start, end = min(start, duration), min(end, duration)
            cues.append(Cue(start, max(end, start), split_lines([w.word for w in group], config.line_chars)))
    return _shown(cues, duration)


def _timestamp(seconds: float, separator: str) -> str:
    millis = round(max(seconds, 0.0) * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def _vtt_text(line: str) -> str:
    # WebVTT cue text is markup: these three would start a tag, an entity or end the timing line.
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _srt_text(line: str) -> str:
    # An arrow in the text would read as a timing line to a lenient parser.
    return line.replace("-->", "->")


def caption_header(caption_format: CaptionFormat) -> str:
    return "WEBVTT\n\n" if caption_format == "vtt" else ""


def cue_blocks(cues: Iterable[Cue], caption_format: CaptionFormat, first_number: int = 1) -> Iterator[str]:
    """The numbered blocks of ``cues`` (a long recording's captions are written a part at a time, numbered on)."""
    mark, escape = (".", _vtt_text) if caption_format == "vtt" else (",", _srt_text)
    for n, c in enumerate(cues, first_number):
        yield (
            f"{n}\n{_timestamp(c.start, mark)} --> {_timestamp(c.end, mark)}\n"
            + "\n".join(map(escape, c.lines))
            + "\n\n"
        )


def render(cues: Sequence[Cue], caption_format: CaptionFormat) -> str:
    """The cues as a WebVTT or SRT file: the same numbered blocks, apart from the header, the decimal mark of
    the times and how the text is escaped."""
    return caption_header(caption_format) + "".join(cue_blocks(cues, caption_format))


def captions(
    words: Sequence[SpokenWord], caption_format: CaptionFormat, config: CaptionConfig, duration: float | None = None
) -> str:
    return render(plan_cues(words, config, duration), caption_format)
