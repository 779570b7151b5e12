"""The benchmark cases. Every figure is a ratio against raw kokoro-onnx measured in the same run,
the two alternated, median of several repetitions, because the machine is shared and noisy."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from kokoro_onnx import Kokoro

from kokoro_speech.bench.memory import PeakRss
from kokoro_speech.bench.texts import take
from kokoro_speech.testing import ServerProcess

SAMPLE_RATE = 24000
PCM_BYTES_PER_SECOND = SAMPLE_RATE * 2
VOICE = "af_heart"
LANGUAGE = "en-us"
HTTP_TIMEOUT_S = 300
IDLE_POLL_S = 0.02


@dataclass(frozen=True)
class Sizes:
    """How much each case asks for."""

    short_chars: int = 50
    paragraph_chars: int = 700
    throughput_chars: int = 150
    throughput_clients: int = 4
    requests_per_client: int = 2
    long_streams: int = 3
    cache_hit_chars: int = 170
    """About ten seconds of speech."""
    cache_hits: int = 30


FULL = Sizes()
SMOKE = Sizes(
    paragraph_chars=150,
    throughput_chars=60,
    throughput_clients=2,
    requests_per_client=1,
    long_streams=1,
    cache_hit_chars=60,
    cache_hits=3,
)
"""Every case once on small inputs: shows the benchmark runs, measures nothing worth quoting."""


@dataclass
class CaseResult:
    case: str
    metric: str
    server: float | None
    raw: float | None
    ratio: float | None
    goal: str
    holds: bool | None
    note: str = ""
    spread: list[float] | None = None
    """The ratio of each repetition (server against raw in the same repetition), where the sides pair up."""


def median(values: list[float]) -> float:
    return statistics.median(values)


def ratios(server: list[float], raw: list[float]) -> list[float]:
    return [round(s / r, 3) for s, r in zip(server, raw, strict=True)]


class Measure:
    """Timed calls into the server and into raw kokoro-onnx."""

    def __init__(
        self, server: ServerProcess, raw: Kokoro, sizes: Sizes = FULL, headers: dict[str, str] | None = None
    ) -> None:
        """``headers``: sent with every request (an API key, where the server wants one)."""
        self.server = server
        self.raw = raw
        self.sizes = sizes
        self.headers = headers or {}
        self.client = self.new_client()

    def new_client(self) -> httpx.Client:
        """A client of its own (one connection per simulated caller)."""
        return httpx.Client(base_url=self.server.url, timeout=HTTP_TIMEOUT_S, headers=self.headers)

    def body(self, text: str, fmt: str = "pcm", **extra: object) -> dict[str, object]:
        return {"model": "tts-1", "voice": VOICE, "input": text, "response_format": fmt, **extra}

    def server_whole(self, text: str, fmt: str = "pcm", client: httpx.Client | None = None) -> tuple[float, bytes]:
        started = time.perf_counter()
        response = (client or self.client).post("/v1/audio/speech", json=self.body(text, fmt))
        response.raise_for_status()
        return time.perf_counter() - started, response.content

    def server_ttfb(self, text: str, fmt: str = "mp3") -> float:
        """Seconds to the first audio byte of a stream on an idle server, which is idle again after."""
        ttfb = self.server_ttfb_under_load(text, fmt)
        self.wait_idle()  # the abandoned stream's work must not run into the next measurement
        return ttfb

    def server_ttfb_under_load(self, text: str, fmt: str = "mp3") -> float:
        """Seconds to the first audio byte of a stream; the rest is not waited for."""
        started = time.perf_counter()
        ttfb = None
        with self.client.stream("POST", "/v1/audio/speech", json=self.body(text, fmt)) as response:
            response.raise_for_status()
            for piece in response.iter_raw():
                if piece:
                    ttfb = time.perf_counter() - started
                    break
        if ttfb is None:
            raise RuntimeError("stream ended without audio")
        return ttfb

    def wait_idle(self) -> None:
        deadline = time.monotonic() + HTTP_TIMEOUT_S
        while time.monotonic() < deadline:
            lanes = self.server.get("/ready", headers=self.headers).json().get("lanes", {})
            if lanes.get("busy") == 0 and lanes.get("waiting") == 0:
                return
            time.sleep(IDLE_POLL_S)
        raise TimeoutError("server lanes did not become idle")

    def raw_create(self, text: str) -> tuple[float, float]:
        """Seconds for kokoro-onnx's create() of ``text`` and the seconds of audio it made."""
        started = time.perf_counter()
        audio, rate = self.raw.create(text, voice=VOICE, lang=LANGUAGE)
        return time.perf_counter() - started, len(audio) / rate

    def raw_phonemes(self, phonemes: str) -> float:
        started = time.perf_counter()
        self.raw.create(phonemes, voice=VOICE, is_phonemes=True)
        return time.perf_counter() - started

    def close(self) -> None:
        self.client.close()


