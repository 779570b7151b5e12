"""The voice catalog: Kokoro's voices, their languages, OpenAI's names for them, and blends.

A blend is written ``af_bella(2)+af_sky(1)`` (weights relative, normalized to sum to one) or
``af_bella+af_sky`` (equal weights); its style is the weighted mean of the voices' styles and
its language is the first voice's. As in Kokoro-FastAPI, a voice may be subtracted,
``af_heart(3)-af_sky(1)``: every weight counts toward the total it is divided by, so that blend is
``(3 af_heart - af_sky) / 4``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from kokoro_speech.engine import languages
from kokoro_speech.engine.config import MODEL_MAX_TOKENS
from kokoro_speech.engine.languages import Language

# Kokoro's voice ids start with a language letter and a gender letter: af_heart is an
# American English female voice.
GENDERS: dict[str, str] = {"f": "female", "m": "male"}

# OpenAI's voice names, each mapped to the Kokoro voice closest in character.
OPENAI_VOICES: dict[str, str] = {
    "alloy": "af_alloy",
    "ash": "am_michael",
    "ballad": "bm_lewis",
    "coral": "af_heart",
    "echo": "am_echo",
    "fable": "bm_fable",
    "onyx": "am_onyx",
    "nova": "af_nova",
    "sage": "af_sarah",
    "shimmer": "af_bella",
    "verse": "am_puck",
    "marin": "af_kore",
    "cedar": "am_eric",
}

Style = NDArray[np.float32]
"""A voice pack: one 1x256 style vector per input length, shape (510, 1, 256)."""


class UnknownVoiceError(ValueError):
    """The requested voice is neither a Kokoro voice, an OpenAI name nor a valid blend of them."""


# A blend term is cut at its parentheses by str.partition and each piece checked whole by a pattern with no
# two quantifiers that could share a character, all possessive: the work is linear in the spec's length. (One
# pattern for the whole term, with `[0-9]*\.?[0-9]+` in it, backtracked quadratically: 4.9 s on 16,000 digits.)
_VOICE_NAME = re.compile(r"[A-Za-z0-9_]++")
_OPERATOR = re.compile(r"[+-]")
_WEIGHT = re.compile(r"[-+]?+(?:[0-9]++(?:\.[0-9]++)?+|\.[0-9]++)(?:[eE][-+]?+[0-9]++)?+")
MAX_BLEND_VOICES = 16
"""Most terms in one blend: blends people make mix two to four voices; each term is one more row to mix for every
chunk."""
MAX_VOICE_SPEC_CHARS = 1024
"""Longest voice or blend spec: sixteen terms such as ``af_nicole(0.3333)`` take under 300 characters, the rest
is room for spaces."""
# Weights are rounded in the normalized spec so that equal blends share cache entries.
WEIGHT_DIGITS = 4


@dataclass(frozen=True)
class VoiceInfo:
    id: str
    name: str
    language: Language
    gender: str
    openai_names: tuple[str, ...]


@dataclass(frozen=True)
class ResolvedVoice:
    """A voice ready for synthesis."""

    spec: str
    """Normalized name of what was asked for (a Kokoro id or a normalized blend); part of the cache key."""
    language: Language
    packs: tuple[Style, ...]
    """The voice packs it mixes: one for a single voice."""
    weights: tuple[float, ...] = (1.0,)
    """Each pack's weight: summing to one, or less where a voice is subtracted (its weight is below zero)."""

    def style_for(self, tokens: int) -> NDArray[np.float32]:
        """Kokoro picks the style row by input length: n tokens use row n - 1. A blend mixes only that row, on
        the thread that runs the model: mixing whole packs when the voice is resolved took 0.7 ms of the event
        loop for sixteen voices, and half a megabyte for each blend kept."""
        index = min(max(tokens, 1), MODEL_MAX_TOKENS) - 1
        if len(self.packs) == 1:
            row: NDArray[np.float32] = self.packs[0][index]
            return row
        mixed = sum(pack[index] * np.float32(weight) for pack, weight in zip(self.packs, self.weights, strict=True))
        return np.asarray(mixed, dtype=np.float32)


