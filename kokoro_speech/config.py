"""The settings, grouped by what they concern.

:class:`SpeechConfig` configures the plugin, its engine and its cache; it is made of one
sub-config per concern, each field documented and each setting with a default and a
``KOKORO_SPEECH_*`` variable (see :mod:`kokoro_speech.infra.settings`). :class:`ServeConfig`
holds what only ``kokoro-speech serve`` and :func:`kokoro_speech.server.app.create_app` use: the
address, the workers, CORS and logging. The CLI reads both from the environment, applies
its flags and hands the result to the Granian workers through the same variables, so flags
beat environment, which beats defaults, in every process.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from kokoro_speech.audio.formats import EncoderSettings
from kokoro_speech.infra import settings
from kokoro_speech.infra.settings import setting
from kokoro_speech.normalize.options import NormalizationOptions

ModelVariant = Literal["auto", "int8", "fp16", "fp32", "float32"]
Auto = Literal["auto"]
"""A switch left to the machine's measurement (see :mod:`kokoro_speech.engine.tuning`)."""
OfficialVariant = Literal["int8", "fp16", "fp32"]
OpenVinoPrecision = Literal["auto", "bf16", "f16", "f32"]
GraphOptimization = Literal["disabled", "basic", "extended", "all"]
LogLevel = Literal["debug", "info", "warning", "error"]

MIN_SPEED = 0.25
MAX_SPEED = 4.0
"""The range of ``speed`` OpenAI's API accepts."""

REDIS_SCHEMES = ("redis", "rediss", "unix")
"""What redis-py connects to: TCP, TLS, a Unix socket."""
MIN_WORKER_LIFETIME_S = 60
"""Granian refuses a shorter worker lifetime."""

MODEL_MAX_TOKENS = 510
"""The model's context: phoneme tokens per inference, without the two pad tokens."""
UNTUNED_FIRST_CHUNK_TOKENS = 60
UNTUNED_CHUNK_TOKENS = 120
"""Chunk budgets where they are neither set nor measured (see ``SynthesisConfig``)."""


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


def cpu_count() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _check(config: object, *, positive: tuple[str, ...] = (), not_negative: tuple[str, ...] = ()) -> None:
    """Refuse values out of range, naming the variable that set them."""
    for name in positive:
        if getattr(config, name) < 1:
            raise ValueError(f"{_env(config, name)} must be at least 1, got {getattr(config, name)}")
    for name in not_negative:
        if getattr(config, name) < 0:
            raise ValueError(f"{_env(config, name)} must not be negative, got {getattr(config, name)}")


def _check_above_zero(config: object, name: str) -> None:
    if getattr(config, name) <= 0:
        raise ValueError(f"{_env(config, name)} must be above zero, got {getattr(config, name)}")


def _env(config: object, name: str) -> str:
    return settings.env_of(type(config), name)


@dataclass(frozen=True)
class ModelConfig:
    """Which model and voices files are loaded, from where, and how."""

    home: Path | None = setting(None, env="KOKORO_SPEECH_HOME")
    """Directory holding the model files (may be read-only); searched before the cache."""
    model_path: Path | None = setting(None, env="KOKORO_SPEECH_MODEL_PATH")
    """Explicit path of the ONNX model; wins over every directory."""
    voices_path: Path | None = setting(None, env="KOKORO_SPEECH_VOICES_PATH")
    """Explicit path of voices-v1.0.bin; wins over every directory."""
    variant: ModelVariant = setting("auto", env="KOKORO_SPEECH_MODEL_VARIANT")
    """Which graph runs: an official export ("int8", "fp16", "fp32"), "float32" (made once into the cache
    directory from the file present, or the fp32 file itself), or "auto": the fastest of the official files
    present on this machine, on the fastest provider, by the measurement `kokoro-speech tune` makes (on first
    start). A made graph runs only where named."""
    download_variant: OfficialVariant = setting("int8", env="KOKORO_SPEECH_DOWNLOAD_VARIANT")
    """The official file fetched when none is present ("auto" and "float32" start from it)."""
    cache_dir: Path = setting(env="KOKORO_SPEECH_CACHE_DIR", factory=default_cache_dir)
    """Per-user cache: downloaded model files, the model copy with durations and the result cache database."""
    graphs_dir: Path | None = setting(None, env="KOKORO_SPEECH_GRAPHS_DIR")
    """Where graphs made from the model file are kept (the copy with durations, the float32 graph, OpenVINO's
    format) with the measurement behind "auto" (``tuning.json``, per machine and model); unset, the folder
    ``models`` of the cache directory. Servers that share it make each graph once."""
    allow_download: bool = setting(True, env="KOKORO_SPEECH_ALLOW_DOWNLOAD")
    """Fetch missing model files from the official release (needs network)."""
    word_timestamps: bool = setting(True, env="KOKORO_SPEECH_WORD_TIMESTAMPS")
    """Load a copy of the model that also outputs phoneme durations (made once into the cache directory;
    the audio is identical), for word timings."""
    duration_tensor: str = setting("/encoder/Cast_output_0", env="KOKORO_SPEECH_DURATION_TENSOR")
    """The model's tensor of frames per phoneme token (after the duration predictor's Round, Clip and
    Cast), made an output for word timings; this name holds for the official v1.0 exports."""
    warmup: bool = setting(True, env="KOKORO_SPEECH_WARMUP")
    """Run one short synthesis before reporting ready."""
    voice_blend_cache_size: int = setting(64, env="KOKORO_SPEECH_VOICE_BLEND_CACHE_SIZE")
    """Blended voices (``af_bella(2)+af_sky(1)``) kept ready, by their normalized spec."""

    def __post_init__(self) -> None:
        _check(self, positive=("voice_blend_cache_size",))

    @property
    def made_dir(self) -> Path:
        return self.graphs_dir or self.cache_dir / "models"


