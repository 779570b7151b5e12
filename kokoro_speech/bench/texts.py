"""Benchmark inputs: distinct texts of set lengths, so the result cache is never hit by accident."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

_SENTENCES = [
    "The river ran quietly past the old stone mill at dawn.",
    "She packed a small bag and caught the early train north.",
    "Every lamp in the village was lit before the storm arrived.",
    "He wrote the letter twice and never sent either one.",
    "A pair of herons stood still in the shallow water.",
    "The bakery on the corner sells bread until noon on Sundays.",
    "They argued about the map for an hour and then got lost anyway.",
    "Snow covered the hills, and the roads were closed for days.",
    "The children built a raft from barrels and floated it downstream.",
    "Nobody remembered who had planted the apple tree by the gate.",
    "The museum opened a new wing filled with maps of the coast.",
    "Our neighbour plays the piano every evening around seven.",
    "The ferry waited at the pier while the last cars drove aboard.",
    "A cold wind blew through the valley and rattled the shutters.",
    "She found an old photograph tucked inside the cookbook.",
    "The market was crowded with people buying fruit and flowers.",
]
_NAMES = [
    "Alice",
    "Bruno",
    "Clara",
    "Dmitri",
    "Elena",
    "Farid",
    "Greta",
    "Hiro",
    "Ines",
    "Jonas",
    "Kaito",
    "Lena",
    "Marco",
    "Nadia",
    "Oscar",
    "Priya",
    "Quentin",
    "Rosa",
    "Samir",
    "Tove",
]


def texts(length: int, seed: int = 0) -> Iterator[str]:
    """Endless distinct texts of about ``length`` characters (whole sentences, one name each)."""
    for index in itertools.count(seed):
        name = _NAMES[index % len(_NAMES)]
        words = [f"{name} said this, take {index}."]
        offset = index * 7
        while len(" ".join(words)) < length:
            words.append(_SENTENCES[offset % len(_SENTENCES)])
            offset += 1
        text = " ".join(words)
        if len(text) > length * 1.3:
            text = text[: int(length * 1.3)].rsplit(" ", 1)[0] + "."
        yield text


def take(length: int, count: int, seed: int) -> list[str]:
    return list(itertools.islice(texts(length, seed), count))
