"""How a speech request's fields, OpenAI's, this server's and Kokoro-FastAPI's, become the job the engine makes."""

from __future__ import annotations

import pytest

from kokoro_speech.api.errors import OpenAIError
from kokoro_speech.api.schemas import FastApiNormalization, SpeechRequest, VoiceAlias
from kokoro_speech.api.speech import checked_job, unused_fields
from kokoro_speech.engine import languages
from kokoro_speech.engine.job import SpeechJob
from kokoro_speech.normalize.config import TextConfig

CONFIG = TextConfig()


def job(**fields: object) -> SpeechJob:
    return checked_job(SpeechRequest(input="Hello there.", **fields), CONFIG)  # type: ignore[arg-type]


def test_kokoro_fastapis_fields_are_this_servers_own() -> None:
    read_in = [job(lang_code="b"), job(lang="en-gb"), job(lang="b", lang_code="en-gb")]
    assert {languages.find(j.lang or "").code for j in read_in} == {"en-gb"}
    assert job().voice == "af_heart" and job(volume_multiplier=0.5).volume == 0.5 and job().volume == 1.0
    assert job(ssml=True).input_type == "text"  # not a <speak> document: read as it is, as there
    assert checked_job(SpeechRequest(input="<speak>Hi</speak>", ssml=True), CONFIG).input_type == "ssml"
    off = job(normalization_options=FastApiNormalization(normalize=False, phone_normalization=True))
    assert not off.normalization.numbers and off.normalization.phone_numbers
    assert job(normalization_options=FastApiNormalization(unit_normalization=False)).normalization.units is False


def test_an_alias_paces_its_own_voice_only() -> None:
    aliases = {"nar": VoiceAlias("af_bella", 0.8)}
    untagged = job(voice="nar", voice_aliases=aliases, speed=1.5)
    assert untagged.voice == "af_bella" and untagged.speed == pytest.approx(1.2)
    tagged = job(voice="NAR", voice_aliases=aliases, allow_voice_tags=True)
    assert tagged.speed == 1.0 and tagged.text.startswith("[rate:0.8] ") and tagged.voice_tags


@pytest.mark.parametrize(
    ("fields", "param"),
    [
        ({"lang": "en-us", "lang_code": "b"}, "lang_code"),
        ({"voice_aliases": {"n": "nova!"}}, "voice_aliases"),
        ({"ssml": True, "input_type": "phonemes"}, "ssml"),
    ],
)
def test_fields_that_contradict_each_other_are_refused_naming_one(fields: dict[str, object], param: str) -> None:
    with pytest.raises(OpenAIError) as refused:
        job(**fields)
    assert refused.value.status_code == 400 and refused.value.param == param


def test_fields_that_change_nothing_in_a_request_are_named() -> None:
    def unused(**fields: object) -> list[str]:
        return unused_fields(SpeechRequest(input="Hi.", **fields))  # type: ignore[arg-type]

    assert unused() == []
    assert unused(instructions="Speak softly.", return_timing=True) == ["instructions", "return_timing"]
    assert unused(return_download_link=True, return_timing=True) == []
    assert unused(return_download_link=True, stream_format="sse", stream=False) == ["return_download_link", "stream"]
    pluralization = FastApiNormalization(optional_pluralization_normalization=True)
    assert unused(normalization_options=pluralization) == ["normalization_options.optional_pluralization_normalization"]