@dataclass(frozen=True)
class OnnxConfig:
    """ONNX Runtime's session options (see the README's performance section for how they were chosen)."""

    intra_op_threads: int = setting(0, env="KOKORO_SPEECH_INTRA_OP_THREADS")
    """Threads one inference may use; 0 uses every core, which `kokoro-speech serve` divides among its workers."""
    inter_op_threads: int = setting(1, env="KOKORO_SPEECH_INTER_OP_THREADS")
    """Threads for running independent graph nodes in parallel."""
    intra_op_spinning: Auto | bool = setting("auto", env="KOKORO_SPEECH_INTRA_OP_SPINNING")
    """Let idle intra-op threads spin briefly for the next piece of work. "auto": where it made this
    machine's runs faster (measured at first start); a spinning thread takes a core that the event loop,
    the encoders and other workers need, so it must earn its place."""
    graph_optimization: GraphOptimization = setting("basic", env="KOKORO_SPEECH_GRAPH_OPTIMIZATION")
    """ONNX Runtime graph optimization level: "basic" loads in half the time of "all" and ran about 5% faster
    here ("all" adds layout transforms that do not pay off for this model on CPU)."""
    enable_mem_arena: bool = setting(True, env="KOKORO_SPEECH_ENABLE_MEM_ARENA")
    """Let ONNX Runtime keep freed buffers in its arena for reuse."""
    enable_mem_pattern: bool = setting(False, env="KOKORO_SPEECH_ENABLE_MEM_PATTERN")
    """Let ONNX Runtime plan memory from the shapes of earlier runs (costs memory and gains nothing here:
    every chunk has a new shape)."""

    def __post_init__(self) -> None:
        _check(self, positive=("inter_op_threads",), not_negative=("intra_op_threads",))

    def threads(self) -> int:
        """Intra-op threads of the session: as set, or every core of the machine. One run alone uses them
        all (lowest latency); concurrent runs share the same pool rather than each adding threads."""
        return self.intra_op_threads or cpu_count()

    @property
    def spinning(self) -> bool:
        """Whether idle threads spin; left to the measurement but not measured, they do (ONNX Runtime's own
        default)."""
        return self.intra_op_spinning is not False


