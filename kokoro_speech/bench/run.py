"""Runs every case and reports: a table on stdout and the same figures as JSON."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import platform
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

from kokoro_onnx import Kokoro

from kokoro_speech.bench import cases
from kokoro_speech.bench.goals import goals_for
from kokoro_speech.bench.memory import total_memory_gb
from kokoro_speech.bench.stages import stage_times
from kokoro_speech.bench.texts import take
from kokoro_speech.config import SpeechConfig
from kokoro_speech.engine import assets
from kokoro_speech.engine.backends import openvino as openvino_backend
from kokoro_speech.engine.engine import SpeechEngine
from kokoro_speech.engine.job import SpeechJob
from kokoro_speech.testing import clean_env, start_server


def machine() -> dict[str, Any]:
    from kokoro_speech.engine import tuning

    info = tuning.machine()
    return {
        "cpu": info["cpu"],
        "cores": info["cores"],
        "instruction_sets": info["instruction_sets"],
        "memory_gb": total_memory_gb(),
        "python": platform.python_version(),
        "onnxruntime": info["onnxruntime"],
        "openvino": info["openvino"],
        "kokoro-onnx": version("kokoro-onnx"),
        "kokoro-speech": version("kokoro-speech"),
    }


def first_chunk_of(engine: SpeechEngine) -> Any:
    """The phonemes of the first chunk the server makes of a text."""

    def first(text: str) -> str:
        job = SpeechJob(text, cases.VOICE, normalization=engine.config.text.normalization_for())
        return engine.plan(job, engine.speaker(job)).chunks[0].phonemes

    return first


ACCESS_KEY = "sk-bench-access-0123456789"
ACCESS_LIMIT = 1_000_000
"""Per minute, requests and characters: counted on every request, never reached."""


def access_settings() -> dict[str, str]:
    """What `--access` turns on: an API key every request sends, both rate limits, and the metrics."""
    return {
        "KOKORO_SPEECH_API_KEYS": ACCESS_KEY,
        "KOKORO_SPEECH_RATE_LIMIT_REQUESTS_PER_MINUTE": str(ACCESS_LIMIT),
        "KOKORO_SPEECH_RATE_LIMIT_CHARS_PER_MINUTE": str(ACCESS_LIMIT),
        "KOKORO_SPEECH_METRICS": "true",
    }


def run(
    reps: int,
    json_path: Path,
    compare_workers: bool,
    serving: dict[str, str],
    workers: int,
    smoke: bool = False,
    access: bool = False,
) -> int:
    """Every case against a server of ``workers`` workers, with the serve settings ``serving`` (the command's,
    recorded with the figures); ``smoke``: each once on small inputs, to show the benchmark works (no figure to
    quote); ``access``: with an API key, both rate limits and the metrics on, as a team's server runs."""
    environ = os.environ | access_settings() if access else os.environ
    config = SpeechConfig.from_env(environ)
    headers = {"Authorization": f"Bearer {ACCESS_KEY}"} if access else {}
    sizes = cases.SMOKE if smoke else cases.FULL
    files = assets.resolve(config.model)
    info = {
        "machine": machine(),
        "model": files.model.name,
        "reps": reps,
        "smoke": smoke,
        "access": access,
        "config": {**config.to_env(), **serving},
    }
    print(f"machine: {info['machine']}")
    print(f"model: {files.model}  repetitions: {reps}")
    if access:
        print("access: an API key on every request, both rate limits counted, metrics on")
    results: list[cases.CaseResult] = []
    with tempfile.TemporaryDirectory(prefix="kokoro-bench-") as tmp:
        env = clean_env(**{k.removeprefix("KOKORO_SPEECH_").lower(): v for k, v in config.to_env().items()})
        env.update(
            {
                # A fresh result cache, so nothing is answered from an earlier run; the made graphs and the
                # machine's measurement are the user's own, as the server would find them.
                "KOKORO_SPEECH_CACHE_DIR": tmp,
                "KOKORO_SPEECH_GRAPHS_DIR": str(config.model.made_dir),
                "KOKORO_SPEECH_LOG_LEVEL": "warning",
            }
        )
        server = start_server(env, Path(tmp) / "server-1.log", workers=workers)
        startup = {f"workers={workers}": server.ready_after_s}
        runner = server.get("/ready", headers=headers).json().get("model", {})  # the details need the key
        info["model_runner"] = runner
        goals = goals_for(openvino_backend.computes_bf16())
        print(
            f"running the model: {runner.get('backend')} {runner.get('provider')}, {runner.get('variant')} graph, "
            f"{runner.get('precision')}; fallbacks: {runner.get('fallbacks') or 'none'}\n"
            f"backend chosen: {runner.get('tuned') or 'as configured (nothing to choose)'}\n"
            f"schedule in force: {_schedule(runner.get('schedule', {}))}\n",
            flush=True,
        )
        raw = Kokoro(str(files.model), str(files.voices))
        engine = SpeechEngine(config.engine, files)
        measure = cases.Measure(server, raw, sizes, headers)
        try:
            # Both sides warm before anything is timed.
            measure.server_whole("Warming up the server.")
            measure.raw_create("Warming up the library.")
            results.append(cases.short_latency(measure, reps, goals.short))
            print(_row(results[-1]), flush=True)
            results += cases.first_byte(measure, reps, first_chunk_of(engine), goals.first_byte)
            print(_row(results[-2]), _row(results[-1]), sep="\n", flush=True)
            run1 = cases.throughput(measure, reps)
            results += cases.throughput_results(run1, sizes, goals.throughput)
            goal = goals.memory_mb if workers == 1 else None
            results.append(cases.memory_result(f"6. memory, {workers} worker(s)", run1.peak_rss, goal))
            print(*(_row(r) for r in results[-4:]), sep="\n", flush=True)
            results.append(cases.fairness(measure, reps, goals.fairness))
            print(_row(results[-1]), flush=True)
            results.append(cases.cache_hit(measure))
            print(_row(results[-1]), flush=True)
            results.append(cases.long_stream(measure, reps, goals.long_stream))
            print(_row(results[-1]), flush=True)
        finally:
            measure.close()
            server.stop()
        raw_median = cases.median(run1.raw)
        if compare_workers and workers == 1 and not smoke:
            server2 = start_server(env, Path(tmp) / "server-2.log", workers=2)
            startup["workers=2"] = server2.ready_after_s
            measure2 = cases.Measure(server2, raw, sizes, headers)
            try:
                measure2.server_whole("Warming up the first worker.")
                run2 = cases.throughput(measure2, reps, seed=900)
            finally:
                measure2.close()
                server2.stop()
            s2 = cases.median(run2.server)
            results.append(
                cases.CaseResult(
                    "7. workers=2 throughput",
                    "chars per s",
                    s2,
                    cases.median(run2.raw),
                    s2 / cases.median(run2.raw),
                    "report",
                    None,
                    f"workers=1 gave {cases.median(run1.server):.2f} (ratio "
                    f"{cases.median(run1.server) / raw_median:.2f})",
                )
            )
            results.append(cases.memory_result("7. memory, 2 workers", run2.peak_rss, None))
            print(_row(results[-2]), _row(results[-1]), sep="\n", flush=True)
        try:
            stages = stage_times(engine, config.audio, take(sizes.paragraph_chars, 1, seed=700)[0], cases.VOICE)
        finally:
            engine.close()
    print()
    print(table(results))
    print("\nstart-up, serve to /ready:", ", ".join(f"{k}: {v:.1f} s" for k, v in startup.items() if v))
    print(f"\nstages of one {sizes.paragraph_chars}-character request:")
    for stage, seconds in stages.items():
        print(f"  {stage:<40} {seconds:8.3f}")
    report = {
        **info,
        "startup_s": startup,
        "stages_s": stages,
        "cases": [dataclasses.asdict(r) for r in results],
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(report, indent=2))
    print(f"\nwrote {json_path}")
    return 0


