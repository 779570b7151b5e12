"""`kokoro-speech bench --providers`: every provider and graph this machine can run, side by side.

For each candidate: load time, the first chunk's time, the RTF of one long text spoken whole,
the peak memory of a process doing only that, and, where the offline recognizer of a checkout's
test tools is installed, how the word error rate differs from int8 on the CPU. Each candidate
runs in a process of its own, so that memory and crashes stay its own.
"""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import time
from pathlib import Path
from typing import Any

import numpy as np

from kokoro_speech.bench.texts import take
from kokoro_speech.config import SpeechConfig
from kokoro_speech.engine import assets, tuning
from kokoro_speech.engine.backends import loading
from kokoro_speech.engine.backends import openvino as openvino_backend
from kokoro_speech.engine.backends.base import BackendUnavailable
from kokoro_speech.engine.backends.onnxruntime import CPU
from kokoro_speech.infra.settings import env_of

LONG_TEXT_CHARS = 700
BASELINE = loading.Candidate(CPU, "int8")


@dataclasses.dataclass
class ProviderRow:
    provider: str
    variant: str
    precision: str | None = None
    load_s: float | None = None
    first_chunk_s: float | None = None
    long_text_rtf: float | None = None
    peak_rss_mb: float | None = None
    wer: float | None = None
    wer_change: float | None = None
    error: str | None = None


def every_candidate(config: SpeechConfig, files: assets.ModelFiles) -> list[loading.Candidate]:
    """Every provider this machine may have, OpenVINO included where installed, with every graph present or
    makable."""
    named = "auto,openvino:CPU" if openvino_backend.available() else "auto"
    wide = dataclasses.replace(
        config,
        model=dataclasses.replace(config.model, variant="auto"),
        backend=dataclasses.replace(config.backend, providers=named),
    )
    return loading.candidates(wide.engine, files)


def run(json_path: Path) -> int:
    config = SpeechConfig.from_env()
    files = assets.resolve(config.model)
    text = take(LONG_TEXT_CHARS, 1, seed=800)[0]
    recognizer = _recognizer()
    rows: list[ProviderRow] = []
    machine = tuning.machine()
    print(f"machine: {machine}\nlong text: {len(text)} chars\n")
    for candidate in every_candidate(config, files):
        row, audio = _measure(candidate, config, files, text)
        if audio is not None and recognizer is not None:
            row.wer = recognizer(text, audio)
        rows.append(row)
        print(_row(row), flush=True)
    baseline = next((r for r in rows if (r.provider, r.variant) == (BASELINE.provider, BASELINE.variant)), None)
    for row in rows:
        if baseline is not None and row.wer is not None and baseline.wer is not None:
            row.wer_change = row.wer - baseline.wer
    print()
    print(table(rows))
    if recognizer is None:
        print("\nWER: not measured (the recognizer is among the test tools of a checkout: uv sync, then rerun)")
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps({"machine": machine, "rows": [dataclasses.asdict(r) for r in rows]}, indent=2))
    print(f"\nwrote {json_path}")
    return 0


def _measure(
    candidate: loading.Candidate, config: SpeechConfig, files: assets.ModelFiles, text: str
) -> tuple[ProviderRow, np.ndarray | None]:
    trial = tuning.measure(candidate, config.engine, files)
    row = ProviderRow(candidate.provider, candidate.variant, trial.precision, trial.load_s, trial.first_chunk_s)
    if trial.error:
        row.error = trial.error
        return row, None
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_speak, args=(candidate, config, text, child))
    process.start()
    child.close()
    result: dict[str, Any] | None = None
    if parent.poll(tuning.TRIAL_TIMEOUT_SECONDS):
        try:
            result = parent.recv()
        except EOFError:
            result = None
    process.join(5)
    if process.is_alive():
        process.kill()
    if result is None or result.get("error"):
        row.error = (result or {}).get("error") or f"no result (exit code {process.exitcode})"
        return row, None
    row.long_text_rtf = result["rtf"]
    row.peak_rss_mb = max(result["peak_rss_mb"], trial.peak_rss_mb or 0.0)
    return row, np.frombuffer(result["audio"], dtype=np.float32)


def _speak(candidate: loading.Candidate, config: SpeechConfig, text: str, connection: Any) -> None:
    from kokoro_speech.engine.engine import SpeechEngine
    from kokoro_speech.engine.job import SpeechJob

    try:
        fixed = SpeechConfig.from_env(
            {
                **config.to_env(),
                env_of(SpeechConfig, "backend", "providers"): candidate.provider,
                env_of(SpeechConfig, "model", "variant"): candidate.variant,
            }
        )
        engine = SpeechEngine(fixed.engine, assets.resolve(fixed.model))
        if engine.load_report.fallbacks:
            raise BackendUnavailable(engine.load_report.fallbacks[0])
        engine.warm_up()
        job = SpeechJob(text, "af_heart", normalization=fixed.text.normalization_for())
        started = time.perf_counter()
        _, chunks = engine.speak(job)
        seconds = time.perf_counter() - started
        audio = np.concatenate([c.pcm for c in chunks]).astype(np.float32)
        connection.send(
            {
                "rtf": round(seconds / (len(audio) / engine.sample_rate), 4),
                "peak_rss_mb": round(tuning.peak_rss_mb(), 1),
                "audio": audio.tobytes(),
            }
        )
    except Exception as error:
        connection.send({"error": f"{type(error).__name__}: {error}".splitlines()[0]})


def _recognizer() -> Any:
    """A function (text, audio) -> WER, or None where the recognizer is not installed
    (``pip install 'kokoro-speech[hearing]'``)."""
    try:
        import tempfile

        from kokoro_speech.bench.recognizer import Recognizer, normalized, whisper_model_dir, word_errors
    except ImportError:
        return None
    recognizer = Recognizer(whisper_model_dir(Path(tempfile.gettempdir()) / "kokoro-speech-bench-asr"))

    def wer(text: str, audio: np.ndarray) -> float:
        heard = recognizer.hear(audio, 24000).text
        return word_errors(normalized(text), normalized(heard)).rate

    return wer


def _fmt(value: float | None, spec: str) -> str:
    return "" if value is None else format(value, spec)


def _row(r: ProviderRow) -> str:
    if r.error:
        return f"{r.provider:<28} {r.variant:<8} failed: {r.error}"
    change = "" if r.wer_change is None else f"{r.wer_change * 100:+.1f}"
    return (
        f"{r.provider:<28} {r.variant:<8} {r.precision or '':<9} {_fmt(r.load_s, '8.2f')} "
        f"{_fmt(r.first_chunk_s, '12.3f')} {_fmt(r.long_text_rtf, '8.3f')} {_fmt(r.peak_rss_mb, '8.0f')} "
        f"{_fmt(None if r.wer is None else r.wer * 100, '6.1f')} {change:>7}"
    )


def table(rows: list[ProviderRow]) -> str:
    head = (
        f"{'provider':<28} {'variant':<8} {'precision':<9} {'load s':>8} {'first chunk':>12} {'RTF':>8} "
        f"{'peak MB':>8} {'WER %':>6} {'change':>7}"
    )
    return "\n".join([head, "-" * len(head), *(_row(r) for r in rows)])