@dataclass(frozen=True)
class BackendConfig:
    """Which runtime and execution provider run the model, how each is set up, and what may be chosen."""

    providers: str = setting("auto", env="KOKORO_SPEECH_PROVIDERS")
    """Ordered, comma-separated: ONNX Runtime providers ("cuda", "rocm", "migraphx", "coreml", "directml",
    "cpu", or a full name such as "CUDAExecutionProvider") and OpenVINO's runtime ("openvino:CPU",
    "openvino:GPU"). The first that creates its session, compiles the graph and runs the warm-up is used;
    each that fails is logged with why. "auto": the GPU providers this build of ONNX Runtime has (CUDA,
    ROCm; CoreML on macOS, DirectML on Windows), then the CPU, ranked by the machine's measurement.
    OpenVINO runs only where named ("openvino:CPU,auto"): its bf16 path is faster but was heard worse at
    high speeds (see the README)."""
    gpu_device_id: int = setting(0, env="KOKORO_SPEECH_GPU_DEVICE_ID")
    """Device index for CUDA, ROCm, MIGraphX and DirectML."""
    gpu_arena_extend_strategy: Literal["kNextPowerOfTwo", "kSameAsRequested"] = setting(
        "kSameAsRequested", env="KOKORO_SPEECH_GPU_ARENA_EXTEND_STRATEGY"
    )
    """How CUDA's and ROCm's memory arena grows: "kSameAsRequested" keeps GPU memory near what the chunks
    need (every chunk has a new shape), "kNextPowerOfTwo" allocates less often."""
    coreml_model_format: Literal["MLProgram", "NeuralNetwork"] = setting(
        "MLProgram", env="KOKORO_SPEECH_COREML_MODEL_FORMAT"
    )
    """CoreML's model format ("MLProgram" needs macOS 12; "NeuralNetwork" runs on older systems)."""
    coreml_compute_units: Literal["ALL", "CPUAndGPU", "CPUAndNeuralEngine", "CPUOnly"] = setting(
        "ALL", env="KOKORO_SPEECH_COREML_COMPUTE_UNITS"
    )
    """Which of the Mac's units CoreML may use."""
    openvino_precision: OpenVinoPrecision = setting("auto", env="KOKORO_SPEECH_OPENVINO_PRECISION")
    """OpenVINO's inference precision: "auto" is bf16 where the device computes in it (AVX-512 BF16, AMX),
    else f32."""
    openvino_shape_cache: int = setting(16, env="KOKORO_SPEECH_OPENVINO_SHAPE_CACHE")
    """Input shapes OpenVINO keeps compiled kernels for (every chunk has a new length): its default of 5000
    grew a process past 1.3 GB over 32 lengths here; 16 held it at 0.95 GB for 3% slower runs than that."""
    openvino_convert: bool = setting(True, env="KOKORO_SPEECH_OPENVINO_CONVERT")
    """Load OpenVINO's own format with fp16 weights, converted once into the cache directory by a child
    process, instead of importing the ONNX file in every worker (about 0.5 GB less per worker)."""
    memory_limit_mb: int = setting(0, env="KOKORO_SPEECH_MEMORY_LIMIT_MB")
    """Largest resident memory per worker that "auto" may choose a backend for (0: no cap); a choice
    measured above it is passed over."""

    def __post_init__(self) -> None:
        _check(self, not_negative=("gpu_device_id", "memory_limit_mb", "openvino_shape_cache"))
        if not [p for p in self.providers.split(",") if p.strip()]:
            raise ValueError("KOKORO_SPEECH_PROVIDERS names no provider")


@dataclass(frozen=True)
class SchedulingConfig:
    """How a worker shares its model between requests, and when it says no."""

    lanes: int = setting(0, env="KOKORO_SPEECH_LANES")
    """Chunks synthesized at once in one worker, sharing its threads; 0: two where two runs at once did
    clearly more work than one at a time on this machine (measured at first start), else one."""
    text_threads: int = setting(1, env="KOKORO_SPEECH_TEXT_THREADS")
    """Threads of a worker that normalize and phonemize text (phonemizers serialize anyway)."""
    queue_size: int = setting(8, env="KOKORO_SPEECH_QUEUE_SIZE")
    """Requests that may wait for a lane beyond those the lanes run, counting a stream in progress (it waits
    again for each later chunk); beyond that new requests get 503 while every lane is busy."""
    preempt_later_chunks: Auto | bool = setting("auto", env="KOKORO_SPEECH_PREEMPT_LATER_CHUNKS")
    """Stop a running later chunk (and redo it next) so a new request's first chunk need not wait. "auto":
    where a later chunk takes long enough on this machine that waiting for it would be noticed."""
    retry_after_seconds: int = setting(2, env="KOKORO_SPEECH_RETRY_AFTER_SECONDS")
    """Value of Retry-After on 503 answers."""

    def __post_init__(self) -> None:
        _check(self, positive=("text_threads", "queue_size"), not_negative=("lanes", "retry_after_seconds"))

    def resolved_lanes(self) -> int:
        """Concurrent inferences per worker; left to the measurement but not measured, one: a run already
        keeps the worker's share of the cores busy, and with preemption a newcomer still starts at once."""
        return self.lanes or 1

    @property
    def preempt(self) -> bool:
        return self.preempt_later_chunks is not False


