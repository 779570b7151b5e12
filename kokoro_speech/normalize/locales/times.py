"""Clock times: "14:30" everywhere, "3:30 p. m." where 12 h times are written, "15h30" in French
and Brazilian Portuguese, "alle 14.30" in Italian. They run before the number rules, which would
read the colon or the full stop."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from kokoro_speech.normalize.english.common import sentence_stop, sub_hits
from kokoro_speech.normalize.locales.numbers import WORD_END
from kokoro_speech.normalize.locales.tables import ClockTime, LocaleTable, Meridiem
from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.normalize.spans import Replacement

HOURS_IN_DAY, HALF_DAY, MINUTES = 24, 12, 60
# "a. m.", "a.m.", "am", "AM", "p. m."...
MERIDIEM = r"(?P<half>[aApP])(?:\.\s?[mM]\.?|[mM])(?![\w.])"


def clock_time(hour: int, minute: int, second: int | None = None, half: str | None = None) -> ClockTime | None:
    """A valid time, or None: 25:00, 10:75 and 0 p. m. are not times."""
    meridiem: Meridiem | None = None
    if half:
        meridiem = "pm" if half.lower() == "p" else "am"
    last_hour = HALF_DAY if meridiem else HOURS_IN_DAY - 1
    if hour > last_hour or minute >= MINUTES or (second is not None and second >= MINUTES):
        return None
    if meridiem and hour == 0:
        return None
    return ClockTime(hour, minute, second, meridiem)


def _suffix(table: LocaleTable) -> str:
    if not table.time_suffixes:
        return ""
    words = "|".join(re.escape(s) for s in sorted(table.time_suffixes, key=len, reverse=True))
    return rf"(?:\s?(?:{words}){WORD_END})?"


@cache
def _patterns(table: LocaleTable) -> tuple[re.Pattern[str], ...]:
    meridiem = rf"(?:\s?{MERIDIEM})?" if table.meridiems else ""
    patterns = [
        re.compile(
            rf"(?<![\w:.,])(?P<hour>\d{{1,2}}):(?P<minute>\d{{2}})(?::(?P<second>\d{{2}}))?{meridiem}"
            rf"(?![\w:]|[.,]\d){_suffix(table)}"
        )
    ]
    if table.meridiems:
        patterns.append(re.compile(rf"(?<![\w:.,])(?P<hour>\d{{1,2}})\s?{MERIDIEM}"))
    if table.hour_letter:
        patterns.append(re.compile(r"(?<![\w:.,])(?P<hour>\d{1,2})\s?h\s?(?P<minute>\d{2})?(?![\w:]|[.,]\d)"))
    return tuple(patterns)


@cache
def _dotted(table: LocaleTable) -> re.Pattern[str]:
    cues = "|".join(sorted(table.dotted_time_cues, key=len, reverse=True))
    return re.compile(rf"(?i:\b(?:{cues}))\s+(?P<time>(?P<hour>\d{{1,2}})\.(?P<minute>\d{{2}}))(?![\w.:]|,\d)")


def _say(table: LocaleTable, match: re.Match[str], text: str) -> str | None:
    groups = match.groupdict()
    minute = int(groups.get("minute") or 0)
    second = int(groups["second"]) if groups.get("second") else None
    time = clock_time(int(match["hour"]), minute, second, groups.get("half"))
    # "p. m." and "h." may close the sentence with their own full stop.
    return None if time is None else table.say_time(time) + sentence_stop(text, match.end())


def find_times(table: LocaleTable, text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    for pattern in _patterns(table):
        yield from sub_hits(pattern, text, lambda m: _say(table, m, text))
    if table.dotted_time_cues:
        for match in _dotted(table).finditer(text):
            spoken = _say(table, match, text)
            if spoken is not None:
                yield Replacement(match.start("time"), match.end("time"), spoken)