def alternate(
    reps: int, server: Callable[[int], float], raw: Callable[[int], float]
) -> tuple[list[float], list[float]]:
    """Run both sides ``reps`` times, swapping which goes first every repetition."""
    server_times: list[float] = []
    raw_times: list[float] = []
    for rep in range(reps):
        if rep % 2 == 0:
            server_times.append(server(rep))
            raw_times.append(raw(rep))
        else:
            raw_times.append(raw(rep))
            server_times.append(server(rep))
    return server_times, raw_times


def short_latency(m: Measure, reps: int, goal: float) -> CaseResult:
    texts = take(m.sizes.short_chars, reps * 2, seed=100)
    # The same text on both sides, each side its own copy so the server's cache cannot help.
    s, r = alternate(reps, lambda i: m.server_whole(texts[i], "wav")[0], lambda i: m.raw_create(texts[i])[0])
    server, raw = median(s), median(r)
    return CaseResult(
        "1. short sentence, wav, whole body",
        "latency s",
        server,
        raw,
        server / raw,
        f"<= {goal:.2f}",
        server / raw <= goal,
        f"{len(texts[0])} chars",
        ratios(s, r),
    )


def first_byte(m: Measure, reps: int, first_chunk_phonemes: Callable[[str], str], goal: float) -> list[CaseResult]:
    texts = take(m.sizes.paragraph_chars, reps, seed=200)
    s, r = alternate(reps, lambda i: m.server_ttfb(texts[i]), lambda i: m.raw_create(texts[i])[0])
    first_raw = [m.raw_phonemes(first_chunk_phonemes(t)) for t in texts]
    server, raw, chunk = median(s), median(r), median(first_raw)
    return [
        CaseResult(
            f"2. time to first byte, {m.sizes.paragraph_chars}-char stream",
            "ttfb / raw whole",
            server,
            raw,
            server / raw,
            f"<= {goal:.2f}",
            server / raw <= goal,
            f"{len(texts[0])} chars",
            ratios(s, r),
        ),
        CaseResult(
            "2b. same, against raw first chunk alone",
            "ttfb / raw chunk",
            server,
            chunk,
            server / chunk,
            "report",
            None,
            "raw create() of the server's first chunk",
        ),
    ]


@dataclass(frozen=True)
class LaneUse:
    """What the server's lanes did during a stretch of wall time: running the model, and throwing runs away."""

    wall_s: float
    run_s: float
    discarded_s: float


