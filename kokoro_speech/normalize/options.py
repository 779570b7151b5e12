"""Switches for the text normalizer, one per class of rewrite."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DateOrder = Literal["mdy", "dmy"]


@dataclass(frozen=True)
class NormalizationOptions:
    """Which rewrites run. A rule that is off leaves its text exactly as written."""

    numbers: bool = True
    """Cardinals, ordinals, decimals, negatives, separators, fractions, ranges and years."""
    money: bool = True
    """Amounts in $, €, £ and ¥, with cents and pence."""
    percentages: bool = True
    dates: bool = True
    date_order: DateOrder = "mdy"
    """How a numeric date like 5/3/2027 is read: "mdy" (May third) or "dmy" (the fifth of March)."""
    times: bool = True
    phone_numbers: bool = True
    units: bool = True
    abbreviations: bool = True
    acronyms: bool = True
    urls: bool = True
    """URLs and email addresses."""
    versions: bool = True
    symbols: bool = True
    markdown: bool = True
    emoji: bool = True
