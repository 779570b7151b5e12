"""Kokoro-FastAPI's voice aliases: a request's short names for its voices, as `voice` and in tags."""

from __future__ import annotations

import pytest

from kokoro_speech.api.schemas import VoiceAlias
from kokoro_speech.api.voice_aliases import BadAliasError, VoiceAliases


def test_a_name_is_matched_as_written_then_without_case_and_brings_its_pace() -> None:
    aliases = VoiceAliases({"Narrator": "af_bella(2)+af_sky", "villain": VoiceAlias("am_michael", 0.8)})
    assert aliases.resolve("Narrator") == ("af_bella(2)+af_sky", None)
    assert aliases.resolve(" narrator ") == ("af_bella(2)+af_sky", None)
    assert aliases.resolve("VILLAIN") == ("am_michael", 0.8)
    assert aliases.resolve("af_heart") == ("af_heart", None)


def test_a_tag_naming_an_alias_names_its_voice_and_its_pace_until_the_next_speaker() -> None:
    aliases = VoiceAliases({"nar": "af_bella", "bob": VoiceAlias("am_adam", 0.8)})
    text = "[voice:nar] Once. [voice: Bob ] Never! [rate:1.2] Fast. [voice:af_sky] Hi."
    assert (
        aliases.in_tags(text)
        == "[voice:af_bella] Once. [voice:am_adam][rate:0.8] Never! [rate:1.2] Fast. [voice:af_sky] Hi."
    )


@pytest.mark.parametrize("target", ["nova!", "af_bella]", "", "[voice:x"])
def test_a_target_no_tag_could_name_is_refused(target: str) -> None:
    with pytest.raises(BadAliasError, match="is not a voice"):
        VoiceAliases({"n": target})
