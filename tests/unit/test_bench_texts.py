"""Benchmark inputs must be distinct (or the result cache would answer) and of the asked length."""

from __future__ import annotations

from kokoro_speech.bench.texts import take


def test_texts_are_distinct_across_seeds_and_near_the_asked_length() -> None:
    texts = take(150, 20, seed=0) + take(150, 20, seed=1000)
    assert len(set(texts)) == len(texts)
    assert all(150 <= len(t) <= 195 for t in texts)


def test_short_and_long_texts() -> None:
    assert all(50 <= len(t) <= 65 for t in take(50, 10, seed=5))
    assert all(700 <= len(t) <= 910 for t in take(700, 3, seed=5))
