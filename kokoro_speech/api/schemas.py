"""Request and response bodies, as msgspec Structs."""

from __future__ import annotations

import dataclasses
import typing
from typing import TYPE_CHECKING, Annotated, Literal

import msgspec

from kokoro_speech.audio.formats import MAX_SAMPLE_RATE, MIN_SAMPLE_RATE, AudioFormat
from kokoro_speech.engine.config import MAX_SPEED, MIN_SPEED
from kokoro_speech.engine.job import InputType
from kokoro_speech.engine.schedule import CHOICES, Schedule
from kokoro_speech.engine.timing import SpokenWord
from kokoro_speech.engine.voices import MAX_VOICE_SPEC_CHARS
from kokoro_speech.normalize.options import NormalizationOptions
from kokoro_speech.normalize.pauses import pause_marker
from kokoro_speech.normalize.voice_tags import can_tag, voice_tag
from kokoro_speech.speech.captions import CaptionFormat

MODELS = ("tts-1", "tts-1-hd", "gpt-4o-mini-tts", "kokoro")
MODEL_CREATED = 1735689600  # 2025-01-01, release of Kokoro v1.0
OWNER = "kokoro-speech"

StreamFormat = Literal["audio", "sse"]

# Every free string of a request has a length limit, checked as the body is decoded, before any work: what is
# done with each (a lookup, a parse) then costs little whatever a client sends.
MAX_MODEL_CHARS = 64
"""Longest ``model``: OpenAI's names, dated ones included, are under 32 characters."""
MAX_LANGUAGE_CHARS = 32
"""Longest ``lang``: codes and aliases are a few characters (``pt-br``), a full BCP 47 tag a dozen or two."""
MAX_INSTRUCTIONS_CHARS = 4096
"""Longest ``instructions`` (ignored here): as long as OpenAI's longest ``input``."""
MAX_REQUEST_LEXICON_CHARS = 65536
"""Longest ``lexicon`` in a request: the size of a whole body by default; larger ones belong in the server's
files (``KOKORO_SPEECH_LEXICONS``)."""
MAX_VOLUME = 10.0
"""Largest ``volume_multiplier``: +20 dB, past which speech is only clipping."""
MAX_VOICE_ALIASES = 64
"""Most ``voice_aliases`` in one request: a cast, not a catalog."""
DEFAULT_MODEL = "kokoro"
DEFAULT_VOICE = "af_heart"
"""Kokoro-FastAPI's default voice, for requests that name none (its examples leave it out)."""

ModelName = Annotated[str, msgspec.Meta(max_length=MAX_MODEL_CHARS)]
VoiceSpec = Annotated[str, msgspec.Meta(max_length=MAX_VOICE_SPEC_CHARS)]
"""A voice id, an OpenAI name or a blend, as long as the blend parser takes (``engine/voices.py``)."""
LanguageName = Annotated[str, msgspec.Meta(max_length=MAX_LANGUAGE_CHARS)]


def _doc(description: str, *examples: object) -> msgspec.Meta:
    """A field's description (and examples, which fuzzers start from) in the OpenAPI document."""
    return msgspec.Meta(description=description, examples=list(examples) if examples else None)


class VoiceRef(msgspec.Struct):
    """OpenAI's object form of a voice: ``{"id": "..."}``."""

    id: VoiceSpec


def _normalization_struct() -> type[msgspec.Struct]:
    """The request's switches, made from the normalizer's one list of them: each optional, unset keeps the
    server's setting; ``normalize: false`` turns every rule off."""
    hints = typing.get_type_hints(NormalizationOptions)
    switches = [(f.name, hints[f.name] | None, None) for f in dataclasses.fields(NormalizationOptions)]
    return msgspec.defstruct(
        "Normalization",
        [("normalize", bool | None, None), *switches],
        forbid_unknown_fields=True,
        omit_defaults=True,
        module=__name__,
    )


if TYPE_CHECKING:

    class Normalization(msgspec.Struct):
        """Extension: per-request switches of the text normalizer (see ``_normalization_struct``)."""

else:
    Normalization = _normalization_struct()