@dataclass(frozen=True)
class TextConfig:
    """What input is accepted and how it is read before phonemization."""

    max_input_chars: int = setting(4096, env="KOKORO_SPEECH_MAX_INPUT_CHARS")
    """Longest accepted input, in characters (OpenAI's limit by default)."""
    normalize: bool = setting(True, env="KOKORO_SPEECH_NORMALIZE")
    """Rewrite what the phonemizer would misread, before phonemization; off speaks the input as written."""
    normalization: NormalizationOptions = field(default_factory=NormalizationOptions)
    """Each class of rewrite on its own (English rules; markup and emoji for every language)."""
    ssml: bool = setting(True, env="KOKORO_SPEECH_SSML")
    """Read an input that starts with ``<speak>`` as SSML; off reads it as text (its tags stripped as markup)."""
    ssml_max_depth: int = setting(32, env="KOKORO_SPEECH_SSML_MAX_DEPTH")
    """Deepest nesting of SSML elements accepted; deeper documents are refused with a 400."""
    ssml_max_elements: int = setting(2048, env="KOKORO_SPEECH_SSML_MAX_ELEMENTS")
    """Most SSML elements in one input; more are refused with a 400."""
    max_pause_seconds: float = setting(10.0, env="KOKORO_SPEECH_MAX_PAUSE_SECONDS")
    """Longest pause one marker or ``<break>`` may ask for; a longer one is refused with a 400."""

    def __post_init__(self) -> None:
        _check(self, positive=("max_input_chars", "ssml_max_depth", "ssml_max_elements"))
        _check_above_zero(self, "max_pause_seconds")

    def normalization_for(self, normalize: bool | None = None, **switches: object) -> NormalizationOptions:
        """The server's normalization with a request's switches (None: keep the server's setting).

        ``normalize=False`` turns every rule off, but for the switches named with it.
        """
        return self.normalization.overridden(self.normalize if normalize is None else normalize, **switches)


@dataclass(frozen=True)
class SynthesisConfig:
    """How phonemes become audio: chunk sizes, pauses and the speeds asked of the model.

    Every field changes the audio of a request, so all of them are part of every result cache key.
    """

    first_chunk_tokens: int = setting(0, env="KOKORO_SPEECH_FIRST_CHUNK_TOKENS")
    """Phoneme budget of the first chunk: small, because it decides time to first audio. 0: as many as this
    machine synthesizes within ``first_chunk_seconds`` (measured at first start), at least 60."""
    chunk_tokens: int = setting(0, env="KOKORO_SPEECH_CHUNK_TOKENS")
    """Phoneme budget of later chunks (the model's hard limit is 510): peak memory grows with it and a new
    request never waits longer than one chunk. 0: 120, or 240 where this machine's cost per phoneme still
    falls clearly beyond 120 (a GPU's does; a CPU's is flat)."""
    first_chunk_seconds: float = setting(1.0, env="KOKORO_SPEECH_FIRST_CHUNK_SECONDS")
    """The synthesis time the first chunk is sized for where ``first_chunk_tokens`` is 0."""
    stream_rtf: float = setting(0.0, env="KOKORO_SPEECH_STREAM_RTF")
    """Seconds of synthesis per second of audio that the chunk planner paces streams for: a later chunk
    holds no more than the audio before it covers while it is made, so playback never waits. 0: this
    machine's measurement; 1 or more: no pacing (the fewest, largest chunks)."""
    sentence_pause_seconds: float = setting(0.2, env="KOKORO_SPEECH_SENTENCE_PAUSE_SECONDS")
    """Silence placed between chunks that end a sentence."""
    clause_pause_seconds: float = setting(0.1, env="KOKORO_SPEECH_CLAUSE_PAUSE_SECONDS")
    """Silence placed between chunks that end a clause (a chunk cut between words gets none)."""
    model_speed_min: float = setting(1.0, env="KOKORO_SPEECH_MODEL_SPEED_MIN")
    """Slowest speed asked of the model itself; slower requests are time-stretched from it (at 0.5 the model
    alone was misheard on 5.6% of words, stretched from 0.75 on 1.0%, from 1.0 on 0.5%; see the README)."""
    model_speed_max: float = setting(1.1, env="KOKORO_SPEECH_MODEL_SPEED_MAX")
    """Fastest speed asked of the model itself; faster requests are time-stretched from it (at 2.0 the model
    alone clips phonemes to single frames and was misheard on 28.6% of words, stretched from 1.25 on 4.6%, from
    1.1 on 4.1%; see the README)."""

    def __post_init__(self) -> None:
        _check(
            self,
            not_negative=(
                "first_chunk_tokens",
                "chunk_tokens",
                "sentence_pause_seconds",
                "clause_pause_seconds",
                "stream_rtf",
            ),
        )
        if self.first_chunk_seconds <= 0:
            raise ValueError(f"KOKORO_SPEECH_FIRST_CHUNK_SECONDS must be above zero, got {self.first_chunk_seconds}")
        if not MIN_SPEED <= self.model_speed_min <= 1.0 <= self.model_speed_max <= MAX_SPEED:
            raise ValueError(
                f"need {MIN_SPEED} <= KOKORO_SPEECH_MODEL_SPEED_MIN <= 1 <= KOKORO_SPEECH_MODEL_SPEED_MAX "
                f"<= {MAX_SPEED}, got {self.model_speed_min} and {self.model_speed_max}"
            )
        if max(self.first_chunk_tokens, self.chunk_tokens) > MODEL_MAX_TOKENS or (
            self.chunk_tokens and self.first_chunk_tokens > self.chunk_tokens
        ):
            raise ValueError(
                f"need KOKORO_SPEECH_FIRST_CHUNK_TOKENS <= KOKORO_SPEECH_CHUNK_TOKENS <= {MODEL_MAX_TOKENS}, got "
                f"{self.first_chunk_tokens} and {self.chunk_tokens}"
            )

    @property
    def first_tokens(self) -> int:
        """The first chunk's budget; left to the measurement but not measured, 60 (0.7 to 1 s to make on
        two cores of a current x86 server)."""
        return self.first_chunk_tokens or min(UNTUNED_FIRST_CHUNK_TOKENS, self.later_tokens)

    @property
    def later_tokens(self) -> int:
        """Later chunks' budget; left to the measurement but not measured, 120."""
        return self.chunk_tokens or max(UNTUNED_CHUNK_TOKENS, self.first_chunk_tokens)

    def pace(self, speed: float) -> float:
        """The pace a stream at ``speed`` runs at: time-stretching shortens the audio, not the synthesis."""
        return self.stream_rtf * speed / self.model_speed(speed)

    @staticmethod
    def clamped(speed: float) -> float:
        """A speed within what the server makes: markup's rates multiply the request's, which may leave it."""
        return min(max(speed, MIN_SPEED), MAX_SPEED)

    def model_speed(self, speed: float) -> float:
        """The speed asked of the model: the request's, within the range where the model sounds right;
        the rest is made by time-stretching."""
        return min(max(speed, self.model_speed_min), self.model_speed_max)

    def pause_after(self, ends: str) -> float:
        """Seconds of silence after a chunk that ends on a "sentence", a "clause" or a "word"."""
        return {"sentence": self.sentence_pause_seconds, "clause": self.clause_pause_seconds}.get(ends, 0.0)


