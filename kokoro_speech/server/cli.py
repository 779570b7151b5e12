"""The ``kokoro-speech`` command: serve, worker, tune, download, voices, say, bench."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kokoro_speech.config import SpeechConfig
from kokoro_speech.engine.assets import ModelFiles
from kokoro_speech.engine.config import MAX_SPEED, MIN_SPEED, ModelConfig
from kokoro_speech.infra.settings import env_of
from kokoro_speech.server.config import ServeConfig
from kokoro_speech.server.reference import reference

if TYPE_CHECKING:
    from kokoro_speech.engine.tuning import Tuning


def _with_flags(flags: dict[str, object]) -> dict[str, str]:
    """The environment with the flags that were given (keyed by their variables) laid over it."""
    return {**os.environ, **{env: str(value) for env, value in flags.items() if value is not None}}


def _configs(environ: dict[str, str] | None = None) -> tuple[SpeechConfig, ServeConfig]:
    """Environment first, then whatever flags were given."""
    environ = dict(os.environ) if environ is None else environ
    try:
        return SpeechConfig.from_env(environ), ServeConfig.from_env(environ)
    except ValueError as error:
        raise SystemExit(f"kokoro-speech: {error}") from error


def _per_worker(config: SpeechConfig, serve: ServeConfig) -> SpeechConfig:
    """``config`` with each worker's share of the cores where no thread count is set: the workers are the
    server's own, so the threads are counted as it will run them (and its measurement is the one found)."""
    if config.onnx.intra_op_threads:
        return config
    return dataclasses.replace(
        config, onnx=dataclasses.replace(config.onnx, intra_op_threads=serve.threads_per_worker())
    )


def _resolve(config: ModelConfig, download: bool | None = None) -> ModelFiles:
    from kokoro_speech.engine.assets import AssetsMissingError, resolve

    try:
        return resolve(config, download=download)
    except AssetsMissingError as error:
        raise SystemExit(f"kokoro-speech: cannot start\n{error}") from error


def cmd_serve(args: argparse.Namespace) -> int:
    from kokoro_speech.server import serving
    from kokoro_speech.server.announce import announced
    from kokoro_speech.server.workers import WorkerReports

    config, serve = _configs(
        _with_flags(
            {
                env_of(ServeConfig, "host"): args.host,
                env_of(ServeConfig, "port"): args.port,
                env_of(ServeConfig, "workers"): args.workers,
                env_of(SpeechConfig, "scheduling", "lanes"): args.lanes,
            }
        )
    )
    config = _per_worker(config, serve)
    _check_keys(config)
    # Resolve (and if need be download) once here, so the workers neither race to fetch
    # the files nor start at all when they are missing.
    files = _resolve(config.model)
    # Measured once here, before the workers load, so that they find the ranking and neither wait on
    # each other nor disturb the measurement.
    _tuning(config, files)
    os.environ.update(config.to_env())
    os.environ.update(serve.to_env())
    print(
        f"kokoro-speech: serving http://{serve.host}:{serve.port} with {serve.workers} worker(s), model {files.model}",
        file=sys.stderr,
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="kokoro-speech-") as folder:
        reports = WorkerReports(Path(folder), serve.workers)
        try:
            with announced(config.wyoming):
                serving.run(serve, Path(folder))
        except SystemExit:
            if len(reports.reasons()) < serve.workers:
                raise
        # Granian stops, cleanly or not, when the last worker that failed tells it to: its report says why.
        reasons = reports.reasons()
        if len(reasons) >= serve.workers:
            print(f"kokoro-speech: no worker could load the model: {reasons[0]}", file=sys.stderr, flush=True)
            return 1
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    import asyncio

    from kokoro_speech.server.job_worker import run_worker
    from kokoro_speech.server.logs import configure_logging

    config, serve = _configs()
    # One worker process on its machine: it may use every core (as a server of one worker would).
    config = _per_worker(config, dataclasses.replace(serve, workers=1))
    files = _resolve(config.model)
    _tuning(config, files)
    configure_logging(serve)
    where = config.redis.url.split("@")[-1] if config.redis.enabled else f"{config.jobs_dir} (this machine only)"
    print(f"kokoro-speech: making jobs from {where}, results in {config.jobs_dir}", file=sys.stderr, flush=True)
    return asyncio.run(run_worker(config, files))


