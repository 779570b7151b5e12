"""Every setting of the server in one place.

Each field of :class:`SpeechConfig` has a default and an environment variable named
``KOKORO_SPEECH_<FIELD>`` (upper case). The CLI builds a config from the environment and
applies its flags on top, then hands the result to the Granian workers through the same
variables, so flags beat environment, which beats defaults, in every process.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import msgspec

from kokoro_speech.normalize.options import DateOrder, NormalizationOptions

ENV_PREFIX = "KOKORO_SPEECH_"

ModelVariant = Literal["int8", "fp16", "fp32"]
GraphOptimization = Literal["disabled", "basic", "extended", "all"]
LogLevel = Literal["debug", "info", "warning", "error"]

MIN_SPEED = 0.25
MAX_SPEED = 4.0
"""The range of ``speed`` OpenAI's API accepts."""

MODEL_MAX_TOKENS = 510
"""The model's context: phoneme tokens per inference, without the two pad tokens."""


def default_cache_dir() -> Path:
    """The per-user cache directory (XDG on Linux, the platform's own elsewhere)."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "kokoro-speech"
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "kokoro-speech" / "Cache" if base else Path.home() / ".kokoro-speech"
    if os.uname().sysname == "Darwin":
        return Path.home() / "Library" / "Caches" / "kokoro-speech"
    return Path.home() / ".cache" / "kokoro-speech"


@dataclass(frozen=True)
class SpeechConfig:
    """Configuration of the speech plugin, the engine and the server."""

    # --- model files -------------------------------------------------------------
    home: Path | None = None
    """Directory holding the model files (may be read-only); searched before the cache."""
    model_path: Path | None = None
    """Explicit path of the ONNX model; wins over every directory."""
    voices_path: Path | None = None
    """Explicit path of voices-v1.0.bin; wins over every directory."""
    model_variant: ModelVariant = "int8"
    """Which official export to use when no explicit model path is given."""
    cache_dir: Path = field(default_factory=default_cache_dir)
    """Per-user cache: downloaded model files and the result cache database."""
    allow_download: bool = True
    """Fetch missing model files from the official release (needs network)."""

    # --- ONNX Runtime -----------------------------------------------------------
    intra_op_threads: int = 0
    """Threads one inference may use; 0 picks cores / workers."""
    inter_op_threads: int = 1
    """Threads for running independent graph nodes in parallel."""
    intra_op_spinning: bool = True
    """Let idle intra-op threads spin briefly for the next piece of work: 8 to 16% faster runs here."""
    graph_optimization: GraphOptimization = "basic"
    """ONNX Runtime graph optimization level: "basic" loads in half the time of "all" and ran about 5% faster
    here ("all" adds layout transforms that do not pay off for this model on CPU)."""
    enable_mem_arena: bool = True
    """Let ONNX Runtime keep freed buffers in its arena for reuse."""
    enable_mem_pattern: bool = False
    """Let ONNX Runtime plan memory from the shapes of earlier runs (costs memory and gains nothing here:
    every chunk has a new shape)."""
    warmup: bool = True
    """Run one short synthesis before reporting ready."""

    # --- scheduling --------------------------------------------------------------
    lanes: int = 0
    """Chunks synthesized at once in one worker; 0 picks one: a single run with all of the worker's threads
    measured faster here than concurrent runs sharing them (see the README's performance section)."""
    text_threads: int = 1
    """Threads of a worker that normalize and phonemize text (phonemizers serialize anyway)."""
    queue_size: int = 8
    """Requests that may wait for a lane; beyond that new requests get 503."""
    preempt_later_chunks: bool = True
    """Stop a running later chunk (and redo it next) so a new request's first chunk need not wait."""
    retry_after_seconds: int = 2
    """Value of Retry-After on 503 answers."""

    # --- text ----------------------------------------------------------------------
    max_input_chars: int = 4096
    """Longest accepted input, in characters (OpenAI's limit by default)."""
    max_body_bytes: int = 65536
    """Largest accepted request body; larger bodies get 413."""
    first_chunk_tokens: int = 60
    """Phoneme budget of the first chunk: small, because it decides time to first audio."""
    chunk_tokens: int = 120
    """Phoneme budget of later chunks (the model's hard limit is 510): per phoneme the model is fastest
    around here, peak memory grows with it, and a new request never waits longer than one chunk."""
    voice_blend_cache_size: int = 64
    """Blended voices (``af_bella(2)+af_sky(1)``) kept ready, by their normalized spec."""
    word_timestamps: bool = True
    """Load a copy of the model that also outputs phoneme durations (made once into the cache directory;
    the audio is identical), for word timings."""
    duration_tensor: str = "/encoder/Cast_output_0"
    """The model's tensor of frames per phoneme token (after the duration predictor's Round, Clip and
    Cast), made an output for word timings; this name holds for the official v1.0 exports."""
    model_speed_min: float = 0.75
    """Slowest speed asked of the model itself; slower requests are time-stretched from it (the model
    alone at 0.5 was misheard on 20% of words, stretched from 0.75 on none; see the README)."""
    model_speed_max: float = 1.25
    """Fastest speed asked of the model itself; faster requests are time-stretched from it (the model
    alone at 2.0 clips phonemes to single frames and was misheard on 37% of words, stretched from 1.25 on none)."""
    sentence_pause_seconds: float = 0.2
    """Silence placed between chunks that end a sentence."""
    clause_pause_seconds: float = 0.1
    """Silence placed between chunks that end a clause (a chunk cut between words gets none)."""

    # --- text normalization (English rules; markup and emoji for every language) ----
    normalize: bool = True
    """Rewrite what the phonemizer would misread, before phonemization; off speaks the input as written."""
    normalize_numbers: bool = True
    """Cardinals, ordinals, decimals, negatives, separators, fractions, ranges and years."""
    normalize_money: bool = True
    """Amounts in $, €, £ and ¥, with cents and pence."""
    normalize_percentages: bool = True
    """"45%" as "forty five percent"."""
    normalize_dates: bool = True
    """ISO dates, "March 5th, 2027" and numeric dates (see date_order)."""
    date_order: DateOrder = "mdy"
    """How a numeric date like 5/3/2027 is read: "mdy" (May third) or "dmy" (the fifth of March)."""
    normalize_times: bool = True
    """Clock times, 12 h with a.m./p.m. and 24 h."""
    normalize_phone_numbers: bool = True
    """Phone numbers read digit by digit, in groups."""
    normalize_units: bool = True
    """Units after a number: kg, km, mph, °C, GB..."""
    normalize_abbreviations: bool = True
    """Dr., St., Mr., e.g., i.e., vs. and the like."""
    normalize_acronyms: bool = True
    """Acronyms that are not words spelled as letters (FBI, HTML)."""
    normalize_urls: bool = True
    """URLs and email addresses read the way people say them."""
    normalize_versions: bool = True
    """Version numbers: "Python 3.12", "v2.4.1"."""
    normalize_symbols: bool = True
    """Symbols such as &, @, #, +, = and ~."""
    normalize_markdown: bool = True
    """Strip Markdown markup so it is not read out."""
    normalize_emoji: bool = True
    """Strip emoji so they are not read out."""

    # --- audio ---------------------------------------------------------------------
    mp3_bitrate: int = 64000
    """Bit rate of mp3 output in bits per second (24 kHz mono speech)."""
    aac_bitrate: int = 64000
    """Bit rate of aac output in bits per second."""
    opus_bitrate: int = 32000
    """Bit rate of opus output in bits per second."""
    ogg_page_ms: int = 100
    """Duration of one Ogg page, so a stream player gets audio every this many ms."""

    # --- result cache --------------------------------------------------------------
    result_cache: bool = True
    """Keep finished responses and answer repeats from them."""
    result_cache_path: Path | None = None
    """SQLite file shared by the workers; defaults to <cache_dir>/results.sqlite3."""
    result_cache_max_bytes: int = 256 * 1024 * 1024
    """Upper bound of cached audio in bytes; least recently used entries go first."""
    result_cache_ttl_seconds: int = 7 * 24 * 3600
    """How long a cached response lives."""
    result_cache_store: str = "kokoro_speech_results"
    """Name of the Litestar store to use; register another (Redis) under it to replace."""

    # --- server ----------------------------------------------------------------------
    host: str = "127.0.0.1"
    """Address `kokoro-speech serve` binds."""
    port: int = 8880
    """Port `kokoro-speech serve` binds."""
    workers: int = 1
    """Granian worker processes; each loads its own model session."""
    api_prefix: str = "/v1"
    """Path prefix of the OpenAI-compatible routes."""
    cors_origins: str = "*"
    """Origins browsers may call the server from, comma-separated; empty turns CORS off."""
    log_level: LogLevel = "info"
    """Level of the server's log lines."""
    log_json: bool = False
    """Write log lines as JSON instead of key=value."""

    def __post_init__(self) -> None:
        positive = (
            "queue_size",
            "max_input_chars",
            "max_body_bytes",
            "first_chunk_tokens",
            "chunk_tokens",
            "workers",
            "port",
            "inter_op_threads",
            "mp3_bitrate",
            "aac_bitrate",
            "opus_bitrate",
            "ogg_page_ms",
            "result_cache_max_bytes",
            "result_cache_ttl_seconds",
            "voice_blend_cache_size",
            "text_threads",
        )
        for name in positive:
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        for name in (
            "lanes",
            "intra_op_threads",
            "retry_after_seconds",
            "sentence_pause_seconds",
            "clause_pause_seconds",
        ):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative, got {getattr(self, name)}")
        if not MIN_SPEED <= self.model_speed_min <= 1.0 <= self.model_speed_max <= MAX_SPEED:
            raise ValueError(
                f"need {MIN_SPEED} <= model_speed_min <= 1 <= model_speed_max <= {MAX_SPEED}, got "
                f"{self.model_speed_min} and {self.model_speed_max}"
            )
        if self.chunk_tokens > MODEL_MAX_TOKENS or self.first_chunk_tokens > self.chunk_tokens:
            raise ValueError(
                f"need first_chunk_tokens <= chunk_tokens <= {MODEL_MAX_TOKENS}, got "
                f"{self.first_chunk_tokens} and {self.chunk_tokens}"
            )

    # --- derived values --------------------------------------------------------------
    @property
    def results_db(self) -> Path:
        return self.result_cache_path or self.cache_dir / "results.sqlite3"

    def cpu_count(self) -> int:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1

    def resolved_threads(self) -> int:
        """Intra-op threads of the worker's session: its share of the cores. One run alone uses them all
        (lowest latency); concurrent runs share the same pool rather than each adding threads."""
        if self.intra_op_threads:
            return self.intra_op_threads
        return max(1, self.cpu_count() // self.workers)

    def resolved_lanes(self) -> int:
        """Concurrent inferences per worker. One run already keeps the worker's share of the cores busy;
        with preemption a newcomer still gets its first chunk at once."""
        return self.lanes or 1

    # --- environment ---------------------------------------------------------------
    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> SpeechConfig:
        """Build a config from ``KOKORO_SPEECH_*`` variables, then apply ``overrides``."""
        environ = os.environ if environ is None else environ
        raw: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            value = environ.get(ENV_PREFIX + f.name.upper())
            # An empty value means "empty" for text settings (no CORS origins, no prefix) and
            # "unset" for the others.
            if value is not None and (value != "" or f.type in ("str", str)):
                raw[f.name] = value
        raw.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return msgspec.convert(raw, cls, strict=False, dec_hook=_decode_path)
        except msgspec.ValidationError as error:
            raise ValueError(f"invalid setting: {error}") from error

    def to_env(self) -> dict[str, str]:
        """The environment that reproduces this config in another process."""
        env: dict[str, str] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            if isinstance(value, bool):
                value = "true" if value else "false"
            env[ENV_PREFIX + f.name.upper()] = str(value)
        return env


def _decode_path(type_: type, obj: Any) -> Any:
    if type_ is Path:
        return Path(obj).expanduser()
    raise NotImplementedError(f"cannot decode {type_}")


def normalization_options(config: SpeechConfig, **overrides: object) -> NormalizationOptions:
    """The server's normalization settings, with a request's overrides (None: keep the setting).

    ``normalize=False`` turns every rule off.
    """
    values = {
        f.name: getattr(config, f.name if f.name == "date_order" else f"normalize_{f.name}")
        for f in dataclasses.fields(NormalizationOptions)
    }
    master = overrides.pop("normalize", None)
    if not (config.normalize if master is None else master):
        values = {name: (False if isinstance(value, bool) else value) for name, value in values.items()}
    values.update({k: v for k, v in overrides.items() if v is not None})
    return NormalizationOptions(**values)