@dataclass(frozen=True)
class CacheConfig:
    """The result cache: finished responses answered again without the model."""

    enabled: bool = setting(True, env="KOKORO_SPEECH_RESULT_CACHE")
    """Keep finished responses and answer repeats from them."""
    path: Path | None = setting(None, env="KOKORO_SPEECH_RESULT_CACHE_PATH")
    """SQLite file shared by the workers; defaults to <cache_dir>/results.sqlite3."""
    max_bytes: int = setting(256 * 1024 * 1024, env="KOKORO_SPEECH_RESULT_CACHE_MAX_BYTES")
    """Upper bound of cached audio in bytes; least recently used entries go first."""
    ttl_seconds: int = setting(7 * 24 * 3600, env="KOKORO_SPEECH_RESULT_CACHE_TTL_SECONDS")
    """How long a cached response lives."""
    store: str = setting("kokoro_speech_results", env="KOKORO_SPEECH_RESULT_CACHE_STORE")
    """Name of the Litestar store to use; an application that registers its own store under it replaces the
    plugin's (for several servers, ``KOKORO_SPEECH_REDIS_URL`` does it for you)."""
    claim_seconds: float = setting(10.0, env="KOKORO_SPEECH_RESULT_CACHE_CLAIM_SECONDS")
    """How long a worker's claim on a response it is making lasts unless renewed (it renews it every third of
    this while it makes it): meanwhile other workers sharing the store wait for the entry instead of making it."""
    claim_poll_seconds: float = setting(0.1, env="KOKORO_SPEECH_RESULT_CACHE_CLAIM_POLL_SECONDS")
    """How often a worker waiting on another's claim looks for the entry."""
    drain_seconds: float = setting(30.0, env="KOKORO_SPEECH_RESULT_CACHE_DRAIN_SECONDS")
    """How long shutdown waits for finished responses to be written to the cache."""

    def __post_init__(self) -> None:
        _check(self, positive=("max_bytes", "ttl_seconds"), not_negative=("drain_seconds",))
        if self.claim_seconds <= 0 or self.claim_poll_seconds <= 0:
            raise ValueError(
                "KOKORO_SPEECH_RESULT_CACHE_CLAIM_SECONDS and KOKORO_SPEECH_RESULT_CACHE_CLAIM_POLL_SECONDS must be "
                f"above zero, got {self.claim_seconds} and {self.claim_poll_seconds}"
            )


