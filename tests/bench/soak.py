"""Soak: mixed traffic at about twice what a real `kokoro-speech serve` can make, for a set time, with its outcomes.

    uv run python -m tests.bench.soak [--minutes 30] [--workers 2] [--queue-size 8] [--out soak.json]

First a short calibration: as many streams at once as the server has lanes, for a while, gives the audio
seconds per second it makes. Then requests arrive at random (Poisson) so that the fresh speech asked for is
about ``--load`` times that, mixed: whole bodies and streams in every format, SSE with and without word
timings, the timestamps route, repeats the cache answers, voice blends, long inputs, requests refused for
what they ask, clients that leave at a random point, clients that read slowly, and a burst now and then.
Every answer is checked: a complete response must decode (PyAV) to audio, a stream must not end before its
end, an SSE stream must end with its done event, a 503 must come with Retry-After before any audio.

It prints, and writes as JSON: requests by outcome, p50/p95/p99 of time to first byte and of total time, the
lanes busy and waiting once traffic stops, and the resident memory of all the server's processes sampled every
few seconds (start, plateau, end); then each goal and whether it held. The server runs on loopback with its
own cache folder and is stopped at the end; the run stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from kokoro_speech.bench.memory import rss_bytes
from kokoro_speech.testing import ServerProcess
from tests.support import UNTUNED_SCHEDULE, base_env, model_home, start_server
from tests.support.audio import duration
from tests.support.metrics import samples, value

FORMATS = ("mp3", "opus", "aac", "flac", "wav", "pcm")
PCM_BYTES_PER_SECOND = 48000
SENTENCES = (
    "The quick brown fox jumps over the lazy dog while the farmer watches from the porch.",
    "On March 3rd, 2024 the shop sold 1,250 units at $4.99 each, a 12% rise on last year.",
    "Please call me back at 555-0142 before 5:30 p.m. so that we can settle the details.",
    "Rain fell softly on the tin roof, and the children counted the seconds between the flashes.",
    "Dr. Smith measured 3.5 km of river bank and found seventeen kinds of dragonfly along it.",
    "A good speech server answers quickly, speaks clearly, and never loses what it was asked to say.",
)
VOICES = ("af_heart", "am_michael", "bf_emma", "af_bella(2)+af_sky", "alloy", "nova")
LONG_SENTENCES = 10
"""A long input, by default: about a minute of speech, several chunks."""
AUDIO_SECONDS_PER_CHAR = 0.065
"""About how much speech a character of English input makes at speed 1 (for pacing arrivals only)."""
CALIBRATION_S = 10.0
BURST_EVERY_S = 45.0
BURST_SIZE = 8
SAMPLE_EVERY_S = 3.0
DRAIN_TIMEOUT_S = 120.0
"""How long the lanes may take to empty once traffic stops before the goal is called missed."""
SLOW_READ_BYTES = 4096
SLOW_READ_PAUSE_S = 0.15
REQUEST_TIMEOUT_S = 300.0


@dataclass
class Result:
    kind: str
    outcome: str
    """complete, 4xx:<status>, 503, abandoned, 5xx:<status>, transport_error, early_end, undecodable, bad_503."""
    ttfb_s: float | None = None
    total_s: float | None = None
    detail: str = ""


@dataclass
class Plan:
    """One request: what to send, how to read the answer and what it must be."""

    kind: str
    path: str
    body: dict[str, Any]
    read: str = "whole"
    """whole, stream, slow, abandon, sse, timestamps."""
    expect: int = 200


@dataclass
class Soak:
    url: str
    rng: random.Random
    long_sentences: int = LONG_SENTENCES
    results: list[Result] = field(default_factory=list)
    asked: list[dict[str, Any]] = field(default_factory=list)
    """Bodies already sent whole, for repeats the cache answers."""

    def plan(self) -> Plan:
        roll = self.rng.random()
        fmt = self.rng.choice(FORMATS)
        voice = self.rng.choice(VOICES)
        text = self._text()
        body = {"model": "tts-1", "voice": voice, "input": text, "response_format": fmt}
        if roll < 0.22:
            return Plan("whole", "/v1/audio/speech", body)
        if roll < 0.40:
            return Plan("stream", "/v1/audio/speech", body, read="stream")
        if roll < 0.48:
            return Plan("sse", "/v1/audio/speech", body | {"stream_format": "sse"}, read="sse")
        if roll < 0.54:
            return Plan("sse_words", "/v1/audio/speech", body | {"stream_format": "sse", "timestamps": True}, "sse")
        if roll < 0.60:
            return Plan("timestamps", "/v1/audio/speech/timestamps", body, read="timestamps")
        if roll < 0.72 and self.asked:
            return Plan("repeat", "/v1/audio/speech", self.rng.choice(self.asked))
        if roll < 0.76:
            long = " ".join(self.rng.choice(SENTENCES) for _ in range(self.long_sentences))
            return Plan("long", "/v1/audio/speech", body | {"input": long}, read="stream")
        if roll < 0.86:
            return Plan("abandon", "/v1/audio/speech", body, read="abandon")
        if roll < 0.93:
            return Plan("slow_reader", "/v1/audio/speech", body | {"response_format": "pcm"}, read="slow")
        refusals: list[dict[str, Any]] = [
            {"voice": "nobody_here"}, {"response_format": "ogg"}, {"speed": 9}, {"input": ""}, {"model": "x"}
        ]  # fmt: skip
        bad = self.rng.choice(refusals)
        return Plan("refused", "/v1/audio/speech", body | bad, expect=404 if "model" in bad else 400)

    def _text(self) -> str:
        count = self.rng.choice((1, 1, 2, 3))
        words = " ".join(self.rng.choice(SENTENCES) for _ in range(count))
        return f"{words} Request {self.rng.randrange(10**6)}."

    async def run(self, client: httpx.AsyncClient, plan: Plan) -> None:
        started = time.monotonic()
        result = Result(plan.kind, "transport_error")
        got_status = False
        try:
            async with client.stream("POST", self.url + plan.path, json=plan.body) as response:
                got_status = True
                result = await self._answer(plan, response, started)
        except (httpx.TransportError, httpx.StreamError) as error:
            result.outcome = "early_end" if got_status else "transport_error"
            result.detail = repr(error)
        result.total_s = result.total_s or time.monotonic() - started
        self.results.append(result)

    async def _answer(self, plan: Plan, response: httpx.Response, started: float) -> Result:
        result = Result(plan.kind, "complete")
        status = response.status_code
        if status == 503:
            await response.aread()
            good = "retry-after" in response.headers and response.headers["content-type"].startswith("application/json")
            result.outcome = "503" if good else "bad_503"
            return result
        if status >= 500:
            result.outcome = f"5xx:{status}"
            result.detail = (await response.aread()).decode(errors="replace")[:300]
            return result
        if status != 200:
            await response.aread()
            result.outcome = f"4xx:{status}"
            if status != plan.expect:
                result.detail = f"expected {plan.expect}"
            return result
        if plan.expect != 200:
            result.outcome = "wrongly_accepted"
            return result
        data = bytearray()
        if plan.read == "abandon":
            stop_after = self.rng.randrange(1, 64 * 1024)
            async for piece in response.aiter_raw():
                result.ttfb_s = result.ttfb_s or time.monotonic() - started
                data += piece
                if len(data) >= stop_after:
                    result.outcome = "abandoned"
                    return result  # leaving the block closes the connection mid-stream
            # The whole answer came before the client meant to leave: check it as any other.
        else:
            async for piece in response.aiter_raw():
                result.ttfb_s = result.ttfb_s or time.monotonic() - started
                data += piece
                if plan.read == "slow" and len(data) % SLOW_READ_BYTES < len(piece):
                    await asyncio.sleep(SLOW_READ_PAUSE_S)
        result.total_s = time.monotonic() - started
        problem = await asyncio.to_thread(_check_answer, plan, bytes(data))
        if problem:
            result.outcome, result.detail = problem
        elif plan.read == "whole" and plan.kind != "repeat":
            self.asked.append(plan.body)
        return result


def _fresh_audio_per_arrival(long_sentences: int) -> float:
    """Seconds of new speech an arrival asks for on average, from the mix of :meth:`Soak.plan`: the shares
    that make speech (an abandoned one about half of it), and the long inputs."""
    sentence = statistics.mean(len(s) for s in SENTENCES)
    usual = 1.75 * sentence + 16
    chars = (0.22 + 0.18 + 0.08 + 0.06 + 0.06 + 0.10 / 2 + 0.07) * usual + 0.04 * long_sentences * sentence
    return chars * AUDIO_SECONDS_PER_CHAR


def _check_answer(plan: Plan, data: bytes) -> tuple[str, str] | None:
    """None for a whole, decodable answer; else (outcome, why)."""
    fmt = plan.body.get("response_format", "mp3")
    try:
        if plan.read == "sse":
            events = [json.loads(line[5:]) for line in data.decode().splitlines() if line.startswith("data:")]
            if not events or events[-1].get("type") != "speech.audio.done":
                return "early_end", f"last event {events[-1] if events else None}"
            audio = b"".join(base64.b64decode(e["audio"]) for e in events if e["type"] == "speech.audio.delta")
            seconds = duration(audio, fmt)
        elif plan.read == "timestamps":
            answer = json.loads(data)
            seconds = duration(base64.b64decode(answer["audio"]), fmt)
            if not answer["words"]:
                return "undecodable", "no words"
        else:
            seconds = duration(data, fmt)
    except Exception as error:  # a broken answer, whatever the decoder says of it
        return "undecodable", repr(error)[:300]
    expected = len(plan.body["input"]) * AUDIO_SECONDS_PER_CHAR / float(plan.body.get("speed", 1.0))
    if seconds < 0.3 * expected:
        return "early_end", f"{seconds:.2f} s of audio for about {expected:.1f} s of text"
    return None


def _gauges(server: ServerProcess) -> dict[str, float]:
    scrape = samples(server.get("/metrics").text)
    return {name: value(scrape, name) for name in ("kokoro_speech_lanes_busy", "kokoro_speech_requests_waiting")}


async def _calibrate(server: ServerProcess, seconds: float, streams: int) -> float:
    """Audio seconds per second the server makes with ``streams`` requests at once (pcm, never cached)."""
    made = 0.0
    deadline = time.monotonic() + seconds
    counter = iter(range(10**9))

    async def one(client: httpx.AsyncClient) -> None:
        nonlocal made
        while time.monotonic() < deadline:
            text = f"{SENTENCES[0]} {SENTENCES[4]} Calibration {next(counter)}."
            body = {"model": "tts-1", "voice": "af_heart", "input": text, "response_format": "pcm"}
            response = await client.post(server.url + "/v1/audio/speech", json=body)
            if response.status_code == 200:
                made += len(response.content) / PCM_BYTES_PER_SECOND

    started = time.monotonic()
    async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT_S) as client:
        await asyncio.gather(*(one(client) for _ in range(streams)))
    return made / (time.monotonic() - started)


def _quantiles(values: list[float]) -> dict[str, float | None]:
    if len(values) < 2:
        return {"p50": values[0] if values else None, "p95": None, "p99": None}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": round(cuts[49], 3), "p95": round(cuts[94], 3), "p99": round(cuts[98], 3)}


async def soak(
    server: ServerProcess, minutes: float, load: float, lanes: int, seed: int, long_sentences: int = LONG_SENTENCES
) -> dict[str, Any]:
    capacity = await _calibrate(server, CALIBRATION_S, lanes)
    rng = random.Random(seed)
    state = Soak(server.url, rng, long_sentences)
    rate = load * capacity / _fresh_audio_per_arrival(long_sentences)
    duration = minutes * 60
    memory: list[tuple[float, int]] = []
    started = time.monotonic()
    stop = started + duration
    tasks: set[asyncio.Task[None]] = set()

    async def sample_memory() -> None:
        while time.monotonic() < stop:
            memory.append((round(time.monotonic() - started, 1), rss_bytes(server)))
            await asyncio.sleep(SAMPLE_EVERY_S)

    limits = httpx.Limits(max_connections=None, max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT_S, limits=limits) as client:
        sampler = asyncio.create_task(sample_memory())

        def launch() -> None:
            task = asyncio.create_task(state.run(client, state.plan()))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

        next_burst = started + BURST_EVERY_S
        while (now := time.monotonic()) < stop:
            if now >= next_burst:
                for _ in range(BURST_SIZE):
                    launch()
                next_burst += BURST_EVERY_S
            launch()
            await asyncio.sleep(rng.expovariate(rate))
        traffic_s = time.monotonic() - started
        await asyncio.gather(*tasks, return_exceptions=True)
        await sampler
    drained_after = await asyncio.to_thread(_drain, server)
    memory.append((round(time.monotonic() - started, 1), rss_bytes(server)))
    return _report(state.results, memory, capacity, rate, traffic_s, drained_after, minutes)


def _drain(server: ServerProcess) -> dict[str, Any]:
    """The lanes once traffic stops: seconds until busy and waiting are both zero (None if they never are)."""
    started = time.monotonic()
    gauges = _gauges(server)
    while time.monotonic() - started < DRAIN_TIMEOUT_S:
        gauges = _gauges(server)
        if gauges["kokoro_speech_lanes_busy"] == 0 and gauges["kokoro_speech_requests_waiting"] == 0:
            return {"seconds": round(time.monotonic() - started, 2), **gauges}
        time.sleep(0.5)
    return {"seconds": None, **gauges}


def _report(
    results: list[Result],
    memory: list[tuple[float, int]],
    capacity: float,
    rate: float,
    traffic_s: float,
    drained: dict[str, Any],
    minutes: float,
) -> dict[str, Any]:
    outcomes = Counter(r.outcome for r in results)
    complete = [r for r in results if r.outcome == "complete"]
    warmup_s = max(60.0, 0.15 * minutes * 60)
    window = [rss for at, rss in memory if warmup_s <= at <= warmup_s + max(60.0, 0.2 * minutes * 60)]
    plateau = statistics.median(window) if window else None
    end = memory[-1][1] if memory else None
    failures = [
        r for r in results if r.outcome not in ("complete", "503", "abandoned") and not r.outcome.startswith("4xx")
    ]
    wrong_4xx = [r for r in results if r.outcome.startswith("4xx") and r.detail]
    report: dict[str, Any] = {
        "minutes": minutes,
        "capacity_audio_s_per_s": round(capacity, 3),
        "arrivals_per_s": round(rate, 3),
        "traffic_s": round(traffic_s, 1),
        "requests": len(results),
        "outcomes": dict(sorted(outcomes.items())),
        "total_s_by_kind": {
            kind: _quantiles([r.total_s for r in results if r.kind == kind and r.total_s is not None])
            for kind in sorted({r.kind for r in results})
        },
        "by_kind": {
            k: dict(Counter(r.outcome for r in results if r.kind == k)) for k in sorted({r.kind for r in results})
        },
        "ttfb_s": _quantiles([r.ttfb_s for r in complete if r.ttfb_s is not None]),
        "total_s": _quantiles([r.total_s for r in complete if r.total_s is not None]),
        "after_traffic": drained,
        "memory_mb": {
            "start": round(memory[0][1] / 2**20, 1) if memory else None,
            "plateau": round(plateau / 2**20, 1) if plateau else None,
            "end": round(end / 2**20, 1) if end else None,
            "samples": [(at, round(rss / 2**20, 1)) for at, rss in memory],
        },
        "failures": [vars(r) for r in failures[:20]],
    }
    report["goals"] = {
        "no 5xx": not any(r.outcome.startswith("5xx") for r in results),
        "no transport errors": outcomes["transport_error"] == 0,
        "no early ends": outcomes["early_end"] == 0,
        "every answer complete and decodable, a 503 before its first byte, or the 4xx asked for": not failures
        and not wrong_4xx,
        "lanes back to zero": drained["seconds"] is not None,
        "memory at the end within 10% of the plateau": plateau is not None and end is not None and end <= 1.1 * plateau,
    }
    return report


def _print(report: dict[str, Any]) -> None:
    print(f"capacity {report['capacity_audio_s_per_s']} audio s/s, {report['arrivals_per_s']} arrivals/s, "
          f"{report['requests']} requests in {report['traffic_s']} s")  # fmt: skip
    for outcome, count in report["outcomes"].items():
        print(f"  {outcome:<18} {count}")
    for kind, counts in report["by_kind"].items():
        print(f"  {kind:<12} {counts}")
    print(f"time to first byte {report['ttfb_s']}, total {report['total_s']}")
    print(f"after traffic: {report['after_traffic']}")
    memory = report["memory_mb"]
    print(f"memory MB: start {memory['start']}, plateau {memory['plateau']}, end {memory['end']}")
    for failure in report["failures"][:5]:
        print(f"  failure: {failure}")
    for goal, held in report["goals"].items():
        print(f"{'holds' if held else 'MISSED'}  {goal}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--lanes", type=int, default=1, help="lanes per worker")
    parser.add_argument("--queue-size", type=int, help="the server's KOKORO_SPEECH_QUEUE_SIZE (default: its own)")
    parser.add_argument("--load", type=float, default=2.0, help="fresh speech asked for, as a multiple of capacity")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--long-sentences", type=int, default=LONG_SENTENCES, help="sentences in a long input (10: about a minute)"
    )
    parser.add_argument(
        "--graphs-dir", type=Path, help="graphs made from the model file, kept from an earlier run (default: made anew)"
    )
    parser.add_argument("--out", type=Path, default=Path("soak.json"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kokoro-soak-") as folder:
        tmp = Path(folder)
        settings = UNTUNED_SCHEDULE | {"lanes": str(args.lanes)}
        if args.queue_size is not None:
            settings["queue_size"] = str(args.queue_size)
        if args.graphs_dir is not None:
            settings["graphs_dir"] = str(args.graphs_dir)
        env = base_env(model_home(), tmp, **settings)
        server = start_server(env, tmp / "server.log", workers=args.workers)
        try:
            lanes = args.workers * args.lanes
            report = asyncio.run(soak(server, args.minutes, args.load, lanes, args.seed, args.long_sentences))
        finally:
            server.stop()
        report["server_log_errors"] = [
            line[:300]
            for line in (tmp / "server.log").read_text().splitlines()
            if "[error" in line or "Traceback" in line
        ][:20]
    args.out.write_text(json.dumps(report, indent=1))
    _print(report)
    print(f"written to {args.out}")
    return 0 if all(report["goals"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
