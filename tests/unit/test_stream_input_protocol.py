"""ElevenLabs' stream-input messages, formats and alignment (pure logic)."""

from __future__ import annotations

import pytest

from kokoro_speech.api.stream_input import protocol
from kokoro_speech.api.stream_input.protocol import ProtocolError
from kokoro_speech.audio.formats import EncoderSettings
from kokoro_speech.engine.timing import SpokenWord
from kokoro_speech.speech.live import LivePiece


def test_output_formats_map_to_this_servers() -> None:
    assert protocol.output_format("pcm_16000") == protocol.OutputFormat("pcm_16000", "pcm", 16000)
    mp3 = protocol.output_format("mp3_44100_128")
    assert (mp3.response_format, mp3.sample_rate, mp3.bitrate) == ("mp3", 44100, 128000)
    assert mp3.encoder_settings(EncoderSettings()).mp3_bitrate == 128000
    assert protocol.output_format("ulaw_8000").response_format == "ulaw"
    assert protocol.output_format("mp3_44100").bitrate == 128000, "the protocol's default bit rate"
    for bad in ("wav_44100", "pcm_11025", "mp3_16000_32", "pcm_16000_32", "mp3_x_1", "ulaw_16000", ""):
        with pytest.raises(ProtocolError) as refused:
            protocol.output_format(bad)
        assert refused.value.error == "invalid_output_format"


def test_messages_are_read_as_their_clients_write_them() -> None:
    message = protocol.client_message(b'{"text": " ", "contextId": "a", "xi-api-key": "k", "voice_settings": null}')
    assert (message.text, message.context_id, message.xi_api_key, message.voice_settings) == (" ", "a", "k", None)
    flush = protocol.client_message('{"context_id": "a", "flush": true, "extra": 1}')
    assert flush.flush and flush.text is None
    schedule = protocol.client_message('{"text": " ", "generation_config": {"chunk_length_schedule": [50, 90]}}')
    assert schedule.generation_config is not None and schedule.generation_config.chunk_length_schedule == [50, 90]
    for bad in ("[]", "not json", '{"text": 3}', '{"generation_config": {"chunk_length_schedule": [20]}}'):
        with pytest.raises(ProtocolError):
            protocol.client_message(bad)


def test_the_key_is_found_wherever_the_clients_send_it() -> None:
    first = protocol.client_message('{"text": " ", "xi_api_key": "in-message"}')
    assert protocol.presented_key({"xi-api-key": "header"}, {}, None) == "header"
    assert protocol.presented_key({"authorization": "Bearer token"}, {}, None) == "token"
    assert protocol.presented_key({}, {"authorization": "Bearer q"}, None) == "q"
    assert protocol.presented_key({}, {}, first) == "in-message"
    assert protocol.presented_key({}, {}, None) is None


def test_inactivity_is_the_protocols_default_or_what_was_asked_within_its_bound() -> None:
    assert protocol.inactivity_seconds(None) == 20 and protocol.inactivity_seconds("180") == 180
    for bad in ("0", "181", "ten"):
        with pytest.raises(ProtocolError):
            protocol.inactivity_seconds(bad)


def test_alignment_covers_the_pieces_audio_with_its_words_characters() -> None:
    # A piece 1.5 s into the stream, 1 s long, completing two words.
    words = [SpokenWord("Hi", 1.6, 1.8), SpokenWord("there.", 1.9, 2.3)]
    piece = LivePiece(b"\0\0" * 24000, 24000, 1.5, words)
    alignment = protocol.piece_alignment(piece, 24000)
    assert alignment is not None
    assert "".join(alignment["chars"]) == " Hi there. "
    starts, durations = alignment["charStartTimesMs"], alignment["charDurationsMs"]
    assert len(starts) == len(durations) == len(alignment["chars"])
    assert starts[1] == 100 and starts[4] == 400, "each word where it is heard, from the piece's start"
    assert starts == sorted(starts) and starts[-1] + durations[-1] == 1000
    assert protocol.piece_alignment(LivePiece(b"", 0, 0.0, []), 24000) is None
    silence = protocol.piece_alignment(LivePiece(b"\0\0" * 2400, 2400, 3.0, []), 24000)
    assert silence == {"chars": [" "], "charStartTimesMs": [0], "charDurationsMs": [100]}, "the clock still advances"


def test_finals_and_errors_have_the_shapes_clients_read() -> None:
    assert protocol.final_message(None) == {"isFinal": True}
    assert protocol.final_message("c") == {"isFinal": True, "contextId": "c"}
    assert protocol.error_message("m", "e", "c") == {"message": "m", "error": "e", "code": 1008, "contextId": "c"}
    assert len(protocol.close_reason("é" * 100).encode()) <= 123
