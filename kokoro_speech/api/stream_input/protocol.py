"""ElevenLabs' stream-input protocol, as its clients speak it (Pipecat's and LiveKit Agents' ElevenLabs services, the
ElevenLabs SDK): the messages, their formats, the alignment of the audio's characters, and the errors.

Pure logic: what a message says and what is answered, without sockets.
"""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import msgspec

from kokoro_speech.audio.formats import AudioFormat, EncoderSettings
from kokoro_speech.speech.live import LivePiece

DEFAULT_OUTPUT_FORMAT = "mp3_44100_128"
"""ElevenLabs' default."""
DEFAULT_INACTIVITY_SECONDS = 20
MAX_INACTIVITY_SECONDS = 180
"""The protocol's inactivity timeout: 20 s unless the client's ``inactivity_timeout`` asks for up to 180."""
MIN_CHUNK, MAX_CHUNK = 50, 500
"""The range of a ``chunk_length_schedule``'s lengths, as ElevenLabs allows them."""
POLICY_VIOLATION = 1008
NORMAL_CLOSURE = 1000
MAX_CLOSE_REASON_BYTES = 123
"""A WebSocket close frame's reason holds at most this much."""

_FORMATS: dict[str, AudioFormat] = {"pcm": "pcm", "mp3": "mp3", "ulaw": "ulaw", "alaw": "alaw", "opus": "opus"}
_RATES = {
    "pcm": {8000, 16000, 22050, 24000, 32000, 44100, 48000},
    "mp3": {22050, 24000, 44100},
    "ulaw": {8000},
    "alaw": {8000},
    "opus": {48000},
}


class ProtocolError(ValueError):
    """What a client sent breaks the protocol: answered with an error message, then the socket closes (1008)."""

    def __init__(self, message: str, error: str) -> None:
        super().__init__(message)
        self.error = error


@dataclass(frozen=True)
class OutputFormat:
    """An ``output_format`` (``pcm_16000``, ``mp3_44100_128``, ``ulaw_8000``) in this server's terms."""

    name: str
    response_format: AudioFormat
    sample_rate: int
    bitrate: int | None = None

    def encoder_settings(self, base: EncoderSettings) -> EncoderSettings:
        if self.bitrate is None:
            return base
        field = {"mp3": "mp3_bitrate", "opus": "opus_bitrate"}[self.response_format]
        return dataclasses.replace(base, **{field: self.bitrate})


DEFAULT_BITRATES = {"mp3": 128000, "opus": 64000}
"""Where a format names no bit rate (``mp3_44100``, as ElevenLabs' older documents write its default)."""


def output_format(name: str) -> OutputFormat:
    parts = name.split("_")
    kind = _FORMATS.get(parts[0])
    try:
        rate = int(parts[1]) if len(parts) > 1 else 0
        bitrate = int(parts[2]) * 1000 if len(parts) > 2 else DEFAULT_BITRATES.get(parts[0])
    except ValueError:
        kind = None
    takes_bitrate = kind in DEFAULT_BITRATES
    if kind is None or rate not in _RATES[parts[0]] or len(parts) > 3 or (bitrate is None) == takes_bitrate:
        raise ProtocolError(
            f"output_format '{name}' is not supported. Use pcm_8000 to pcm_48000, mp3_22050_32, mp3_44100_32 to "
            "mp3_44100_192, opus_48000_32 to opus_48000_192, ulaw_8000 or alaw_8000.",
            "invalid_output_format",
        )
    return OutputFormat(name, kind, rate, bitrate)


def inactivity_seconds(asked: str | None) -> float:
    if asked is None:
        return DEFAULT_INACTIVITY_SECONDS
    try:
        seconds = int(asked)
    except ValueError:
        raise ProtocolError(
            f"inactivity_timeout must be a whole number of seconds, got '{asked}'", "invalid_inactivity_timeout"
        ) from None
    if not 1 <= seconds <= MAX_INACTIVITY_SECONDS:
        raise ProtocolError(
            f"inactivity_timeout must be from 1 to {MAX_INACTIVITY_SECONDS} seconds, got {seconds}",
            "invalid_inactivity_timeout",
        )
    return float(seconds)


def is_true(value: str | None) -> bool:
    return value is not None and value.lower() in ("true", "1")


class VoiceSettings(msgspec.Struct, forbid_unknown_fields=False):
    speed: float | None = None
    """The only one Kokoro has; stability, similarity_boost, style and use_speaker_boost change nothing here."""


class GenerationConfig(msgspec.Struct, forbid_unknown_fields=False):
    chunk_length_schedule: list[int] | None = None


class ClientMessage(msgspec.Struct, forbid_unknown_fields=False):
    text: str | None = None
    flush: bool = False
    close_context: bool = False
    close_socket: bool = False
    context_id: str | None = None
    voice_settings: VoiceSettings | None = None
    generation_config: GenerationConfig | None = None
    xi_api_key: str | None = None
    authorization: str | None = None
    try_trigger_generation: bool | None = None