def _check_keys(config: SpeechConfig) -> None:
    """A keys file that cannot be read stops the start here, with the line at fault, not in every worker."""
    from kokoro_speech.api.access import ApiKeys, KeysFileError
    from kokoro_speech.api.access.keys import ID_SECRET_FILE, id_secret

    if not config.access.enabled:
        return
    try:
        secret = id_secret(config.access.key_id_secret, config.model.cache_dir / ID_SECRET_FILE)
        keys = ApiKeys(config.access.key_lines(), config.access.api_keys_file, secret)
    except (OSError, KeysFileError) as error:
        raise SystemExit(f"kokoro-speech: cannot read the API keys: {error}") from error
    print(f"kokoro-speech: API keys required ({len(keys)} now)", file=sys.stderr, flush=True)


def _tuning(config: SpeechConfig, files: ModelFiles, *, force: bool = False) -> Tuning | None:
    from kokoro_speech.engine.backends import loading
    from kokoro_speech.engine.schedule import needs_measuring
    from kokoro_speech.engine.tuning import load_or_tune

    engine = config.engine
    candidates = loading.candidates(engine, files)
    choosing = loading.is_choice(engine) and len(candidates) > 1
    if not force and not choosing and not needs_measuring(engine):
        return None
    return load_or_tune(engine, files, candidates, force=force)


def cmd_tune(args: argparse.Namespace) -> int:
    from kokoro_speech.engine.schedule import CHOICES
    from kokoro_speech.engine.tuning import schedule_for

    config, serve = _configs(_with_flags({env_of(ServeConfig, "workers"): args.workers}))
    config = _per_worker(config, serve)
    files = _resolve(config.model)
    tuning = _tuning(config, files, force=True)
    assert tuning is not None
    info = tuning.machine
    print(f"machine: {info['cpu']}, {info['cores']} cores, {' '.join(info['instruction_sets']) or 'no flags read'}")
    print(f"runtimes: onnxruntime {info['onnxruntime']}, openvino {info['openvino'] or 'not installed'}")
    print(f"threads per worker: {config.onnx.threads()}; model file: {files.model.name}")
    print()
    print(
        f"{'provider':<28}{'variant':<9}{'precision':<10}{'load s':>8}{'first chunk s':>15}{'RTF':>8}{'peak MB':>9}"
        f"{'dB from int8':>14}{'durations':>11}"
    )
    for t in tuning.trials:
        if t.error:
            print(f"{t.provider:<28}{t.variant:<9}failed: {t.error}")
            continue
        heard = "reference" if t.spectral_db is None else f"{t.spectral_db:.2f}"
        durations = "" if t.durations_agree is None else f"{t.durations_agree:.0%}"
        print(
            f"{t.provider:<28}{t.variant:<9}{t.precision or '':<10}{t.load_s:>8.2f}{t.first_chunk_s:>15.3f}"
            f"{t.rtf:>8.3f}{t.peak_rss_mb:>9.0f}{heard:>14}{durations:>11}"
        )
    backend = config.backend
    print(
        f"quality gate: at most {backend.quality_max_db} dB from int8's audio, at least "
        f"{backend.quality_min_durations:.0%} of its durations"
    )
    print()
    print(
        f"{'provider':<28}{'variant':<9}{'120 tokens s':>13}{'not spinning':>14}{'240 tokens s':>14}{'2 at once':>11}"
    )
    for t in tuning.trials:
        if t.error is None:
            print(
                f"{t.provider:<28}{t.variant:<9}{_figure(t.later_chunk_s):>13}{_figure(t.unspun_later_chunk_s):>14}"
                f"{_figure(t.long_chunk_s):>14}{_figure(t.concurrent_gain, 'x'):>11}"
            )
    print()
    chosen = tuning.order[0] if tuning.order else None
    print(f"chosen: {chosen.label if chosen else 'nothing'}")
    print(f"why: {tuning.reason}")
    if config.backend.memory_limit_mb:
        print(f"memory cap: {config.backend.memory_limit_mb} MB per worker")
    if chosen is not None:
        schedule = schedule_for(tuning.trial(chosen), config.engine)
        print("\nhow it runs (a setting given explicitly wins over its measurement):")
        for name in CHOICES:
            print(f"  {name:<19}{getattr(schedule, name)!s:<7}{schedule.why[name]}")
    print(f"\nkept in {config.model.made_dir / 'tuning.json'}")
    return 0