@dataclass(frozen=True)
class ApiConfig:
    """Where the OpenAI-compatible routes live and what they accept."""

    prefix: str = setting("/v1", env="KOKORO_SPEECH_API_PREFIX")
    """Path prefix of the OpenAI-compatible routes."""
    max_body_bytes: int = setting(65536, env="KOKORO_SPEECH_MAX_BODY_BYTES")
    """Largest accepted request body; larger bodies get 413."""
    request_timeout_seconds: float = setting(0.0, env="KOKORO_SPEECH_REQUEST_TIMEOUT_SECONDS")
    """Longest a speech request may run: past it, its synthesis stops and its lane is freed; before the first
    byte it is answered 504, after it the stream ends there. 0: no limit."""
    load_wait_seconds: float = setting(30.0, env="KOKORO_SPEECH_LOAD_WAIT_SECONDS")
    """How long a request that reaches a worker whose model is still loading waits for it before it is answered
    503 with Retry-After: a worker that replaces another loads in seconds, and its first callers should not
    pay for the handover. 0: answer 503 at once."""

    body_timeout_seconds: float = setting(10.0, env="KOKORO_SPEECH_BODY_TIMEOUT_SECONDS")
    """Longest a client may take to send a request's body once its headers are in; past it the request is
    answered 408. A slow sender never holds a lane (none is taken before the body is whole), only its
    connection, and only this long."""
    send_timeout_seconds: float = setting(30.0, env="KOKORO_SPEECH_SEND_TIMEOUT_SECONDS")
    """Longest a streaming response waits for its client to take more once the connection's buffers are full;
    past it the client counts as gone: the stream ends, its synthesis stops and its lane is freed. 0: wait as
    long as the connection stays open."""

    def __post_init__(self) -> None:
        _check(
            self,
            positive=("max_body_bytes",),
            not_negative=("request_timeout_seconds", "load_wait_seconds", "send_timeout_seconds"),
        )
        _check_above_zero(self, "body_timeout_seconds")


@dataclass(frozen=True)
class AccessConfig:
    """Who may call the server: API keys, as OpenAI's clients send them (``Authorization: Bearer <key>``)."""

    api_keys: str = setting("", env="KOKORO_SPEECH_API_KEYS")
    """Accepted keys, comma-separated. With neither keys nor a keys file the server is open to every caller."""
    api_keys_file: Path | None = setting(None, env="KOKORO_SPEECH_API_KEYS_FILE")
    """A file of keys, one per line (``key rpm=60 cpm=20000`` sets that key's own limits; ``#`` starts a
    comment); reread when it changes or the server gets SIGHUP. Set, keys are required even while it is empty."""
    protect_catalog: bool = setting(False, env="KOKORO_SPEECH_PROTECT_CATALOG")
    """Require a key for the model and voice lists too; open by default, since clients such as Open WebUI
    fetch them without one."""

    def key_lines(self) -> list[str]:
        return [key.strip() for key in self.api_keys.split(",") if key.strip()]

    @property
    def enabled(self) -> bool:
        return bool(self.key_lines()) or self.api_keys_file is not None


@dataclass(frozen=True)
class RateLimitConfig:
    """Per caller (API key, or client address where no keys are set), per minute, shared by the workers."""

    requests_per_minute: int = setting(0, env="KOKORO_SPEECH_RATE_LIMIT_REQUESTS_PER_MINUTE")
    """Requests a caller may make per minute; 0: unlimited."""
    chars_per_minute: int = setting(0, env="KOKORO_SPEECH_RATE_LIMIT_CHARS_PER_MINUTE")
    """Input characters a caller may send per minute (OpenAI's "tokens" headers count them); 0: unlimited."""
    path: Path | None = setting(None, env="KOKORO_SPEECH_RATE_LIMIT_PATH")
    """SQLite file holding the counts every worker shares; defaults to <cache_dir>/limits.sqlite3."""

    def __post_init__(self) -> None:
        _check(self, not_negative=("requests_per_minute", "chars_per_minute"))


@dataclass(frozen=True)
class MetricsConfig:
    """Prometheus metrics: the sum over every worker of the server, whichever answers the scrape."""

    enabled: bool = setting(True, env="KOKORO_SPEECH_METRICS")
    """Serve ``GET`` on the metrics path."""
    path: str = setting("/metrics", env="KOKORO_SPEECH_METRICS_PATH")
    """Where the metrics are served."""
    protected: bool = setting(False, env="KOKORO_SPEECH_PROTECT_METRICS")
    """Require an API key for the metrics (when keys are set)."""


@dataclass(frozen=True)
class CaptionConfig:
    """Captions made from the word timings (``captions: "vtt"`` or ``"srt"``): cues of at most two lines."""

    line_chars: int = setting(42, env="KOKORO_SPEECH_CAPTION_LINE_CHARS")
    """Longest line of a cue, in characters (a single longer word stands alone); 42 is the broadcasters' usual."""
    max_cue_seconds: float = setting(7.0, env="KOKORO_SPEECH_CAPTION_MAX_CUE_SECONDS")
    """Longest a cue stays on screen; a slower passage is cut into more cues."""

    def __post_init__(self) -> None:
        _check(self, positive=("line_chars",))
        _check_above_zero(self, "max_cue_seconds")


