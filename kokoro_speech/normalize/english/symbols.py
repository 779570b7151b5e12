"""Symbols said as words; last, so that every rule above has read the symbols it uses."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.normalize.spans import Replacement

SYMBOLS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<=\b[A-Z])#(?!\w)"), "sharp"),  # C#, F#
    (re.compile(r"#(?=\d)"), "number"),
    (re.compile(r"(?<![\w&#])#(?=[A-Za-z])"), ""),  # hashtags: "#blessed" is said "blessed"
    (re.compile(r"&"), "and"),
    (re.compile(r"@"), "at"),
    (re.compile(r"\+"), "plus"),
    (re.compile(r"(?<![=!<>])=(?![=>])"), "equals"),
    (re.compile(r"×"), "times"),
    (re.compile(r"(?<=\d)x(?=\d)"), "by"),  # 1920x1080
    (re.compile(r"(?<=\d )x(?= \d)"), "times"),
    (re.compile(r"(?<=[A-Za-z] )x(?= \d)"), "by"),  # "2 in x 4 in"
    (re.compile(r"(?<=\d)x(?![\w])"), "times"),  # "3x faster"
    (re.compile(r"(?<=\d)\*(?=\d)|(?<=\d )\*(?= \d)"), "times"),
    (re.compile(r"(?<=\d)\^(?=\d)"), "to the power of"),
    (re.compile(r"÷"), "divided by"),
    (re.compile(r"±"), "plus or minus"),
    (re.compile(r"≈"), "approximately"),
    (re.compile(r"≠"), "does not equal"),
    (re.compile(r"≤"), "less than or equal to"),
    (re.compile(r"≥"), "greater than or equal to"),
    (re.compile(r"(?<=\w )<(?= \w)"), "less than"),
    (re.compile(r"(?<=\w )>(?= \w)"), "greater than"),
    (re.compile(r"~(?=\s?\d)"), "about"),
    (re.compile(r"(?<=[A-Za-z])-(?=\d)"), " "),  # "GPT-4", "COVID-19": not "minus"
    (re.compile(r"%"), "percent"),
    (re.compile(r"§"), "section"),
    (re.compile(r"©"), "copyright"),
    (re.compile(r"[™®]"), ""),
)


def find_symbols(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    for pattern, spoken in SYMBOLS:
        for match in pattern.finditer(text):
            yield Replacement(match.start(), match.end(), spoken)
