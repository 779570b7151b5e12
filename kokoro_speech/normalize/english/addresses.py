"""URLs, email and IPv4 addresses, said as people read them out ("example dot com"); they run
first because they hold digits, dots and dashes that the number rules would take."""

from __future__ import annotations

import re
from collections.abc import Iterator

from kokoro_speech.normalize import numbers as nw
from kokoro_speech.normalize.english.common import spell, sub_hits
from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.normalize.spans import Replacement

_TLDS = (
    "com|org|net|edu|gov|mil|int|io|ai|co|dev|app|info|biz|tv|uk|de|fr|es|nl|jp|cn|au|ca|ru|br|ch|se|eu"
    "|ly|gg|xyz|tech|online|site|cloud|blog|news|shop|store|live"
)
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_PATH_CHARS = r"[^\s<>\"'\[\](){}]"
# An address starts where a run of the characters of its first part starts (none of them before it): started
# within such a run (after a "%"), each start scanned the rest of the run again, which is quadratic.
_EMAIL = re.compile(rf"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@{_LABEL}(?:\.{_LABEL})*\.[A-Za-z]{{2,}}(?![\w-])")
_URL = re.compile(
    rf"(?<![\w.])(?:(?:https?|ftp)://|www\.){_PATH_CHARS}+"
    rf"|(?<![\w.@/-])(?:{_LABEL}\.)+(?:{_TLDS})(?![\w-])(?:/{_PATH_CHARS}*)?"
)
_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
_URL_TRAILING = ".,;:!?'\""
_SCHEME = re.compile(r"^https?://", re.IGNORECASE)
_ADDRESS_PIECE = re.compile(r"[A-Za-z]+|\d+|.")
_ADDRESS_SYMBOLS = {
    ".": "dot",
    "/": "slash",
    "-": "dash",
    "_": "underscore",
    ":": "colon",
    "?": "question mark",
    "=": "equals",
    "&": "and",
    "#": "hash",
    "%": "percent",
    "~": "tilde",
    "+": "plus",
    "@": "at",
}
_SPELLED_LABELS = frozenset({"www", "ftp"})
_MAX_OCTET = 255


def _say_address(address: str) -> str:
    """ "https://example.com/docs" -> "example dot com slash docs" (nobody says the "https")."""
    address = _SCHEME.sub("", address).rstrip("/")
    words: list[str] = []
    for piece in _ADDRESS_PIECE.findall(address):
        if piece.isdecimal():
            words.append(nw.integer(piece))
        elif piece.isalpha():
            words.append(spell(piece) if piece.lower() in _SPELLED_LABELS else piece)
        elif piece in _ADDRESS_SYMBOLS:
            words.append(_ADDRESS_SYMBOLS[piece])
    return " ".join(words)


def find_addresses(text: str, options: NormalizationOptions) -> Iterator[Replacement]:
    yield from sub_hits(_EMAIL, text, lambda m: _say_address(m.group()))
    for match in _URL.finditer(text):
        url = match.group().rstrip(_URL_TRAILING)
        yield Replacement(match.start(), match.start() + len(url), _say_address(url))
    for match in _IPV4.finditer(text):
        octets = match.group().split(".")
        if all(int(o) <= _MAX_OCTET for o in octets):
            yield Replacement(match.start(), match.end(), " dot ".join(nw.integer(o) for o in octets))
