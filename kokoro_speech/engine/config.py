"""The engine's settings: which model files run where and how, how a worker shares its model, how
phonemes become audio. :class:`EngineConfig` is what builds a :class:`~kokoro_speech.engine.engine.SpeechEngine`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from kokoro_speech.infra.settings import check_range, setting
from kokoro_speech.infra.system import cpu_count, default_cache_dir
from kokoro_speech.normalize.config import TextConfig

ModelVariant = Literal["auto", "int8", "fp16", "fp32", "float32"]
Auto = Literal["auto"]
"""A switch left to the machine's measurement (see :mod:`kokoro_speech.engine.tuning`)."""
OfficialVariant = Literal["int8", "fp16", "fp32"]
OpenVinoPrecision = Literal["auto", "bf16", "f16", "f32"]
GraphOptimization = Literal["disabled", "basic", "extended", "all"]

MIN_SPEED = 0.25
MAX_SPEED = 4.0
"""The range of ``speed`` OpenAI's API accepts, and so the speeds the engine makes."""
MODEL_MAX_TOKENS = 510
"""The model's context: phoneme tokens per inference, without the two pad tokens."""


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
    start); OpenVINO, which "auto" adds where the CPU computes in bf16, runs the made "float32" graph."""
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
        check_range(self, positive=("inter_op_threads",), not_negative=("intra_op_threads",))

    def threads(self) -> int:
        """Intra-op threads of the session: as set, or every core of the machine. One run alone uses them
        all (lowest latency); concurrent runs share the same pool rather than each adding threads."""
        return self.intra_op_threads or cpu_count()


@dataclass(frozen=True)
class BackendConfig:
    """Which runtime and execution provider run the model, how each is set up, and what may be chosen."""

    providers: str = setting("auto", env="KOKORO_SPEECH_PROVIDERS")
    """Ordered, comma-separated: ONNX Runtime providers ("cuda", "rocm", "migraphx", "coreml", "directml",
    "cpu", or a full name such as "CUDAExecutionProvider") and OpenVINO's runtime ("openvino:CPU",
    "openvino:GPU"). The first that creates its session, compiles the graph and runs the warm-up is used;
    each that fails is logged with why. "auto": the GPU providers this build of ONNX Runtime has (CUDA,
    ROCm; CoreML on macOS, DirectML on Windows), then the CPU, ranked by the machine's measurement.
    "auto" adds OpenVINO's CPU where the CPU computes in bf16 (AVX-512 BF16, AMX); the measurement ranks
    every candidate by speed among those whose audio passes the quality gate (see the README)."""
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
    openvino_snake_polynomial: bool = setting(True, env="KOKORO_SPEECH_OPENVINO_SNAKE_POLYNOMIAL")
    """Give OpenVINO the generator's Snake activations with their ``sin()^2`` as a range-reduced polynomial
    (within 4e-7) instead of its scalar ``Sin``: on Zen 5 in bf16, RTF 0.107-0.118 against 0.148-0.150."""
    quality_max_db: float = setting(1.5, env="KOKORO_SPEECH_QUALITY_MAX_DB")
    """Largest spectral distance (dB, aligned log band energies) from the int8 graph's audio on the quality
    gate's phrases that "auto" accepts in a candidate: closer to int8 than the unrounded float32 graph (1.7), which
    Whisper heard worse than int8 at twice the speed. OpenVINO in bf16 measured 1.9 (heard on 2.95% of 577 words
    at twice the speed against int8's 2.43%, and missing two of the hearing test's 26), so it runs by default only
    where this bound is raised (2.5 admits it); before its phase fixes it measured 4.7, and white noise at an RMS
    of 0.01 added to int8's audio 5.8 (see ``engine/quality.py``)."""
    quality_min_durations: float = setting(0.9, env="KOKORO_SPEECH_QUALITY_MIN_DURATIONS")
    """Smallest share of phoneme tokens given int8's frame count that "auto" accepts in a candidate (the
    float32 graph and OpenVINO in bf16 both measured 0.96)."""
    idle_unload_seconds: float = setting(0.0, env="KOKORO_SPEECH_IDLE_UNLOAD_SECONDS")
    """After this long without a model run, a worker frees the model's memory and loads it again for the next
    request, whose first audio pays the load (logged, and counted in the metrics); ``/ready`` stays ready.
    0: keep the model loaded."""
    memory_limit_mb: int = setting(0, env="KOKORO_SPEECH_MEMORY_LIMIT_MB")
    """Largest resident memory per worker that "auto" may choose a backend for (0: no cap); a choice
    measured above it is passed over."""

    def __post_init__(self) -> None:
        check_range(
            self,
            not_negative=(
                "gpu_device_id",
                "memory_limit_mb",
                "openvino_shape_cache",
                "quality_max_db",
                "idle_unload_seconds",
            ),
        )
        if not 0.0 <= self.quality_min_durations <= 1.0:
            raise ValueError(
                f"KOKORO_SPEECH_QUALITY_MIN_DURATIONS must be within 0 and 1, got {self.quality_min_durations}"
            )
        if not [p for p in self.providers.split(",") if p.strip()]:
            raise ValueError("KOKORO_SPEECH_PROVIDERS names no provider")


@dataclass(frozen=True)
class SchedulingConfig:
    """How a worker shares its model between requests, and when it says no."""

    lanes: int = setting(0, env="KOKORO_SPEECH_LANES")
    """Chunks synthesized at once in one worker, sharing its threads; 0: two where two runs at once did
    clearly more work than one at a time on this machine (measured at first start), else one."""
    text_threads: int = setting(1, env="KOKORO_SPEECH_TEXT_THREADS")
    """Threads of a worker that normalize and phonemize text, for speech requests and as many again for
    phonemize requests (so that a listener's plan never waits behind one); phonemizers serialize anyway."""
    text_queue_size: int = setting(8, env="KOKORO_SPEECH_TEXT_QUEUE_SIZE")
    """Requests of each kind (speech, phonemize) that may wait for a text thread; beyond that new ones of that
    kind get 503, so a flood of text cannot stall listeners nor grow memory, and phonemize requests never turn
    a listener away."""
    queue_size: int = setting(8, env="KOKORO_SPEECH_QUEUE_SIZE")
    """Requests that may wait for a lane beyond those the lanes run, counting a stream in progress (it waits
    again for each later chunk); beyond that new requests get 503 while every lane is busy."""
    preempt_later_chunks: Auto | bool = setting("auto", env="KOKORO_SPEECH_PREEMPT_LATER_CHUNKS")
    """Stop a running later chunk (and redo it next) so a new request's first chunk need not wait. "auto":
    where a later chunk takes long enough on this machine that waiting for it would be noticed."""
    retry_after_seconds: int = setting(2, env="KOKORO_SPEECH_RETRY_AFTER_SECONDS")
    """Value of Retry-After on 503 answers."""

    def __post_init__(self) -> None:
        check_range(
            self,
            positive=("text_threads", "text_queue_size", "queue_size"),
            not_negative=("lanes", "retry_after_seconds"),
        )


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
        check_range(
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


@dataclass(frozen=True)
class EngineConfig:
    """Everything a worker's engine is built from, besides the model files."""

    model: ModelConfig = field(default_factory=ModelConfig)
    onnx: OnnxConfig = field(default_factory=OnnxConfig)
    backend: BackendConfig = field(default_factory=BackendConfig)
    scheduling: SchedulingConfig = field(default_factory=SchedulingConfig)
    synthesis: SynthesisConfig = field(default_factory=SynthesisConfig)
    text: TextConfig = field(default_factory=TextConfig)