@dataclass(frozen=True)
class PageConfig:
    """The page people try the server with: type, pick a voice, hear it while it is made, words lit as spoken."""

    enabled: bool = setting(True, env="KOKORO_SPEECH_PAGE")
    """Serve the page (plain HTML, CSS and JavaScript shipped in the package; nothing fetched from elsewhere)."""
    path: str = setting("/", env="KOKORO_SPEECH_PAGE_PATH")
    """Where the page is served; its files are under ``<path>/assets/``."""

    def __post_init__(self) -> None:
        if not self.path.startswith("/"):
            raise ValueError(f"{_env(self, 'path')} must start with '/', got {self.path!r}")


@dataclass(frozen=True)
class RedisConfig:
    """Redis shared by several servers: the result cache and the rate-limit counts live there instead of in this
    server's own files, so a response made by one server is a hit on every other and a caller's limits hold
    across them. While Redis cannot be reached each server uses its own files (one warning per outage) and
    tries Redis again every ``retry_seconds``."""

    url: str = setting("", env="KOKORO_SPEECH_REDIS_URL")
    """``redis://[:password@]host:port/db`` (``rediss://`` for TLS); empty: no Redis, each server keeps its own."""
    prefix: str = setting("kokoro-speech", env="KOKORO_SPEECH_REDIS_PREFIX")
    """Start of every key this server writes, so that several deployments may share one Redis."""
    timeout_seconds: float = setting(2.0, env="KOKORO_SPEECH_REDIS_TIMEOUT_SECONDS")
    """Longest wait to connect to Redis or for one answer; past it Redis counts as unavailable. A cached
    response may be tens of MiB, so this is not as short as a counter alone would allow."""
    retry_seconds: float = setting(5.0, env="KOKORO_SPEECH_REDIS_RETRY_SECONDS")
    """After Redis failed, how long requests go straight to this server's own files before Redis is tried again."""

    def __post_init__(self) -> None:
        if self.enabled and self.url.split("://", 1)[0] not in REDIS_SCHEMES:
            raise ValueError(
                f"KOKORO_SPEECH_REDIS_URL must start with {' or '.join(f'{s}://' for s in REDIS_SCHEMES)}, got "
                f"{self.url.split('://', 1)[0]!r}"
            )
        if self.timeout_seconds <= 0 or self.retry_seconds <= 0:
            raise ValueError(
                "KOKORO_SPEECH_REDIS_TIMEOUT_SECONDS and KOKORO_SPEECH_REDIS_RETRY_SECONDS must be above zero, got "
                f"{self.timeout_seconds} and {self.retry_seconds}"
            )

    @property
    def enabled(self) -> bool:
        return bool(self.url.strip())


@dataclass(frozen=True)
class FaultConfig:
    """Faults a test can make the engine raise on purpose, to see the server take them (all off by default)."""

    fail_word: str = setting("", env="KOKORO_SPEECH_FAULT_FAIL_WORD")
    """A model run whose chunk says this word (as written, any case) raises, as a failing runtime would: in the
    first chunk before the response's first byte, in a later one after it. Empty: off. For tests only."""