def server_throughput(m: Measure, texts: list[str]) -> tuple[float, float, int, LaneUse]:
    """Input characters and seconds of audio made per wall second with concurrent clients, the server's
    peak RSS meanwhile, and how its lanes were used.

    Both are reported: the server and the library pad pauses differently, so the same text gives slightly
    different lengths of audio (characters count the same work on both sides; audio seconds are what a
    listener gets).
    """
    clients = m.sizes.throughput_clients
    done_chars = [0] * clients
    done_audio = [0.0] * clients
    errors: list[BaseException] = []

    def client(index: int) -> None:
        with m.new_client() as http:
            for text in texts[index::clients]:
                try:
                    _, pcm = m.server_whole(text, "pcm", client=http)
                except BaseException as error:  # reported after the threads are joined
                    errors.append(error)
                    return
                if len(pcm) < PCM_BYTES_PER_SECOND // 2:
                    errors.append(RuntimeError(f"only {len(pcm)} bytes of audio for {len(text)} characters"))
                    return
                done_chars[index] += len(text)
                done_audio[index] += len(pcm) / PCM_BYTES_PER_SECOND

    before = m.server.get("/ready", headers=m.headers).json()["lanes"]
    with PeakRss(m.server) as rss:
        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
    if errors:
        raise errors[0]
    after = m.server.get("/ready", headers=m.headers).json()["lanes"]
    use = LaneUse(
        wall, after["run_seconds"] - before["run_seconds"], after["discarded_seconds"] - before["discarded_seconds"]
    )
    return sum(done_chars) / wall, sum(done_audio) / wall, rss.peak, use


def raw_throughput(m: Measure, texts: list[str]) -> tuple[float, float]:
    started = time.perf_counter()
    audio = sum(m.raw_create(text)[1] for text in texts)
    wall = time.perf_counter() - started
    return sum(len(t) for t in texts) / wall, audio / wall


@dataclass
class ThroughputRun:
    server: list[float]
    raw: list[float]
    peak_rss: int
    server_audio: list[float]
    raw_audio: list[float]
    lanes: list[LaneUse]


def throughput(m: Measure, reps: int, seed: int = 300) -> ThroughputRun:
    count = m.sizes.throughput_clients * m.sizes.requests_per_client
    batches = [take(m.sizes.throughput_chars, count, seed=seed + 1000 * rep) for rep in range(reps)]
    peak = 0
    server_audio: list[float] = []
    raw_audio: list[float] = []
    lanes: list[LaneUse] = []

    def server(rep: int) -> float:
        nonlocal peak
        rate, audio_rate, rss, use = server_throughput(m, batches[rep])
        peak = max(peak, rss)
        server_audio.append(audio_rate)
        lanes.append(use)
        return rate

    def raw(rep: int) -> float:
        rate, audio_rate = raw_throughput(m, batches[rep])
        raw_audio.append(audio_rate)
        return rate

    s, r = alternate(reps, server, raw)
    return ThroughputRun(s, r, peak, server_audio, raw_audio, lanes)


def throughput_results(run: ThroughputRun, sizes: Sizes, goal: float) -> list[CaseResult]:
    server, raw = median(run.server), median(run.raw)
    audio_server, audio_raw = median(run.server_audio), median(run.raw_audio)
    return [
        CaseResult(
            f"3. throughput, {sizes.throughput_clients} clients, {sizes.throughput_chars}-char texts",
            "chars per s",
            server,
            raw,
            server / raw,
            f">= {goal:.2f}",
            server / raw >= goal,
            "raw is serial create()",
            ratios(run.server, run.raw),
        ),
        CaseResult(
            "3a. same, in seconds of audio",
            "audio s per s",
            audio_server,
            audio_raw,
            audio_server / audio_raw,
            f">= {goal:.2f}",
            audio_server / audio_raw >= goal,
            "the two pad pauses differently",
            ratios(run.server_audio, run.raw_audio),
        ),
        _lane_result(run.lanes),
    ]


def _lane_result(lanes: list[LaneUse]) -> CaseResult:
    """Why throughput is what it is: whether the lanes had work all the time, and how much they threw away."""
    wall = sum(use.wall_s for use in lanes)
    run = sum(use.run_s for use in lanes)
    discarded = sum(use.discarded_s for use in lanes)
    return CaseResult(
        "3b. lanes during 3",
        "lane s per wall s",
        run / wall,
        None,
        None,
        "report",
        None,
        f"{100 * discarded / max(run, 1e-9):.1f}% of it on runs thrown away (preempted or abandoned)",
    )