class FastApiNormalization(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """Kokoro-FastAPI's ``normalization_options``; an unset switch keeps the server's setting."""

    normalize: bool | None = None
    unit_normalization: bool | None = None
    url_normalization: bool | None = None
    email_normalization: bool | None = None
    optional_pluralization_normalization: bool | None = None
    """Reads "word(s)" as "words"; the server reads it as written either way."""
    phone_normalization: bool | None = None
    replace_remaining_symbols: bool | None = None

    def switches(self) -> dict[str, bool | None]:
        """The same switches in this server's names (e-mail addresses are read with the URLs)."""
        urls = self.url_normalization if self.url_normalization is not None else self.email_normalization
        return {
            "normalize": self.normalize,
            "units": self.unit_normalization,
            "urls": urls,
            "phone_numbers": self.phone_normalization,
            "symbols": self.replace_remaining_symbols,
        }


class VoiceAlias(msgspec.Struct, forbid_unknown_fields=True):
    """Kokoro-FastAPI's alias with a pace of its own: ``{"voice": "af_bella(2)+af_sky", "rate": 0.9}``."""

    voice: VoiceSpec
    rate: Annotated[float, msgspec.Meta(ge=MIN_SPEED, le=MAX_SPEED)] | None = None


class SpeechRequest(msgspec.Struct, kw_only=True):
    """Body of ``POST /v1/audio/speech`` (OpenAI's createSpeech), with optional extension fields and those of
    Kokoro-FastAPI, which mean here what they mean there."""

    input: Annotated[
        str, _doc("The text to speak, up to the server's input limit (4096 characters by default).", "Hello there.")
    ]
    model: Annotated[
        ModelName, _doc(f"One of {', '.join(MODELS)} (all speak with Kokoro); default `{DEFAULT_MODEL}`.", "tts-1")
    ] = DEFAULT_MODEL
    voice: Annotated[
        VoiceSpec | VoiceRef,
        _doc(
            "A voice of GET /v1/audio/voices, an OpenAI name, or a blend such as `af_bella(2)+af_sky` or "
            f"`af_heart(3)-af_sky(1)`; default `{DEFAULT_VOICE}`.",
            "af_heart",
        ),
    ] = DEFAULT_VOICE
    instructions: Annotated[
        Annotated[str, msgspec.Meta(max_length=MAX_INSTRUCTIONS_CHARS)] | None,
        _doc("Accepted for compatibility; it does not change the output."),
    ] = None
    response_format: AudioFormat = "mp3"
    speed: Annotated[float, msgspec.Meta(ge=MIN_SPEED, le=MAX_SPEED)] = 1.0
    stream_format: Annotated[StreamFormat, _doc("`audio`: the bytes; `sse`: server-sent events of base64 audio.")] = (
        "audio"
    )
    # --- extensions (not in OpenAI's API; OpenAI's SDK sends them through extra_body) ---
    lang: Annotated[
        LanguageName | None, _doc("Extension: the language to read in (`en-gb`, `ja`, or a Kokoro letter).")
    ] = None
    input_type: Annotated[
        InputType,
        _doc(
            "Extension: `phonemes` speaks the input as Kokoro phonemes; `ssml` reads it as SSML (an input that "
            "starts with `<speak>` is read as SSML anyway)."
        ),
    ] = "text"
    normalization: Annotated[
        Normalization | None, _doc("Extension: per-request switches of the text normalizer; unset keeps the server's.")
    ] = None
    timestamps: Annotated[bool, _doc("Extension, with `stream_format: sse`: each delta carries its words' times.")] = (
        False
    )
    captions: Annotated[
        CaptionFormat | None,
        _doc(
            "Extension: captions timed by the words, `vtt` (WebVTT) or `srt`, in the answer of "
            "/v1/audio/speech/timestamps or, with `stream_format: sse`, in the `speech.audio.done` event.",
            "vtt",
        ),
    ] = None
    sample_rate: Annotated[
        Annotated[int, msgspec.Meta(ge=MIN_SAMPLE_RATE, le=MAX_SAMPLE_RATE)] | None,
        _doc(
            "Extension: the rate the audio is sent at, 8000 to 48000 Hz (default: the model's 24000, or 8000 for "
            "`ulaw` and `alaw`); mp3, aac and opus go to the next rate their codec has.",
            16000,
        ),
    ] = None
    lexicon: Annotated[
        Annotated[str, msgspec.Meta(max_length=MAX_REQUEST_LEXICON_CHARS)] | None,
        _doc("Extension: a W3C PLS 1.0 pronunciation lexicon (the XML), applied on top of the server's."),
    ] = None
    # --- Kokoro-FastAPI's fields ---
    lang_code: Annotated[LanguageName | None, _doc("Kokoro-FastAPI's name for `lang`.", "b")] = None
    volume_multiplier: Annotated[
        Annotated[float, msgspec.Meta(ge=0.0, le=MAX_VOLUME)] | None,
        _doc("Kokoro-FastAPI: multiplies the level of the audio (0.5 halves it), clipped at full scale.", 0.5),
    ] = None
    normalization_options: Annotated[
        FastApiNormalization | None, _doc("Kokoro-FastAPI's switches of the text normalizer.")
    ] = None
    stream: Annotated[
        bool, _doc("Kokoro-FastAPI: false sends the whole file at once, with its length; true (default) streams.")
    ] = True
    return_download_link: Annotated[
        bool, _doc("Kokoro-FastAPI: `X-Download-Path` names where the whole file can be fetched (GET /v1{path}).")
    ] = False
    download_format: Annotated[
        AudioFormat | None, _doc("Kokoro-FastAPI: the format of that file; default `response_format`.")
    ] = None
    return_timing: Annotated[
        bool,
        _doc("Kokoro-FastAPI, with `return_download_link`: `X-Timing-Path` names the file of the words' times."),
    ] = False
    allow_voice_tags: Annotated[
        bool, _doc("Kokoro-FastAPI: `[voice:name]` and `[rate:x]` in the input switch speaker and pace.")
    ] = False
    ssml: Annotated[bool, _doc("Kokoro-FastAPI's switch for SSML input (`input_type: ssml`).")] = False
    voice_aliases: Annotated[
        Annotated[dict[VoiceSpec, VoiceSpec | VoiceAlias], msgspec.Meta(max_length=MAX_VOICE_ALIASES)] | None,
        _doc(
            "Kokoro-FastAPI: short names for voices, usable as `voice` and in `[voice:...]` tags "
            "(matched without regard to case).",
            {"narrator": "af_bella(2)+af_sky"},
        ),
    ] = None

    @property
    def voice_id(self) -> str:
        return self.voice.id if isinstance(self.voice, VoiceRef) else self.voice


class ModelVoice(msgspec.Struct):
    """A voice as Speaches lists it on its model objects (where the Wyoming bridge looks for voices)."""

    name: str
    language: str
    gender: str


class Model(msgspec.Struct):
    id: str
    object: str = "model"
    created: int = MODEL_CREATED
    owned_by: str = OWNER


class ModelWithVoices(Model):
    """``GET /v1/models/{id}``: OpenAI's model object, and the voices it speaks with."""

    voices: list[ModelVoice] = msgspec.field(default_factory=list)


class AudioModel(msgspec.Struct):
    id: str
    name: str


class AudioModelList(msgspec.Struct):
    """Answer of ``GET /v1/audio/models``: the shape Open WebUI reads a speech server's models in."""

    models: list[AudioModel]


class ModelList(msgspec.Struct):
    data: list[Model]
    object: str = "list"


class Voice(msgspec.Struct):
    id: str
    name: str
    language: str
    """Language code, as accepted by ``lang``."""
    language_name: str
    gender: str
    openai_names: list[str] = msgspec.field(default_factory=list)
    """OpenAI names that map to this voice."""
    alias_of: str | None = None
    """For an OpenAI name: the Kokoro voice it speaks with."""


class VoiceList(msgspec.Struct):
    voices: list[Voice]


class VoiceIdList(msgspec.Struct):
    """``GET /v1/audio/voices?format=strings``: the ids alone, as Kokoro-FastAPI lists them."""

    voices: list[str]


VoiceListFormat = Literal["objects", "strings"]


class TimedSpeech(msgspec.Struct, omit_defaults=True):
    """Answer of ``POST /v1/audio/speech/timestamps``."""

    audio: str
    """The whole audio, base64-encoded, in ``response_format``."""
    response_format: str
    content_type: str
    duration: float
    """Seconds of audio."""
    words: list[SpokenWord]
    usage: dict[str, int]
    captions: str | None = None
    """With ``captions`` asked for: the caption file's text (WebVTT or SRT)."""


class PhonemizeRequest(msgspec.Struct, kw_only=True):
    """Body of ``POST /v1/audio/phonemize``."""

    input: Annotated[str, _doc("The text to phonemize.", "Hello there.")]
    lang: Annotated[
        LanguageName | None, _doc("Language code or Kokoro letter; default: the voice's, else `en-us`.")
    ] = None
    voice: Annotated[VoiceSpec | None, _doc("A voice, whose language is used when `lang` is unset.")] = None
    normalization: Annotated[
        Normalization | None, _doc("Switches of the text normalizer; unset keeps the server's.")
    ] = None
    lexicon: Annotated[
        Annotated[str, msgspec.Meta(max_length=MAX_REQUEST_LEXICON_CHARS)] | None,
        _doc("A W3C PLS 1.0 pronunciation lexicon (the XML), applied on top of the server's."),
    ] = None


class Phonemes(msgspec.Struct):
    phonemes: str
    """Words separated by spaces; can be sent back as input with ``input_type: "phonemes"``."""
    tokens: list[int]
    """Model token ids of the phonemes (a space is a token too)."""
    lang: str


class Lanes(msgspec.Struct):
    total: int
    busy: int
    waiting: int
    runs_started: int
    runs_stopped: int
    runs_preempted: int
    run_seconds: float
    """Time the lanes spent running the model, finished or not."""
    discarded_seconds: float
    """Of that, the runs whose work was thrown away (preempted, or stopped because their client left)."""


class CacheStats(msgspec.Struct):
    coalesced: int
    """Requests answered by another request's synthesis of the same speech."""


class ModelRunner(msgspec.Struct):
    """What runs the model in this worker."""

    backend: str
    """"onnxruntime" or "openvino"."""
    provider: str
    variant: str
    """The graph: "int8", "fp16", "fp32", or "float32" (made from the file present)."""
    precision: str
    fallbacks: list[str]
    """Candidates tried before this one, each with why it could not run."""
    tuned: str | None
    """Why "auto" chose it (the measurement), or None where nothing was left to choose."""
    schedule: RunSchedule


def _run_schedule_struct() -> type[msgspec.Struct]:
    """How the worker runs the model, made from the schedule's one declaration of its choices, with the threads
    of its runs (given, or every core the worker has) beside the lanes."""
    hints = typing.get_type_hints(Schedule)
    choices = [(name, hints[name]) for name in CHOICES]
    return msgspec.defstruct(
        "RunSchedule", [choices[0], ("threads", int), *choices[1:], ("why", dict[str, str])], module=__name__
    )


if TYPE_CHECKING:

    class RunSchedule(msgspec.Struct):
        """How the worker runs the model (see ``_run_schedule_struct``)."""

        def __init__(self, **fields: object) -> None: ...

else:
    RunSchedule = _run_schedule_struct()


def run_schedule(schedule: Schedule, threads: int) -> RunSchedule:
    """``/ready``'s view of a worker's schedule."""
    return RunSchedule(**{name: getattr(schedule, name) for name in CHOICES}, threads=threads, why=schedule.why)


class Health(msgspec.Struct, omit_defaults=True):
    status: str
    detail: str | None = None
    code: str | None = None
    model: ModelRunner | None = None
    lanes: Lanes | None = None
    cache: CacheStats | None = None


# --- Kokoro-FastAPI's own routes ---


class CaptionedSpeechRequest(SpeechRequest, kw_only=True):
    """Body of Kokoro-FastAPI's ``POST /dev/captioned_speech``: the speech request's fields and one more."""

    return_timestamps: Annotated[bool, _doc("Each word's `start_time` and `end_time` (default true).")] = True


class WordTimestamp(msgspec.Struct):
    word: str
    start_time: float
    end_time: float
    """Seconds from the start of the whole audio."""


class CaptionedSpeech(msgspec.Struct):
    """Kokoro-FastAPI's captioned speech: base64 audio, its format (a media type, as there) and its words."""

    audio: str
    audio_format: str
    timestamps: list[WordTimestamp] | None


class FastApiPhonemizeRequest(msgspec.Struct, kw_only=True):
    """Body of Kokoro-FastAPI's ``POST /dev/phonemize``."""

    text: Annotated[str, _doc("The text to phonemize.", "Hello there.")]
    language: Annotated[LanguageName, _doc("A Kokoro letter (`a`, `b`, `e`...) or a language code.", "a")] = "a"


class FastApiPhonemes(msgspec.Struct):
    phonemes: str
    tokens: list[int]


class GenerateFromPhonemesRequest(msgspec.Struct, kw_only=True):
    """Body of Kokoro-FastAPI's ``POST /dev/generate_from_phonemes``."""

    phonemes: Annotated[str, _doc("Kokoro phonemes, words separated by spaces.", "həlˈO wˈɜɹld")]
    voice: Annotated[VoiceSpec, _doc("A voice or blend.", "af_heart")]


MAX_PAUSE_BETWEEN_TURNS = 10.0
"""Kokoro-FastAPI's bound on ``pause_between_turns``."""


class DialogueTurn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    text: str
    voice: VoiceSpec | None = None
    voice_id: Annotated[VoiceSpec | None, _doc("Kokoro-FastAPI's other name for `voice`.")] = None


class DialogueRequest(msgspec.Struct, kw_only=True):
    """Body of Kokoro-FastAPI's ``POST /dev/dialogue``: turns said in order, each by its voice."""

    turns: list[DialogueTurn] | None = None
    inputs: Annotated[list[DialogueTurn] | None, _doc("Kokoro-FastAPI's other name for `turns`.")] = None
    model: ModelName = DEFAULT_MODEL
    pause_between_turns: Annotated[float, msgspec.Meta(ge=0.0, le=MAX_PAUSE_BETWEEN_TURNS)] = 0.0
    response_format: AudioFormat = "mp3"
    speed: Annotated[float, msgspec.Meta(ge=MIN_SPEED, le=MAX_SPEED)] = 1.0
    stream: bool = True
    lang_code: LanguageName | None = None
    volume_multiplier: Annotated[float, msgspec.Meta(ge=0.0, le=MAX_VOLUME)] | None = None
    normalization_options: FastApiNormalization | None = None
    voice_aliases: (
        Annotated[dict[VoiceSpec, VoiceSpec | VoiceAlias], msgspec.Meta(max_length=MAX_VOICE_ALIASES)] | None
    ) = None
    sample_rate: Annotated[int, msgspec.Meta(ge=MIN_SAMPLE_RATE, le=MAX_SAMPLE_RATE)] | None = None

    def speech_request(self) -> SpeechRequest:
        """The same as one speech request whose input switches voice with a tag at each turn."""
        turns = self.turns if self.turns is not None else self.inputs
        if not turns:
            raise ValueError("'turns' must hold at least one turn of 'voice' and 'text'.")
        said: list[str] = []
        for turn in turns:
            voice = turn.voice if turn.voice is not None else turn.voice_id
            if not voice or not voice.strip() or not turn.text.strip():
                raise ValueError("Every turn needs a 'voice' and some 'text'.")
            if not can_tag(voice):
                raise ValueError(f"The voice '{voice}' holds characters no voice or blend has.")
            said.append(f"{voice_tag(voice)} {turn.text.strip()}")
        pause = f" {pause_marker(self.pause_between_turns)} " if self.pause_between_turns else " "
        first = turns[0].voice if turns[0].voice is not None else turns[0].voice_id
        assert first is not None
        return SpeechRequest(
            input=pause.join(said),
            model=self.model,
            voice=first.strip(),
            response_format=self.response_format,
            speed=self.speed,
            stream=self.stream,
            lang_code=self.lang_code,
            volume_multiplier=self.volume_multiplier,
            normalization_options=self.normalization_options,
            voice_aliases=self.voice_aliases,
            sample_rate=self.sample_rate,
            allow_voice_tags=True,
        )
