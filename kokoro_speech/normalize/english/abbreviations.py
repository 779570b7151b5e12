"""Abbreviations with a full stop ("Dr.", "etc."): the full stop may also end the sentence."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from kokoro_speech.normalize.english.common import previous_word, sentence_initial, sentence_stop, spell, sub_hits
from kokoro_speech.normalize.english.dates import MONTH_ABBREVIATIONS, MONTHS
from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.normalize.spans import Replacement


@dataclass(frozen=True)
class Abbreviation:
    spoken: str
    may_end_sentence: bool = True
    """Whether its full stop can also end the sentence ("etc."), unlike a title's ("Mr.")."""


ABBREVIATIONS: dict[str, Abbreviation] = {
    "Mr.": Abbreviation("Mister", False),
    "Mrs.": Abbreviation("Missus", False),
    "Ms.": Abbreviation("Miz", False),
    "Prof.": Abbreviation("Professor", False),
    "Gen.": Abbreviation("General", False),
    "Capt.": Abbreviation("Captain", False),
    "Lt.": Abbreviation("Lieutenant", False),
    "Sgt.": Abbreviation("Sergeant", False),
    "Col.": Abbreviation("Colonel", False),
    "Gov.": Abbreviation("Governor", False),
    "Sen.": Abbreviation("Senator", False),
    "Rep.": Abbreviation("Representative", False),
    "Rev.": Abbreviation("Reverend", False),
    "Hon.": Abbreviation("Honorable", False),
    "Fig.": Abbreviation("Figure", False),
    "fig.": Abbreviation("figure", False),
    "Vol.": Abbreviation("Volume", False),
    "vol.": Abbreviation("volume", False),
    "e.g.": Abbreviation("for example", False),
    "E.g.": Abbreviation("For example", False),
    "i.e.": Abbreviation("that is", False),
    "I.e.": Abbreviation("That is", False),
    "cf.": Abbreviation("compare", False),
    "vs.": Abbreviation("versus", False),
    "vs": Abbreviation("versus", False),
    "approx.": Abbreviation("approximately", False),
    "a.k.a.": Abbreviation("also known as", False),
    "U.S.": Abbreviation(spell("US"), False),
    "U.K.": Abbreviation(spell("UK"), False),
    "U.S.A.": Abbreviation(spell("USA")),
    "Ph.D.": Abbreviation(spell("PhD")),
    "D.C.": Abbreviation(spell("DC")),
    "Jr.": Abbreviation("Junior"),
    "Sr.": Abbreviation("Senior"),
    "Ave.": Abbreviation("Avenue"),
    "Blvd.": Abbreviation("Boulevard"),
    "Rd.": Abbreviation("Road"),
    "Hwy.": Abbreviation("Highway"),
    "etc.": Abbreviation("et cetera"),
    "Inc.": Abbreviation("Incorporated"),
    "Ltd.": Abbreviation("Limited"),
    "Co.": Abbreviation("Company"),
    "Corp.": Abbreviation("Corporation"),
    "Dept.": Abbreviation("Department"),
    **{f"{short}.": Abbreviation(MONTHS[number - 1]) for short, number in MONTH_ABBREVIATIONS.items()},
}


@dataclass(frozen=True)
class Ambiguous:
    """An abbreviation read by what stands around it: a title before a name, a place after one."""

    title: str
    place: str | None = None
    title_first: bool = False
    """Whether a name after it outweighs a name before it ("CEO Dr. Jones" against "Elm St. Louis")."""


AMBIGUOUS_ABBREVIATIONS = {
    "St.": Ambiguous("Saint", "Street"),
    "Dr.": Ambiguous("Doctor", "Drive", title_first=True),
    "Mt.": Ambiguous("Mount"),
    "Ft.": Ambiguous("Fort"),
    # British style writes some without the full stop.
    "St": Ambiguous("Saint", "Street"),
    "Dr": Ambiguous("Doctor", "Drive", title_first=True),
    "Mr": Ambiguous("Mister"),
    "Mrs": Ambiguous("Missus"),
    "Ms": Ambiguous("Miz"),
}
_ABBREVIATION_NAMES = sorted([*ABBREVIATIONS, *AMBIGUOUS_ABBREVIATIONS, "No.", "no."], key=len, reverse=True)
_ABBREVIATION = re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(a) for a in _ABBREVIATION_NAMES) + r")(?!\w)")
_NAME_FOLLOWS = re.compile(r"[ \t]+[A-Z]")
_NUMBER_FOLLOWS = re.compile(r"[ \t]?#?\d")


def _say_ambiguous(written: str, text: str, start: int, end: int) -> str | None:
    reading = AMBIGUOUS_ABBREVIATIONS[written]
    before = previous_word(text, start)
    # "Elm St." / "5th St.": a place name comes first. "Visit St. Louis" starts a sentence.
    after_name = (
        bool(before)
        and (before[0].isupper() or before[0].isdecimal())
        and not sentence_initial(text, text.rfind(before, 0, start))
    )
    name_follows = bool(_NAME_FOLLOWS.match(text, end))
    if reading.place is not None and after_name and not (reading.title_first and name_follows):
        return reading.place + sentence_stop(text, end)
    if name_follows:
        return reading.title
    if reading.place is not None and written.endswith("."):
        return reading.place + sentence_stop(text, end)
    return None


def _say_abbreviation(match: re.Match[str], text: str) -> str | None:
    written = match.group()
    if written in ("No.", "no."):
        return "number" if _NUMBER_FOLLOWS.match(text, match.end()) else None
    if written in AMBIGUOUS_ABBREVIATIONS:
        return _say_ambiguous(written, text, match.start(), match.end())
    abbreviation = ABBREVIATIONS[written]
    return abbreviation.spoken + sentence_stop(text, match.end(), strict=not abbreviation.may_end_sentence)


def find_abbreviations(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_ABBREVIATION, text, lambda m: _say_abbreviation(m, text))