def _schedule(schedule: dict[str, Any]) -> str:
    """The worker's schedule as /ready reports it, each choice with why."""
    why = schedule.get("why", {})
    shown = [f"threads {schedule.get('threads')}"] + [
        f"{name} {schedule.get(name)} ({why.get(name, '')})"
        for name in ("lanes", "spinning", "first_chunk_tokens", "chunk_tokens", "preempt", "stream_rtf")
    ]
    return "\n  ".join(["", *shown])


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def _row(r: cases.CaseResult) -> str:
    verdict = {True: "yes", False: "NO", None: "-"}[r.holds]
    spread = f"{min(r.spread):.2f}-{max(r.spread):.2f}" if r.spread else ""
    return (
        f"{r.case:<46} {r.metric:<18} {_fmt(r.server):>9} {_fmt(r.raw):>9} {_fmt(r.ratio):>7} {spread:>11} "
        f"{r.goal:>8} {verdict:>5}  {r.note}"
    )


def table(results: list[cases.CaseResult]) -> str:
    head = (
        f"{'case':<46} {'metric':<18} {'server':>9} {'raw':>9} {'ratio':>7} {'spread':>11} {'goal':>8} {'holds':>5}"
        "  note"
    )
    return "\n".join([head, "-" * len(head), *(_row(r) for r in results)])
