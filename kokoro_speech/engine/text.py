"""Clean-up of raw input before it is read."""

from __future__ import annotations

import re
import unicodedata

# Spaces of every width read as one plain space; line breaks stay, they end sentences.
_SPACES = re.compile(r"[\t\f\v\u00a0\u2000-\u200b\u3000]")


def clean(text: str) -> str:
    """Unicode-normalize, drop control characters, make every space a plain one."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if ch in "\r\n\t" or unicodedata.category(ch)[0] != "C")
    return _SPACES.sub(" ", text)
