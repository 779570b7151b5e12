"""Text clean-up and sentence splitting, ahead of phonemization."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200b\u3000]+")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
# A sentence ends at . ! ? … (and their full-width forms) followed by space, or at a line
# break. Closing quotes and brackets stay with the sentence they end.
_SENTENCE_END = re.compile(r"([.!?…。！？]+[\"'”’)\]]*)\s+")


def normalize(text: str) -> str:
    """Unicode-normalize and tidy whitespace; line breaks survive as sentence breaks."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if ch in "\r\n\t" or unicodedata.category(ch)[0] != "C")
    text = _LINE_BREAKS.sub("\n", text)
    return _SPACES.sub(" ", text).strip()


def sentences(text: str) -> list[str]:
    """Split normalized text into sentences, dropping empty ones."""
    parts = _SENTENCE_END.sub(lambda m: m.group(1) + "\n", text).split("\n")
    return [p.strip() for p in parts if p.strip()]
