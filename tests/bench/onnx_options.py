"""ONNX Runtime options for the Kokoro int8 model, measured on this machine.

    uv run python -m tests.bench.onnx_options [--reps 5]

Prints, for the settings the server exposes: session load time, single-run latency (the two
sides alternated, medians), throughput of concurrent runs against serial runs, and resident
memory after a burst of runs (each memory figure in a fresh process, since an arena never
shrinks). Not a test: figures, not asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import onnxruntime as ort

from kokoro_speech.config import SpeechConfig
from kokoro_speech.engine import assets

LEVELS = {
    "disabled": ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
    "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
    "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
    "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
}


def options(
    threads: int = 2,
    spin: bool = True,
    arena: bool = True,
    pattern: bool = False,
    level: str = "all",
    optimized_path: str | None = None,
) -> ort.SessionOptions:
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.enable_cpu_mem_arena = arena
    so.enable_mem_pattern = pattern
    so.graph_optimization_level = LEVELS[level]
    so.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
    if optimized_path:
        so.optimized_model_filepath = optimized_path
    return so


def feed(style: np.ndarray, tokens: int) -> dict[str, np.ndarray]:
    ids = ([50, 156, 86, 54, 16] * tokens)[:tokens]
    return {
        "tokens": np.array([[0, *ids, 0]], dtype=np.int64),
        "style": style[tokens - 1],
        "speed": np.array([1.0], dtype=np.float32),
    }


def memory_probe(model: str, voices: str, arena: bool, pattern: bool, tokens: int) -> dict[str, float]:
    """Run in a child process: RSS after concurrent runs of ``tokens`` tokens."""
    style = np.load(voices)["af_heart"]
    session = ort.InferenceSession(model, options(arena=arena, pattern=pattern), providers=["CPUExecutionProvider"])
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda n: session.run(None, feed(style, n)), [tokens, tokens - 10, 60, tokens]))
    status = Path(f"/proc/{os.getpid()}/status").read_text()
    peak_kb = int(status.split("VmHWM:")[1].split()[0])
    return {"peak_mb": peak_kb / 1024}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--probe", nargs=4, metavar=("ARENA", "PATTERN", "TOKENS", "OUT"))
    args = parser.parse_args()
    files = assets.resolve(SpeechConfig.from_env().model, download=False)
    model, voices = str(files.model), str(files.voices)
    if args.probe:
        arena, pattern, tokens, out = args.probe
        Path(out).write_text(json.dumps(memory_probe(model, voices, arena == "1", pattern == "1", int(tokens))))
        return
    style = np.load(voices)["af_heart"]
    feeds = [feed(style, n) for n in (60, 120)]

    print("load time (s), by graph optimization level; and loading a saved optimized model")
    saved = str(Path(os.environ.get("TMPDIR", "/tmp")) / "kokoro-optimized.onnx")
    ort.InferenceSession(model, options(optimized_path=saved), providers=["CPUExecutionProvider"])
    for label, path, level in [
        *((lvl, model, lvl) for lvl in LEVELS),
        ("saved optimized, no re-opt", saved, "disabled"),
    ]:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            ort.InferenceSession(path, options(level=level), providers=["CPUExecutionProvider"])
            times.append(time.perf_counter() - started)
        print(f"  {label:<28} {statistics.median(times):.2f}")

    sessions = {
        "kokoro-onnx default": ort.InferenceSession(model, providers=["CPUExecutionProvider"]),
        "2 threads, spinning": ort.InferenceSession(model, options(2, True), providers=["CPUExecutionProvider"]),
        "2 threads, no spinning": ort.InferenceSession(model, options(2, False), providers=["CPUExecutionProvider"]),
        "1 thread": ort.InferenceSession(model, options(1, False), providers=["CPUExecutionProvider"]),
        "level basic, 2 threads": ort.InferenceSession(
            model, options(level="basic"), providers=["CPUExecutionProvider"]
        ),
    }
    for session in sessions.values():
        session.run(None, feeds[1])
    latency: dict[str, list[float]] = {k: [] for k in sessions}
    for _ in range(args.reps):
        for name, session in sessions.items():
            started = time.perf_counter()
            for f in feeds:
                session.run(None, f)
            latency[name].append(time.perf_counter() - started)
    base = statistics.median(latency["kokoro-onnx default"])
    print("\nlatency of a 60- and a 120-token run (s), and against kokoro-onnx's default session")
    for name, values in latency.items():
        print(f"  {name:<28} {statistics.median(values):.3f}  {statistics.median(values) / base:.2f}")

    def rate(runs: list[ort.InferenceSession], tokens: int) -> float:
        f = feed(style, tokens)
        started = time.perf_counter()
        with ThreadPoolExecutor(len(runs)) as pool:
            list(pool.map(lambda i: runs[i % len(runs)].run(None, f), range(2 * len(runs) + 2)))
        return (2 * len(runs) + 2) / (time.perf_counter() - started)

    two, one = sessions["2 threads, spinning"], sessions["1 thread"]
    one_b = ort.InferenceSession(model, options(1, False), providers=["CPUExecutionProvider"])
    print("\nthroughput against one 2-thread run at a time")
    for tokens in (40, 120):
        layouts = {
            "serial, 2 threads": [two],
            "2 concurrent on one 2-thread session": [two, two],
            "2 concurrent, 1 thread, one session": [one, one],
            "2 concurrent, 1 thread, two sessions": [one, one_b],
        }
        rates: dict[str, list[float]] = {k: [] for k in layouts}
        for _ in range(max(2, args.reps // 2)):
            for name, runs in layouts.items():
                rates[name].append(rate(runs, tokens))
        serial = statistics.median(rates["serial, 2 threads"])
        for name, values in rates.items():
            print(f"  {tokens:>3} tokens  {name:<38} {statistics.median(values) / serial:.2f}")

    print("\npeak RSS (MB) of a process after concurrent runs, each setting in a fresh process")
    for arena, pattern, tokens in [(1, 1, 250), (1, 0, 250), (1, 1, 120), (1, 0, 120), (0, 0, 120)]:
        out = Path(os.environ.get("TMPDIR", "/tmp")) / "kokoro-probe.json"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.bench.onnx_options",
                "--probe",
                str(arena),
                str(pattern),
                str(tokens),
                str(out),
            ],
            check=True,
        )
        peak = json.loads(out.read_text())["peak_mb"]
        print(
            f"  arena={'on ' if arena else 'off'} mem_pattern={'on ' if pattern else 'off'} {tokens:>3}-token chunks  "
            f"{peak:.0f}"
        )


if __name__ == "__main__":
    main()