@dataclass(frozen=True)
class SpeechConfig:
    """Configuration of the speech plugin: one sub-config per concern, then the plugin's wiring.

    ``SpeechConfig.from_env()`` reads every setting from ``KOKORO_SPEECH_*`` variables; in code,
    ``SpeechConfig(scheduling=SchedulingConfig(lanes=2), text=TextConfig(max_input_chars=2000))``.
    """

    model: ModelConfig = field(default_factory=ModelConfig)
    onnx: OnnxConfig = field(default_factory=OnnxConfig)
    backend: BackendConfig = field(default_factory=BackendConfig)
    scheduling: SchedulingConfig = field(default_factory=SchedulingConfig)
    text: TextConfig = field(default_factory=TextConfig)
    synthesis: SynthesisConfig = field(default_factory=SynthesisConfig)
    audio: EncoderSettings = field(default_factory=EncoderSettings)
    cache: CacheConfig = field(default_factory=CacheConfig)
    api: ApiConfig = field(default_factory=ApiConfig)
    access: AccessConfig = field(default_factory=AccessConfig)
    limits: RateLimitConfig = field(default_factory=RateLimitConfig)
    metrics: MetricsConfig = field(default_factory=MetricsConfig)
    captions: CaptionConfig = field(default_factory=CaptionConfig)
    page: PageConfig = field(default_factory=PageConfig)
    redis: RedisConfig = field(default_factory=RedisConfig)
    faults: FaultConfig = field(default_factory=FaultConfig)

    # --- wiring into the application (code only, not settings of a running server) ------------
    state_key: str = "kokoro_speech"
    """Key of the plugin's per-worker runtime in the application state."""
    service_dependency_key: str = "speech_service"
    """Name under which the application's handlers receive the speech service."""
    runtime_dependency_key: str = "speech_runtime"
    """Name under which the application's handlers receive the worker's runtime (readiness, counters)."""
    config_dependency_key: str = "speech_config"
    """Name under which the application's handlers receive this config."""
    app_wide_errors: bool = False
    """Also answer in OpenAI's error shape outside the plugin's routes: unknown routes (404), wrong methods
    (405) and the application's own errors. Off, the plugin shapes only its own routes' errors and leaves
    the host application's as their owners wrote them; ``create_app`` turns it on."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SpeechConfig:
        """Every setting from its ``KOKORO_SPEECH_*`` variable (``os.environ`` by default)."""
        return settings.from_env(cls, os.environ if environ is None else environ)

    def to_env(self) -> dict[str, str]:
        """The environment that reproduces these settings in another process."""
        return settings.to_env(self)

    @property
    def results_db(self) -> Path:
        return self.cache.path or self.model.cache_dir / "results.sqlite3"

    @property
    def limits_db(self) -> Path:
        return self.limits.path or self.model.cache_dir / "limits.sqlite3"

    def output_settings(self) -> dict[str, Any]:
        """The settings that change a response's bytes for the same request: part of every cache key. A
        setting that changes the audio belongs in one of these sub-configs, so no key can forget it."""
        return {"synthesis": asdict(self.synthesis), "audio": asdict(self.audio)}


@dataclass(frozen=True)
class ServeConfig:
    """What `kokoro-speech serve` and ``create_app`` add around the plugin: address, workers, CORS, logs."""

    host: str = setting("127.0.0.1", env="KOKORO_SPEECH_HOST")
    """Address `kokoro-speech serve` binds."""
    port: int = setting(8880, env="KOKORO_SPEECH_PORT")
    """Port `kokoro-speech serve` binds."""
    workers: int = setting(1, env="KOKORO_SPEECH_WORKERS")
    """Granian worker processes; each loads its own model session and gets cores / workers threads."""
    cors_origins: str = setting("*", env="KOKORO_SPEECH_CORS_ORIGINS")
    """Origins browsers may call the server from, comma-separated; empty turns CORS off."""
    log_level: LogLevel = setting("info", env="KOKORO_SPEECH_LOG_LEVEL")
    """Level of the server's log lines."""
    log_json: bool = setting(False, env="KOKORO_SPEECH_LOG_JSON")
    """Write log lines as JSON instead of key=value."""
    shutdown_grace_seconds: int = setting(30, env="KOKORO_SPEECH_SHUTDOWN_GRACE_SECONDS")
    """On SIGTERM or SIGINT the server stops accepting connections and lets responses in flight finish for up
    to this long; then it stops what is left and exits."""
    respawn_workers: bool = setting(True, env="KOKORO_SPEECH_RESPAWN_WORKERS")
    """Replace a worker that dies (the others keep serving meanwhile) instead of stopping the server."""
    header_timeout_seconds: float = setting(10.0, env="KOKORO_SPEECH_HEADER_TIMEOUT_SECONDS")
    """Longest a connection may take to send a request's headers (Granian closes it past that): a client that
    connects and never finishes its headers holds nothing longer."""
    worker_max_requests: int = setting(0, env="KOKORO_SPEECH_WORKER_MAX_REQUESTS")
    """Replace a worker once it has answered this many API requests (probes and scrapes do not count): its
    replacement starts first, and it stops once the replacement's model is loaded, finishing what it has in
    flight. 0: never."""
    worker_lifetime_seconds: int = setting(0, env="KOKORO_SPEECH_WORKER_LIFETIME_SECONDS")
    """Replace a worker once it has run this long (Granian's worker lifetime, at least 60 s), the same way.
    0: never."""

    def __post_init__(self) -> None:
        _check(
            self,
            positive=("port", "workers", "shutdown_grace_seconds"),
            not_negative=("worker_max_requests", "worker_lifetime_seconds"),
        )
        _check_above_zero(self, "header_timeout_seconds")
        if 0 < self.worker_lifetime_seconds < MIN_WORKER_LIFETIME_S:
            raise ValueError(
                f"KOKORO_SPEECH_WORKER_LIFETIME_SECONDS must be 0 (never) or at least {MIN_WORKER_LIFETIME_S}, got "
                f"{self.worker_lifetime_seconds}"
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServeConfig:
        return settings.from_env(cls, os.environ if environ is None else environ)

    def to_env(self) -> dict[str, str]:
        return settings.to_env(self)

    def origins(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]

    def threads_per_worker(self) -> int:
        """Each worker's share of the cores, for workers this server starts itself."""
        return max(1, cpu_count() // self.workers)
