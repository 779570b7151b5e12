"""Choosing what runs the model: which runtime and provider, on which graph.

``KOKORO_SPEECH_PROVIDERS`` names providers in order, ``KOKORO_SPEECH_MODEL_VARIANT`` the graph;
together they give the candidates. Each is tried in turn (where "auto" leaves a choice, in the
order the machine's measurement ranked them, see :mod:`kokoro_speech.engine.tuning`): the first
that creates its session, compiles the graph and runs a check is used, and each one that fails
is logged with why and kept in the report that /ready shows.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import onnxruntime as ort
import structlog

from kokoro_speech.engine.assets import ModelFiles
from kokoro_speech.engine.backends import openvino as openvino_backend
from kokoro_speech.engine.backends.base import Backend, BackendUnavailable
from kokoro_speech.engine.backends.onnxruntime import CPU, OnnxRuntimeBackend
from kokoro_speech.engine.config import EngineConfig
from kokoro_speech.engine.duration_output import with_duration_output
from kokoro_speech.engine.float_graph import float_model

log = structlog.get_logger("kokoro_speech")

OPENVINO_PREFIX = "openvino:"
ALIASES = {
    "cpu": CPU,
    "cuda": "CUDAExecutionProvider",
    "tensorrt": "TensorrtExecutionProvider",
    "rocm": "ROCMExecutionProvider",
    "migraphx": "MIGraphXExecutionProvider",
    "coreml": "CoreMLExecutionProvider",
    "directml": "DmlExecutionProvider",
    "dml": "DmlExecutionProvider",
}
GPU_PROVIDERS = ("CUDAExecutionProvider", "ROCMExecutionProvider", "MIGraphXExecutionProvider")
FLOAT_VARIANTS = ("float32", "fp32", "fp16")
"""Graphs OpenVINO is given: it lowers float arithmetic to bf16 itself, and on int8 it is no faster."""


@dataclass(frozen=True)
class Candidate:
    """One way to run the model: a provider (or OpenVINO device) and a graph variant."""

    provider: str
    variant: str

    @property
    def label(self) -> str:
        return f"{self.provider}/{self.variant}"


@dataclass
class LoadReport:
    """What was tried before the backend in use, and why each failed."""

    fallbacks: list[str] = field(default_factory=list)


def parse_providers(spec: str) -> list[str]:
    """The providers ``spec`` names, in order, "auto" expanded, duplicates dropped."""
    names: list[str] = []
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        lowered = item.lower()
        if lowered == "auto":
            names.extend(auto_providers())
        elif lowered == "openvino" or lowered.startswith(OPENVINO_PREFIX):
            device = item.split(":", 1)[1].strip().upper() if ":" in item else "CPU"
            names.append(OPENVINO_PREFIX + device)
        else:
            names.append(ALIASES.get(lowered, item))
    return list(dict.fromkeys(names))


def auto_providers() -> list[str]:
    """The GPU providers this build of ONNX Runtime has, the platform's own, the CPU, then OpenVINO's CPU
    where the CPU computes in bf16.

    OpenVINO in bf16, with Snake's ``sin()^2`` as a polynomial, ran the model 1.7x to 2.1x as fast as ONNX
    Runtime's int8 in three tunes on Zen 5; without bf16 units it has nothing to gain. It is one more candidate: the
    measurement ranks it, and the quality gate (:mod:`kokoro_speech.engine.quality`) passes it over where its
    audio strays from int8's, which with the default bound it does.
    """
    available = ort.get_available_providers()
    found = [p for p in GPU_PROVIDERS if p in available]
    if sys.platform == "darwin" and "CoreMLExecutionProvider" in available:
        found.append("CoreMLExecutionProvider")
    if os.name == "nt" and "DmlExecutionProvider" in available:
        found.append("DmlExecutionProvider")
    found.append(CPU)
    if openvino_backend.available() and openvino_backend.computes_bf16():
        found.append(OPENVINO_PREFIX + "CPU")
    return found


def variants_for(provider: str, config: EngineConfig, files: ModelFiles) -> list[str]:
    """The graphs a provider is tried with: the configured one, or for "auto" the official files present.

    The made float32 graph is not among auto's choices for ONNX Runtime: it says what int8 says at normal
    speed (the corpus: 0.0% of 381 words for both) but was heard worse at twice the speed (5.1% of the speed
    test's words against int8's 3.1%, over the bound of 5%). OpenVINO gets the float graphs, made if need be:
    it has nothing else to run.
    """
    if config.model.variant != "auto":
        return [config.model.variant]
    if files.variant is None:  # an explicit model path: that file as it is
        return ["given"]
    present: list[str] = list(files.others or {})
    if provider.startswith(OPENVINO_PREFIX):
        makable = ["float32"] if ("int8" in present and "fp32" not in present) else []
        return [v for v in present + makable if v in FLOAT_VARIANTS]
    return present


def candidates(config: EngineConfig, files: ModelFiles) -> list[Candidate]:
    return [
        Candidate(provider, variant)
        for provider in parse_providers(config.backend.providers)
        for variant in variants_for(provider, config, files)
    ]


def is_choice(config: EngineConfig) -> bool:
    """Whether "auto" leaves something to measure (else the candidates are tried as configured)."""
    return config.model.variant == "auto" or "auto" in config.backend.providers.lower()


def graph_path(variant: str, config: EngineConfig, files: ModelFiles) -> Path:
    """The ONNX file that runs ``variant``, made where it must be, with the durations output where
    word timings are on (falling back to the graph without it, logged)."""
    made = config.model.made_dir
    others = files.others or {}
    if variant == "int8" or variant == "fp16" or variant == "fp32":
        if variant not in others:
            raise BackendUnavailable(f"the {variant} model file is not present")
        path = others[variant]
    elif variant == "float32":
        source = others.get("fp32") or others.get("int8") or files.model
        path = source if source == others.get("fp32") else float_model(source, made)
    else:
        path = files.model
    if config.model.word_timestamps:
        try:
            return with_duration_output(path, made, config.model.duration_tensor)
        except Exception as error:
            log.warning("word timestamps unavailable", model=path.name, error=repr(error))
    return path


def prepare(candidate: Candidate, config: EngineConfig, files: ModelFiles) -> Path:
    """Make what ``candidate`` loads (the graph, and OpenVINO's format of it), without loading it."""
    path = graph_path(candidate.variant, config, files)
    if candidate.provider.startswith(OPENVINO_PREFIX) and config.backend.openvino_convert:
        if not openvino_backend.available():
            raise BackendUnavailable("OpenVINO is not installed")
        return openvino_backend.converted(
            path, config.model.made_dir, snake_polynomial=config.backend.openvino_snake_polynomial
        )
    return path


def precision_of(variant: str) -> str:
    return {"int8": "int8", "fp16": "fp16"}.get(variant, "fp32")


def open_backend(candidate: Candidate, config: EngineConfig, files: ModelFiles, *, spinning: bool = True) -> Backend:
    """Load ``candidate``, its idle threads spinning or not; raises BackendUnavailable (or what the runtime
    raised) when it cannot run."""
    path = graph_path(candidate.variant, config, files)
    if candidate.provider.startswith(OPENVINO_PREFIX):
        return openvino_backend.OpenVinoBackend(
            path,
            config.backend,
            device=candidate.provider.removeprefix(OPENVINO_PREFIX),
            threads=config.onnx.threads(),
            variant=candidate.variant,
            directory=config.model.made_dir,
        )
    return OnnxRuntimeBackend(
        path,
        config.onnx,
        config.backend,
        provider=candidate.provider,
        variant=candidate.variant,
        precision=precision_of(candidate.variant),
        spinning=spinning,
    )


def load_first(
    order: Iterable[Candidate],
    check: Callable[[Backend], None],
    opener: Callable[[Candidate], Backend],
) -> tuple[Backend, LoadReport]:
    """The first candidate that loads and passes ``check`` (one real run); the rest are reasons."""
    report = LoadReport()
    for candidate in order:
        backend: Backend | None = None
        try:
            backend = opener(candidate)
            check(backend)
        except Exception as error:
            if backend is not None:
                backend.close()
            reason = f"{candidate.label}: {error}".splitlines()[0]
            log.warning("provider falls back", provider=candidate.provider, variant=candidate.variant, reason=reason)
            report.fallbacks.append(reason)
            continue
        return backend, report
    raise BackendUnavailable("no provider could run the model: " + "; ".join(report.fallbacks))
