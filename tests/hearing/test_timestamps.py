"""Word timestamps agree with the recognizer's own word times."""

from __future__ import annotations

import base64
from typing import Any

from litestar.testing import TestClient

from kokoro_speech.bench.recognizer import Recognizer, normalized
from tests.support import speech

TEXT = "It costs $7.25 at Elm St. today, and the shop opens at 9:30 a.m. sharp."


def timed(client: TestClient, **fields: object) -> Any:
    """The timestamps route's answer for ``TEXT``, or the ``input`` given."""
    return speech.timed(client, str(fields.pop("input", TEXT)), **fields)


ASR_TEXTS = (
    "The library opens early on weekdays, and the garden behind it is quiet. "
    "Children read under the old trees while their parents talk about the weather.",
    "Yesterday I walked to the market and bought apples, bread and a small bunch of flowers for my mother.",
    "The train to the coast was late again, so we sat on the platform and watched the pigeons argue over crumbs.",
    "My grandfather kept bees behind the barn, and every summer he sold jars of honey from a table by the road.",
    "When the power went out, the whole street came outside with candles and talked until long after midnight.",
    "She practised the piano every morning before school, even on the coldest days of the winter.",
    "The small boat drifted slowly across the lake while the fishermen waited for the first bite of the day.",
    "After the storm, the river rose over its banks and covered the fields with a thin layer of brown water.",
    "We painted the kitchen a pale yellow colour and hung a new clock above the door.",
)


def test_word_times_agree_with_speech_recognition(client: TestClient, recognizer: Recognizer) -> None:
    gaps: list[float] = []
    for text in ASR_TEXTS:
        result = timed(client, input=text)
        heard = recognizer.hear(base64.b64decode(str(result["audio"])), word_timestamps=True)
        ours = [(normalized(w["word"]), w["start"]) for w in result["words"]]
        theirs = [(normalized(w.word), w.start) for w in heard.words]
        pairs = _matched(ours, theirs)
        assert len(pairs) >= 0.8 * len(ours)
        gaps += [abs(a - b) for a, b in pairs]
    mean_gap = sum(gaps) / len(gaps)
    print(f"{len(gaps)} words matched, mean start gap {mean_gap * 1000:.0f} ms, max {max(gaps) * 1000:.0f} ms")
    assert mean_gap <= 0.150


def _matched(ours: list[tuple[str, float]], theirs: list[tuple[str, float]]) -> list[tuple[float, float]]:
    """Start times of the words both sides agree on, aligned in order."""
    import difflib

    matcher = difflib.SequenceMatcher(a=[w for w, _ in ours], b=[w for w, _ in theirs], autojunk=False)
    pairs: list[tuple[float, float]] = []
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            pairs.append((ours[block.a + k][1], theirs[block.b + k][1]))
    return pairs