_DECODER = msgspec.json.Decoder(dict[str, Any])


def client_message(raw: str | bytes) -> ClientMessage:
    """A message as sent; ``contextId`` and ``xi-api-key`` are read as ``context_id`` and ``xi_api_key``."""
    try:
        fields = _DECODER.decode(raw)
        for alias, name in (("contextId", "context_id"), ("xi-api-key", "xi_api_key")):
            if alias in fields and name not in fields:
                fields[name] = fields.pop(alias)
        message = msgspec.convert(fields, ClientMessage)
    except msgspec.ValidationError as error:
        raise ProtocolError(f"The message is not valid: {error}", "invalid_message") from None
    except msgspec.DecodeError:
        raise ProtocolError("Each message must be one JSON object.", "invalid_message") from None
    schedule = message.generation_config.chunk_length_schedule if message.generation_config else None
    if schedule is not None and (not schedule or any(not MIN_CHUNK <= n <= MAX_CHUNK for n in schedule)):
        raise ProtocolError(
            f"chunk_length_schedule must be a list of lengths from {MIN_CHUNK} to {MAX_CHUNK} characters",
            "invalid_message",
        )
    return message


def presented_key(headers: Mapping[str, str], query: Mapping[str, str], first: ClientMessage | None) -> str | None:
    """The API key as the protocol's clients send it: ``xi-api-key`` (header, query or first message), or a
    bearer token (``Authorization`` header, ``authorization`` query or field)."""
    candidates = [headers.get("xi-api-key"), query.get("xi_api_key"), query.get("xi-api-key")]
    bearers = [headers.get("authorization"), query.get("authorization")]
    if first is not None:
        candidates.append(first.xi_api_key)
        bearers.append(first.authorization)
    for bearer in bearers:
        if bearer:
            scheme, _, token = bearer.partition(" ")
            candidates.append(token.strip() if scheme.lower() == "bearer" else bearer.strip())
    return next((c for c in candidates if c), None)


# --- what the server sends --------------------------------------------------------------------------
def audio_message(piece: LivePiece, sample_rate: int, context_id: str | None) -> dict[str, object]:
    alignment = piece_alignment(piece, sample_rate)
    message: dict[str, object] = {
        "audio": base64.b64encode(piece.data).decode("ascii"),
        "isFinal": False,
        "normalizedAlignment": alignment,
        "alignment": alignment,
    }
    if context_id is not None:
        message["contextId"] = context_id
    return message


def final_message(context_id: str | None) -> dict[str, object]:
    """The end of a context (or of the single stream): a message of its own, with no audio and no ``message``
    key (the ElevenLabs SDK reads one as an error)."""
    return {"isFinal": True} if context_id is None else {"isFinal": True, "contextId": context_id}


def error_message(message: str, error: str, context_id: str | None = None) -> dict[str, object]:
    answer: dict[str, object] = {"message": message, "error": error, "code": POLICY_VIOLATION}
    if context_id is not None:
        answer["contextId"] = context_id
    return answer


def close_reason(message: str) -> str:
    encoded = message.encode()[:MAX_CLOSE_REASON_BYTES]
    return encoded.decode("utf-8", errors="ignore")


def piece_alignment(piece: LivePiece, sample_rate: int) -> dict[str, list[Any]] | None:
    """Which character is heard when in this piece's audio, in whole milliseconds from its start.

    Each word's characters share its time evenly; the space before a word takes the silence before it, and a
    closing space the rest of the piece, so the characters cover the piece's audio exactly (Pipecat's clock
    advances by the last one's end) and the words of two pieces never run together. None where the piece
    has no audio; a piece that completes no word is one space as long as its audio (Pipecat's clock still
    advances).
    """
    if not piece.samples:
        return None
    length_ms = round(piece.samples / sample_rate * 1000)
    chars: list[str] = []
    starts: list[int] = []
    durations: list[int] = []
    cursor = 0
    for word in piece.words:
        begin = min(max(cursor, round((word.start - piece.start) * 1000)), length_ms)
        end = min(max(begin, round((word.end - piece.start) * 1000)), length_ms)
        _place(chars, starts, durations, " ", cursor, begin)
        letters = list(word.word)
        for index, letter in enumerate(letters):
            a = begin + (end - begin) * index // len(letters)
            b = begin + (end - begin) * (index + 1) // len(letters)
            _place(chars, starts, durations, letter, a, b)
        cursor = end
    _place(chars, starts, durations, " ", cursor, length_ms)
    return {"chars": chars, "charStartTimesMs": starts, "charDurationsMs": durations}


def _place(chars: list[str], starts: list[int], durations: list[int], char: str, start: int, end: int) -> None:
    chars.append(char)
    starts.append(start)
    durations.append(max(0, end - start))
