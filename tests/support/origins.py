"""Checking a normalizer's origin map: what word timings rely on to name the words as written."""

from __future__ import annotations

from kokoro_speech.normalize import SpokenText


def assert_origins_point_back(text: str, result: SpokenText) -> None:
    """Every spoken character comes from its replacement's start, or is the input's own character."""
    assert len(result.origins) == len(result.text)
    assert list(result.origins) == sorted(result.origins)
    starts = {r.start for r in result.replaced}
    for char, origin in zip(result.text, result.origins, strict=True):
        inside = any(r.start <= origin < r.end for r in result.replaced)
        assert origin in starts or not inside, (char, origin)
        if not inside and char != " ":
            assert text[origin] == char
