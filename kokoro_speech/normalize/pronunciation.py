"""Inline pronunciations: ``[Kokoro](/kˈOkəɹO/)`` speaks the phonemes between the slashes.

This is the convention of Kokoro's own tools. It looks like a Markdown link to a relative
path, so it counts as a pronunciation only where the part between the slashes holds a
character no path would ("[Home](/home/)" stays a link, which the markup rules strip).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

INLINE_PRONUNCIATION = re.compile(r"\[([^\[\]\n]+)\]\(/([^/\n]+)/\)")
_PATH_LIKE = re.compile(r"[A-Za-z0-9._\-]+")


def is_pronunciation(match: re.Match[str]) -> bool:
    return _PATH_LIKE.fullmatch(match.group(2)) is None


def pronunciations(text: str) -> Iterator[re.Match[str]]:
    """The inline pronunciations in ``text``, in order."""
    return (m for m in INLINE_PRONUNCIATION.finditer(text) if is_pronunciation(m))
