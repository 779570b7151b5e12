"""What a client's text costs grows in proportion to its length: the patterns that once backtracked
quadratically on a crafted input (pure logic).

Each test times the same work on an input of size n and of size 8n, in the same test, and compares the two:
linear work takes about 8 times as long, quadratic about 64 times. The bound of 24 is a ratio, so it holds on
a machine of any speed; the best of several runs keeps a pause of the machine out of it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from kokoro_speech.engine.reading import _SENTENCE_END
from kokoro_speech.engine.voices import UnknownVoiceError, blend_terms
from kokoro_speech.normalize.english.addresses import _EMAIL
from kokoro_speech.normalize.markup import markup_replacements
from kokoro_speech.normalize.options import NormalizationOptions

GROWTH = 8
LINEAR_BOUND = 3 * GROWTH
RUNS = 5
"""Best of this many runs, each repeated until it takes long enough to time."""
TIMED_SECONDS = 0.002
ATTEMPTS = 3


def _cost(work: Callable[[str], object], text: str) -> float:
    best = float("inf")
    for _ in range(RUNS):
        repeats, started = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - started) < TIMED_SECONDS or not repeats:
            work(text)
            repeats += 1
        best = min(best, elapsed / repeats)
    return best


def growth(work: Callable[[str], object], make: Callable[[int], str], size: int) -> float:
    """How many times longer ``work`` takes on ``make(GROWTH * size)`` than on ``make(size)``: the least of a
    few measurements, since a busy machine can only make a ratio look worse than it is (quadratic work stays
    far above the bound in every one)."""
    small, large = make(size), make(GROWTH * size)
    return min(_cost(work, large) / _cost(work, small) for _ in range(ATTEMPTS))


def repeated(piece: str) -> Callable[[int], str]:
    return lambda size: (piece * (size // len(piece) + 1))[:size]


def _refused(voice: str) -> None:
    with pytest.raises(UnknownVoiceError):
        blend_terms(voice)


def test_a_blend_weight_of_many_digits_is_read_in_linear_time() -> None:
    # Once 26 ms at 1,000 digits, 4.9 s at 16,000: "[0-9]*\.?[0-9]+" tried every split of the digits.
    assert growth(_refused, lambda size: "af_bella(" + "1" * size + "x)", 120) < LINEAR_BOUND


@pytest.mark.parametrize(
    "piece",
    [
        "![",  # images: once 40 ms at 4,096 characters
        "[",  # links
        "[a](",  # a link's address that never closes
        " **a",  # emphasis that never closes: once 35 ms at 4,096 characters
        " *a",
        " _a",
        " ~~a",
        " ***a",
        " ___a",
        "a **",
        "<!--",  # HTML comments that never close
    ],
)
def test_markdown_is_stripped_in_linear_time(piece: str) -> None:
    options = NormalizationOptions()
    assert growth(lambda text: markup_replacements(text, options), repeated(piece), 512) < LINEAR_BOUND


@pytest.mark.parametrize("piece", ["!", "?!…", "。"])
def test_the_end_of_a_sentence_is_found_in_linear_time(piece: str) -> None:
    # Once 120 ms on 4,095 "!" before a letter: the run of marks was scanned again from each of its marks.
    assert growth(_SENTENCE_END.search, lambda size: repeated(piece)(size) + "x", 512) < LINEAR_BOUND


def test_an_email_address_is_found_in_linear_time() -> None:
    # Each figure after a "%" once started a scan of the rest of the run for an "@".
    assert growth(lambda text: list(_EMAIL.finditer(text)), repeated("1%"), 512) < LINEAR_BOUND