def _figure(value: float | None, unit: str = "") -> str:
    return "-" if value is None else f"{value:.3f}{unit}"


def cmd_download(args: argparse.Namespace) -> int:
    config, _ = _configs(_with_flags({env_of(SpeechConfig, "model", "variant"): args.variant}))
    files = _resolve(config.model, download=True)
    print(f"model:  {files.model}\nvoices: {files.voices}")
    return 0


def cmd_voices(args: argparse.Namespace) -> int:
    from kokoro_speech.engine.voices import VoiceCatalog

    config, _ = _configs()
    catalog = VoiceCatalog.load(_resolve(config.model).voices)
    print(f"{'voice':<16}{'language':<10}{'gender':<8}openai names")
    for info in catalog.infos():
        print(f"{info.id:<16}{info.language.code:<10}{info.gender:<8}{', '.join(info.openai_names)}")
    return 0


def cmd_say(args: argparse.Namespace) -> int:
    from kokoro_speech.audio.encoders import new_encoder
    from kokoro_speech.audio.formats import FORMATS
    from kokoro_speech.engine.engine import SpeechEngine
    from kokoro_speech.engine.job import SpeechJob
    from kokoro_speech.engine.languages import UnknownLanguageError
    from kokoro_speech.engine.voices import UnknownVoiceError

    text = sys.stdin.read() if args.text == "-" else args.text
    out = Path(args.output)
    fmt = args.format or out.suffix.lstrip(".").lower()
    fmt = {"ogg": "opus"}.get(fmt, fmt)
    if fmt not in FORMATS:
        raise SystemExit(
            f"kokoro-speech: cannot tell the format from '{out.name}'; use --format ({', '.join(FORMATS)})"
        )
    if not MIN_SPEED <= args.speed <= MAX_SPEED:
        raise SystemExit(f"kokoro-speech: --speed must be between {MIN_SPEED} and {MAX_SPEED}")
    config, _ = _configs()
    engine = SpeechEngine(config.engine, _resolve(config.model))
    job = SpeechJob(text, args.voice, args.speed, fmt, normalization=config.text.normalization_for())
    try:
        plan = engine.plan(job, engine.speaker(job))
    except (UnknownVoiceError, UnknownLanguageError, ValueError) as error:
        raise SystemExit(f"kokoro-speech: {error}") from error
    encoder = new_encoder(fmt, config.audio, engine.sample_rate)
    samples = 0
    with out.open("wb") as sink:
        for index in range(len(plan.chunks)):
            audio = engine.synthesize_chunk(plan, index).pcm
            samples += len(audio)
            sink.write(encoder.encode(audio))
        sink.write(encoder.finish())
    engine.close()
    print(f"wrote {out} ({samples / engine.sample_rate:.2f} s, {fmt})", file=sys.stderr)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    if args.profile:
        from kokoro_speech.bench import profile

        config, serve = _configs()
        config = _per_worker(config, serve)
        files = _resolve(config.model)
        return profile.run(config.engine, files, _tuning(config, files))
    try:
        from kokoro_speech.bench.run import run
    except ImportError as error:
        raise SystemExit(
            f"kokoro-speech: the benchmark needs {error.name}: pip install 'kokoro-speech[bench]'"
        ) from error

    stamp = time.strftime("%Y%m%d-%H%M%S")
    if args.jobs:
        from kokoro_speech.bench import jobs

        path = Path(args.json) if args.json else Path("bench-results") / f"jobs-{stamp}.json"
        return jobs.run(path, args.jobs_chars, args.jobs_seconds)
    if args.live:
        from kokoro_speech.bench import live

        path = Path(args.json) if args.json else Path("bench-results") / f"live-{stamp}.json"
        return live.run(args.reps, path, smoke=args.smoke)
    if args.providers:
        from kokoro_speech.bench import providers

        path = Path(args.json) if args.json else Path("bench-results") / f"providers-{stamp}.json"
        return providers.run(path)
    path = Path(args.json) if args.json else Path("bench-results") / f"bench-{stamp}.json"
    _, serve = _configs()
    return run(
        reps=args.reps,
        json_path=path,
        compare_workers=not args.no_workers,
        serving=serve.to_env(),
        workers=serve.workers,
        smoke=args.smoke,
        access=args.access,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kokoro-speech", description="OpenAI-compatible text-to-speech with Kokoro.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser(
        "serve",
        help="run the HTTP server (Granian)",
        description="Run the HTTP server: Granian with its workers, each loading the model.",
        epilog=reference(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument("--host", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to bind (default 8880)")
    serve.add_argument("--workers", type=int, help="worker processes, each with its own model (default 1)")
    serve.add_argument("--lanes", type=int, help="concurrent syntheses per worker (default: from the CPU count)")
    serve.set_defaults(func=cmd_serve)

    worker = commands.add_parser(
        "worker",
        help="make long-form jobs (books, articles) from the jobs' queue; serves nothing",
        description="Make long-form jobs from the queue: Redis's with KOKORO_SPEECH_REDIS_URL (any machine with the "
        "model, that Redis and the jobs' folder, KOKORO_SPEECH_JOBS_DIR), else this machine's. The settings are "
        "serve's (see `kokoro-speech serve --help`).",
    )
    worker.set_defaults(func=cmd_worker)

    tune = commands.add_parser("tune", help="measure how to run the model on this machine, and keep the choice")
    tune.add_argument("--workers", type=int, help="workers the server will run, which share the cores (default 1)")
    tune.set_defaults(func=cmd_tune)

    download = commands.add_parser("download", help="fetch the model and voices into the user cache")
    download.add_argument("--variant", choices=["int8", "fp16", "fp32"], help="model export (default int8)")
    download.set_defaults(func=cmd_download)

    voices = commands.add_parser("voices", help="list the voices")
    voices.set_defaults(func=cmd_voices)

    say = commands.add_parser("say", help="speak text into an audio file")
    say.add_argument("text", help="the text, or - to read standard input")
    say.add_argument("-v", "--voice", default="af_heart", help="Kokoro voice or OpenAI name (default af_heart)")
    say.add_argument("-o", "--output", default="speech.mp3", help="output file; its extension picks the format")
    say.add_argument("-f", "--format", help="mp3, opus, aac, flac, wav or pcm (overrides the extension)")
    say.add_argument("-s", "--speed", type=float, default=1.0, help="0.25 to 4.0 (default 1.0)")
    say.set_defaults(func=cmd_say)

    bench = commands.add_parser("bench", help="measure the server against raw kokoro-onnx on this machine")
    bench.add_argument("--reps", type=int, default=3, help="repetitions per case; medians are reported (default 3)")
    bench.add_argument("--json", help="where to write the figures (default bench-results/bench-<time>.json)")
    bench.add_argument("--no-workers", action="store_true", help="skip the workers=2 comparison")
    bench.add_argument(
        "--smoke", action="store_true", help="every case once on small inputs: checks the benchmark runs (a minute)"
    )
    bench.add_argument(
        "--access", action="store_true", help="with an API key, both rate limits and the metrics on (a team's server)"
    )
    only = bench.add_mutually_exclusive_group()
    only.add_argument(
        "--providers",
        action="store_true",
        help="each provider and graph this machine can run: load, first chunk, RTF, memory, WER change",
    )
    only.add_argument(
        "--live",
        action="store_true",
        help="first audio of text typed word by word over Wyoming and the stream-input socket, against HTTP",
    )
    only.add_argument(
        "--jobs",
        action="store_true",
        help="long-form jobs: throughput against HTTP requests, memory of a long job, first byte while one runs",
    )
    bench.add_argument("--jobs-chars", type=int, default=500_000, help="the long job's characters (--jobs)")
    bench.add_argument("--jobs-seconds", type=float, default=120.0, help="how long the long job is made (--jobs)")
    only.add_argument(
        "--profile",
        action="store_true",
        help="time per operator of the backend the server would choose here, on a later chunk's phonemes",
    )
    bench.set_defaults(func=cmd_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result: int = args.func(args)
    except BrokenPipeError:
        # The reader went away (`kokoro-speech voices | head`): not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return result


if __name__ == "__main__":
    raise SystemExit(main())