class VoiceCatalog:
    """All voices of one voices file, looked up by Kokoro id, OpenAI name or blend spec."""

    def __init__(self, styles: dict[str, Style]) -> None:
        self._styles = styles
        aliases: dict[str, list[str]] = {}
        for alias, target in OPENAI_VOICES.items():
            aliases.setdefault(target, []).append(alias)
        self._infos = {vid: _info(vid, tuple(aliases.get(vid, ()))) for vid in sorted(styles)}

    @classmethod
    def load(cls, path: Path) -> VoiceCatalog:
        with np.load(path) as npz:
            styles = {name: np.asarray(npz[name], dtype=np.float32) for name in npz.files}
        return cls(styles)

    def __len__(self) -> int:
        return len(self._styles)

    def infos(self) -> list[VoiceInfo]:
        return list(self._infos.values())

    def first_of(self, language: str) -> str:
        """The first voice (female first, as listed) that speaks ``language``, by code, alias or letter; raises
        UnknownLanguageError."""
        wanted = languages.find(language)
        found = next((info.id for info in self.infos() if info.language == wanted), None)
        if found is None:
            raise languages.UnknownLanguageError(f"No voice speaks {wanted.name}.")
        return found

    def openai_names(self) -> dict[str, str]:
        """OpenAI names available with this voices file, to their Kokoro id."""
        return {alias: target for alias, target in OPENAI_VOICES.items() if target in self._styles}

    def resolve(self, voice: str) -> ResolvedVoice:
        """A single voice or a blend; raises UnknownVoiceError saying what is wrong."""
        weights = self.parse(voice)
        if len(weights) == 1 and next(iter(weights.values())) == 1.0:
            (voice_id,) = weights
            return ResolvedVoice(voice_id, self._infos[voice_id].language, (self._styles[voice_id],))
        # Nothing is mixed here (see ResolvedVoice.style_for), so there is nothing worth keeping between requests.
        spec = "".join(
            f"{'-' if weight < 0 else '+' if index else ''}{vid}({abs(weight):g})"
            for index, (vid, weight) in enumerate(weights.items())
        )
        packs = tuple(self._styles[vid] for vid in weights)
        return ResolvedVoice(spec, self._infos[next(iter(weights))].language, packs, tuple(weights.values()))

    def parse(self, voice: str) -> dict[str, float]:
        """Kokoro ids to normalized weights, in the order given (the first decides the language); a subtracted
        voice's weight is below zero."""
        raw: dict[str, float] = {}
        total = 0.0
        for sign, name, weight_text in blend_terms(voice):
            weight = float(weight_text) if weight_text is not None else 1.0
            if weight < 0 or not np.isfinite(weight):
                raise UnknownVoiceError(f"Voice '{voice}': the weight of '{name}' must be a positive number.")
            voice_id = self._lookup(name, voice)
            raw[voice_id] = raw.get(voice_id, 0.0) + sign * weight
            total += weight
        if not 0 < total < float("inf"):
            raise UnknownVoiceError(f"Voice '{voice}': the weights of a blend must add up to a number above zero.")
        weights = {vid: round(w / total, WEIGHT_DIGITS) for vid, w in raw.items()}
        kept = {vid: w for vid, w in weights.items() if w != 0}
        if not kept or next(iter(kept.values())) < 0:
            raise UnknownVoiceError(f"Voice '{voice}': a blend must keep some of its first voice.")
        if any(w < 0 for w in kept.values()):
            return kept
        # Rounding may drop a tiny weight: what is kept is renormalized so it still sums to one.
        kept_total = sum(kept.values())
        return {vid: round(w / kept_total, WEIGHT_DIGITS) for vid, w in kept.items()}

    def _lookup(self, name: str, whole: str) -> str:
        voice_id = OPENAI_VOICES.get(name.lower(), name)
        if voice_id not in self._styles:
            where = f"in '{whole}' " if name != whole.strip() else ""
            raise UnknownVoiceError(
                f"Voice '{name}' {where}is not available. Use a Kokoro voice such as 'af_heart', one of "
                f"OpenAI's names ({', '.join(OPENAI_VOICES)}) or a blend such as 'af_bella(2)+af_sky(1)'; "
                "GET /v1/audio/voices lists them all."
            )
        return voice_id


def blend_terms(voice: str) -> list[tuple[int, str, str | None]]:
    """The terms of a voice or blend spec, each its sign (1 added, -1 subtracted), its name and its weight as
    written (None: unweighted), in time linear in the spec's length; raises UnknownVoiceError for a spec that is
    too long or malformed."""
    if len(voice) > MAX_VOICE_SPEC_CHARS:
        raise UnknownVoiceError(
            f"Voice is {len(voice)} characters long; a voice or blend may be at most {MAX_VOICE_SPEC_CHARS}."
        )
    pieces = _signed_pieces(voice)
    if len(pieces) > MAX_BLEND_VOICES:
        raise UnknownVoiceError(f"Voice '{voice}': a blend may mix at most {MAX_BLEND_VOICES} voices.")
    terms = [(sign, _blend_term(piece)) for sign, piece in pieces]
    if any(term is None for _, term in terms) or pieces[0][0] < 0:
        raise UnknownVoiceError(
            f"Voice '{voice}' is not a voice name nor a blend like 'af_bella(2)+af_sky(1)', 'af_bella+af_sky' or "
            "'af_heart(3)-af_sky(1)'."
        )
    return [(sign, *term) for sign, term in terms if term is not None]


def _signed_pieces(voice: str) -> list[tuple[int, str]]:
    """``voice`` cut at each ``+`` or ``-`` outside parentheses (a weight may carry its own sign, ``1e-3``),
    each piece with the sign before it; a leading operator leaves an empty first piece."""
    pieces: list[tuple[int, str]] = []
    sign, piece_start, depth, counted = 1, 0, 0, 0
    for match in _OPERATOR.finditer(voice):
        position = match.start()
        depth += voice.count("(", counted, position) - voice.count(")", counted, position)
        counted = position
        if depth != 0:
            continue
        pieces.append((sign, voice[piece_start:position]))
        if len(pieces) > MAX_BLEND_VOICES:
            return pieces
        sign, piece_start = (1 if match.group() == "+" else -1), position + 1
    pieces.append((sign, voice[piece_start:]))
    return pieces


def _blend_term(piece: str) -> tuple[str, str | None] | None:
    """``name`` or ``name(weight)``, spaces allowed around each part; None if it is neither."""
    name, opening, rest = piece.partition("(")
    name = name.strip()
    if _VOICE_NAME.fullmatch(name) is None:
        return None
    if not opening:
        return name, None
    weight, closing, after = rest.partition(")")
    weight = weight.strip()
    if not closing or after.strip() or _WEIGHT.fullmatch(weight) is None:
        return None
    return name, weight


def _info(voice_id: str, openai_names: tuple[str, ...]) -> VoiceInfo:
    prefix, _, name = voice_id.partition("_")
    language = languages.for_voice(voice_id)
    gender = GENDERS.get(prefix[1:2], "unknown")
    return VoiceInfo(voice_id, name.replace("_", " ").title(), language, gender, openai_names)