def long_stream(m: Measure, reps: int, goal: float) -> CaseResult:
    """One long text start to end, as a stream on an idle server, against the library's create() of it."""
    texts = take(m.sizes.paragraph_chars, reps, seed=800)
    s, r = alternate(reps, lambda i: m.server_whole(texts[i], "pcm")[0], lambda i: m.raw_create(texts[i])[0])
    server, raw = median(s), median(r)
    return CaseResult(
        f"8. one {m.sizes.paragraph_chars}-char stream, start to end",
        "seconds",
        server,
        raw,
        server / raw,
        f"<= {goal:.2f}",
        server / raw <= goal,
        f"{len(texts[0])} chars",
        ratios(s, r),
    )


def memory_result(label: str, peak: int, goal_mb: float | None) -> CaseResult:
    mb = peak / 2**20
    holds = None if goal_mb is None else mb <= goal_mb
    return CaseResult(
        label,
        "peak RSS MB",
        mb,
        None,
        None,
        f"<= {goal_mb:.0f}" if goal_mb else "report",
        holds,
        "whole server, all processes, during case 3",
    )


def fairness(m: Measure, reps: int, goal: float) -> CaseResult:
    streams = m.sizes.long_streams
    shorts = take(m.sizes.short_chars, reps * 2, seed=400)
    longs = take(m.sizes.paragraph_chars, reps * streams, seed=500)
    idle = [m.server_ttfb(shorts[2 * rep]) for rep in range(reps)]
    loaded: list[float] = []
    for rep in range(reps):
        started = [threading.Event() for _ in range(streams)]
        stop = threading.Event()

        errors: list[BaseException] = []

        def long_stream(text: str, first: threading.Event, stop: threading.Event, errors: list[BaseException]) -> None:
            try:
                with (
                    m.new_client() as http,
                    http.stream("POST", "/v1/audio/speech", json=m.body(text, "mp3")) as response,
                ):
                    response.raise_for_status()
                    for _ in response.iter_raw():
                        first.set()
                        if stop.is_set():
                            return
                raise RuntimeError("a long stream ended before the short one was measured")
            except BaseException as error:  # reported after the threads are joined
                errors.append(error)
                first.set()

        threads = [
            threading.Thread(target=long_stream, args=(longs[rep * streams + i], started[i], stop, errors))
            for i in range(streams)
        ]
        for t in threads:
            t.start()
        if not all(event.wait(HTTP_TIMEOUT_S) for event in started) or errors:
            raise RuntimeError(f"the long streams did not all start: {errors}")
        loaded.append(m.server_ttfb_under_load(shorts[2 * rep + 1]))
        stop.set()  # the long streams are closed after their next piece; their work stops with them
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
        m.wait_idle()
    ratio = median(loaded) / median(idle)
    return CaseResult(
        f"4. fairness, short stream during {streams} long ones",
        "ttfb loaded / idle",
        median(loaded),
        median(idle),
        ratio,
        f"<= {goal:.1f}",
        ratio <= goal,
        "raw column: idle ttfb",
        [round(loaded_i / idle_i, 3) for loaded_i, idle_i in zip(loaded, idle, strict=True)],
    )


def cache_hit(m: Measure) -> CaseResult:
    text = take(m.sizes.cache_hit_chars, 1, seed=600)[0]
    _, first = m.server_whole(text, "mp3")
    times = [m.server_whole(text, "mp3")[0] for _ in range(m.sizes.cache_hits)]
    ms = median(times) * 1000
    seconds = _mp3_seconds(first)
    return CaseResult(
        f"5. cache hit, {m.sizes.cache_hit_chars}-char mp3",
        "median latency ms",
        ms,
        None,
        None,
        "<= 5",
        ms <= 5,
        f"{seconds:.1f} s of audio, keep-alive client",
    )


def _mp3_seconds(data: bytes) -> float:
    import io

    import av

    with av.open(io.BytesIO(data), mode="r") as container:
        stream = container.streams.audio[0]
        samples = sum(frame.samples for frame in container.decode(stream))
        return samples / stream.codec_context.sample_rate
