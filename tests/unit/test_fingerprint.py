"""The result cache's fingerprint follows the text settings and the text path's libraries (pure logic)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from kokoro_onnx.tokenizer import Tokenizer

from kokoro_speech.cache.results import fingerprint
from kokoro_speech.config import SpeechConfig
from kokoro_speech.engine.text_libraries import TEXT_LIBRARIES, text_library_versions
from kokoro_speech.engine.tuning import schedule_for
from kokoro_speech.normalize.config import TextConfig
from kokoro_speech.speech.worker import audible

BASE = SpeechConfig()
VERSIONS: dict[str, str | None] = {"misaki": "0.9.4", "espeak-ng": "1.52.0"}


def digest(text: TextConfig = BASE.text, libraries: Mapping[str, str | None] = VERSIONS) -> str:
    return fingerprint(audible(BASE.synthesis, schedule_for(None, BASE.engine), BASE.audio, text, libraries))


def test_the_longest_pause_is_in_the_fingerprint() -> None:
    # It caps pauses that join (a marker after something unsayable), so it changes the audio.
    assert digest(dataclasses.replace(BASE.text, max_pause_seconds=2.0)) != digest()


def test_a_new_version_of_a_text_library_changes_the_fingerprint() -> None:
    assert digest(libraries={**VERSIONS, "misaki": "0.9.5"}) != digest()
    assert digest(libraries={**VERSIONS, "espeak-ng": "1.51.1"}) != digest()
    assert digest(libraries={**VERSIONS, "jieba": None}) != digest()
    assert digest(libraries=dict(reversed(VERSIONS.items()))) == digest()


def test_every_text_library_is_found_by_its_name() -> None:
    # A misspelled name would read as "not installed" for ever, and its new releases would go unnoticed.
    Tokenizer()  # points phonemizer at the espeak-ng it ships, as the engine does before the key is made
    versions = text_library_versions()
    assert set(versions) == {*TEXT_LIBRARIES, "espeak-ng"}
    assert [name for name, version in versions.items() if version is None] == []
