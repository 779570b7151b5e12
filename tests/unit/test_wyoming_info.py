"""The Wyoming server's description and address (pure logic)."""

from __future__ import annotations

import pytest

from kokoro_speech.engine import languages
from kokoro_speech.engine.voices import VoiceInfo
from kokoro_speech.server.announce import service_info
from kokoro_speech.wyoming_server.config import WyomingConfig
from kokoro_speech.wyoming_server.info import language_tag, wyoming_info


def test_languages_are_bcp_47_tags() -> None:
    tags = [language_tag(language.code) for language in languages.LANGUAGES]
    assert tags == ["en-US", "en-GB", "es", "fr-FR", "hi", "it", "pt-BR", "ja", "zh"]


def test_info_is_one_streaming_program_with_every_voice() -> None:
    voices = [
        VoiceInfo("af_heart", "Heart", languages.for_voice("af_heart"), "female", ()),
        VoiceInfo("jm_kumo", "Kumo", languages.for_voice("jm_kumo"), "male", ()),
    ]
    info = wyoming_info(voices)
    (program,) = info.tts
    assert program.installed and program.supports_synthesize_streaming
    assert [(v.name, v.languages, v.installed) for v in program.voices] == [
        ("af_heart", ["en-US"], True),
        ("jm_kumo", ["ja"], True),
    ]
    assert info.event().type == "info"


def test_the_address_is_tcp_and_loopback_unless_a_host_is_named() -> None:
    assert WyomingConfig(uri="tcp://:10200").address() == ("127.0.0.1", 10200)
    assert WyomingConfig(uri="tcp://0.0.0.0:10300").address() == ("0.0.0.0", 10300)
    assert not WyomingConfig().enabled
    for bad in ("unix:///tmp/wyoming.sock", "tcp://host", "stdio://", "tcp://h:port"):
        with pytest.raises(ValueError, match="KOKORO_SPEECH_WYOMING_URI"):
            WyomingConfig(uri=bad)


def test_zeroconf_announces_the_port_home_assistant_reaches() -> None:
    assert service_info(WyomingConfig(uri="tcp://0.0.0.0:10200")) is None, "off unless asked"
    assert service_info(WyomingConfig(uri="tcp://127.0.0.1:10200", zeroconf=True)) is None, "loopback: unreachable"
    info = service_info(WyomingConfig(uri="tcp://192.0.2.7:10300", zeroconf=True, zeroconf_name="kitchen"))
    assert info is not None
    assert (info.type, info.name, info.port) == ("_wyoming._tcp.local.", "kitchen._wyoming._tcp.local.", 10300)
    assert info.parsed_addresses() == ["192.0.2.7"]
