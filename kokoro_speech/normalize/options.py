"""Switches for the text normalizer, one per class of rewrite.

This is the one list of them: the server's settings (``KOKORO_SPEECH_NORMALIZE_*``) and the
request's ``normalization`` object are both made from these fields.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from kokoro_speech.infra.settings import setting

DateOrder = Literal["mdy", "dmy"]


@dataclass(frozen=True)
class NormalizationOptions:
    """Which rewrites run. A rule that is off leaves its text exactly as written."""

    numbers: bool = setting(True, env="KOKORO_SPEECH_NORMALIZE_NUMBERS")
    """Cardinals, ordinals, decimals, negatives, separators, fractions, ranges and years."""
    money: bool = setting(True, env="KOKORO_SPEECH_NORMALIZE_MONEY")
    """Amounts in $, €, £ and ¥, with cents and pence."""
    percentages: bool = setting(True, env="KOKORO_SPEECH_NORMALIZE_PERCENTAGES")
    """"45%" as "forty five percent"."""
    dates: bool = setting(True, env="KOKORO_SPEECH_NORMALIZE_DATES")
    """ISO dates, "March 5th, 2027" and numeric dates (see date_order)."""
    date_order: DateOrder = setting("mdy", env="KOKORO_SPEECH_DATE_ORDER")
    """How a numeric date like 5/3/2027 is read: "mdy" (May third) or "dmy" (the fifth of March)."""
    times: bool = setting(True, env="KOKORO_SPEECH_NORMALIZE_TIMES")
    """Clock times, 12 h with a.m./p.m. and 24 h."""
    phone_numbers: bool = setting(True, env="KOKORO_SPEECH_NORMALIZE_PHONE_NUMBERS")
    """Phone numbers read digit by digit, in groups."""
    units: bool = setting(True, env="KOKORO_SPEECH_NORMALIZE_UNITS")
    """Units after a number: kg, km, mph, °C, GB..."""
    abbreviations: bool = setting(True, env="KOKORO_SPEECH_NORMALIZE_ABBREVIATIONS")
    """Dr., St., Mr., e.g., i.e., vs. and the like."""
    acronyms: bool = setting(True, env="KOKORO_SPEECH_NORMALIZE_ACRONYMS")
    """Acronyms that are not words spelled as letters (FBI, HTML)."""
    urls: bool = setting(True, env="KOKORO_SPEECH_NORMALIZE_URLS")
    """URLs and email addresses read the way people say them."""
    versions: bool = setting(True, env="KOKORO_SPEECH_NORMALIZE_VERSIONS")
    """Version numbers: "Python 3.12", "v2.4.1"."""
    symbols: bool = setting(True, env="KOKORO_SPEECH_NORMALIZE_SYMBOLS")
    """Symbols such as &, @, #, +, = and ~."""
    markdown: bool = setting(True, env="KOKORO_SPEECH_NORMALIZE_MARKDOWN")
    """Strip Markdown markup so it is not read out."""
    emoji: bool = setting(True, env="KOKORO_SPEECH_NORMALIZE_EMOJI")
    """Strip emoji so they are not read out."""

    def overridden(self, normalize: bool | None = None, **switches: object) -> NormalizationOptions:
        """These options with a request's switches applied (None keeps a switch as it is).

        ``normalize=False`` turns every rule off first; switches named alongside it still apply.
        """
        values = dataclasses.asdict(self)
        if normalize is False:
            values = {name: (False if isinstance(value, bool) else value) for name, value in values.items()}
        unknown = set(switches) - set(values)
        if unknown:
            raise TypeError(f"unknown normalization switches: {', '.join(sorted(unknown))}")
        values.update({name: value for name, value in switches.items() if value is not None})
        return NormalizationOptions(**values)
