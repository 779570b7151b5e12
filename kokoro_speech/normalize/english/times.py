"""Clock times ("3:30 pm" -> "three thirty P M"); they run before ratios, which would take the colon."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kokoro_speech.normalize import numbers as nw
from kokoro_speech.normalize.english.common import sentence_stop, spell, sub_hits
from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.normalize.spans import Replacement

_MERIDIEM = r"(?P<meridiem>(?P<half>[AaPp])(?:\.\s?[Mm]\.?|[Mm](?![A-Za-z]))(?![A-Za-z]))"
_CLOCK = re.compile(
    rf"(?<![\w:.])(?P<hour>\d{{1,2}}):(?P<minute>\d{{2}})(?::(?P<second>\d{{2}}))?(?:\s?{_MERIDIEM})?(?![\w:])"
)
_HOUR = re.compile(rf"(?<![\w:.])(?P<hour>\d{{1,2}})\s?{_MERIDIEM}")
_HOURS_IN_DAY, _HALF_DAY, _MINUTES = 24, 12, 60
_OH_BELOW = 10


def _say_meridiem(half: str) -> str:
    return spell(half.upper() + "M")


def say_clock(hour: int, minute: int, second: int | None = None, meridiem: str | None = None) -> str:
    """3:30 pm -> "three thirty P M", 9:05 -> "nine oh five", 12:00 -> "twelve o'clock",
    14:00 -> "fourteen hundred"."""
    words = [nw.cardinal(hour)]
    if minute == 0 and meridiem is None:
        words.append("o'clock" if 1 <= hour <= _HALF_DAY else "hundred")
    elif 0 < minute < _OH_BELOW:
        words += ["oh", nw.cardinal(minute)]
    elif minute:
        words.append(nw.cardinal(minute))
    if second:
        words.append(f"and {nw.cardinal(second)} {'second' if second == 1 else 'seconds'}")
    if meridiem is not None:
        words.append(_say_meridiem(meridiem))
    return " ".join(words)


def _say_clock(match: re.Match[str], text: str) -> str | None:
    hour, minute = int(match["hour"]), int(match["minute"])
    second = int(match["second"]) if match["second"] else None
    half = match["half"]
    last_hour = _HALF_DAY if half else _HOURS_IN_DAY - 1
    if hour > last_hour or minute >= _MINUTES or (second is not None and second >= _MINUTES):
        return None
    if half and hour == 0:
        return None
    return say_clock(hour, minute, second, half) + sentence_stop(text, match.end())


def _say_hour(match: re.Match[str], text: str) -> str | None:
    hour = int(match["hour"])
    if not 1 <= hour <= _HALF_DAY:
        return None
    return say_clock(hour, 0, None, match["half"]) + sentence_stop(text, match.end())


def find_times(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_CLOCK, text, lambda m: _say_clock(m, text))
    yield from sub_hits(_HOUR, text, lambda m: _say_hour(m, text))
