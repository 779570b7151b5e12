"""`kokoro-speech bench --jobs`: what long-form jobs cost, against the same work done without them.

One server of one worker makes the jobs itself (the embedded default), with the result cache off so that every
request is made. In one run:

- throughput: a text made as one job (queued, made piece by piece, joined into an m4b with its captions),
  against the same pieces spoken by HTTP requests one after another; goal: the job within ``THROUGHPUT_GOAL``
  of the requests' time;
- memory: the server's peak resident memory while it makes a short job whole, and while it makes a long one
  (``--jobs-chars``, 500,000 by default) for ``--jobs-seconds``, then cancels it (a long book takes hours:
  what its size could cost, holding its text, cutting and queuing its pieces, reading them, is paid at once;
  the book's writing reads its pieces a block at a time, and its memory is tested flat over ten minutes of
  audio in the unit tests); goal: within ``MEMORY_GOAL_MB`` of the short one;
- fairness: a short request's first byte while a job runs on the same worker, against idle; goal: the same
  bound as the speech benchmark's fairness case.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import msgspec

from kokoro_speech.bench.goals import ELSEWHERE
from kokoro_speech.bench.live import http_first_byte
from kokoro_speech.bench.memory import PeakRss
from kokoro_speech.bench.run import machine
from kokoro_speech.bench.texts import take
from kokoro_speech.config import SpeechConfig
from kokoro_speech.jobs.pieces import cut
from kokoro_speech.testing import ServerProcess, clean_env, start_server

VOICE = "af_heart"
THROUGHPUT_GOAL = 1.10
MEMORY_GOAL_MB = 100
SHORT_JOB_CHARS = 4000
THROUGHPUT_CHARS = 8000
FAIRNESS_TEXT = "The kettle has boiled. Your tea is ready."
FAIRNESS_REPS = 5
TIMEOUT_S = 3600.0
POLL_S = 0.2


def _book(chars: int, seed: int) -> str:
    """Paragraphs of distinct sentences, about ``chars`` long, under one heading every ~20,000 characters."""
    paragraphs = take(400, chars // 400 + 1, seed)
    out: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        if index % 50 == 0:
            out.append(f"# Part {index // 50 + 1}")
        out.append(paragraph)
    return "\n\n".join(out)


def _submit(client: httpx.Client, text: str) -> str:
    response = client.post("/v1/audio/jobs", json={"input": text, "input_format": "markdown", "voice": VOICE})
    response.raise_for_status()
    job_id: str = response.json()["id"]
    return job_id


def _wait(client: httpx.Client, job_id: str, until: str = "completed", seconds: float = TIMEOUT_S) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        status: dict[str, Any] = client.get(f"/v1/audio/jobs/{job_id}").json()
        if status["status"] == until or status["status"] in ("failed", "cancelled") or time.monotonic() > deadline:
            return status
        time.sleep(POLL_S)


def throughput(client: httpx.Client, piece_chars: int) -> dict[str, float]:
    text = _book(THROUGHPUT_CHARS, seed=1)
    pieces = [piece for chapter in text.split("# ")[1:] for piece in cut(chapter.split("\n\n", 1)[1], piece_chars)]
    started = time.perf_counter()
    for piece in pieces:
        response = client.post("/v1/audio/speech", json={"input": piece, "voice": VOICE, "response_format": "mp3"})
        response.raise_for_status()
    http_s = time.perf_counter() - started
    started = time.perf_counter()
    job_id = _submit(client, text)
    status = _wait(client, job_id)
    job_s = time.perf_counter() - started
    assert status["status"] == "completed", status
    client.delete(f"/v1/audio/jobs/{job_id}")
    return {"chars": len(text), "pieces": len(pieces), "http_s": http_s, "job_s": job_s, "ratio": job_s / http_s}


def memory(client: httpx.Client, server: ServerProcess, long_chars: int, long_seconds: float) -> dict[str, float]:
    with PeakRss(server) as short_peak:
        job_id = _submit(client, _book(SHORT_JOB_CHARS, seed=2))
        assert _wait(client, job_id)["status"] == "completed"
    client.delete(f"/v1/audio/jobs/{job_id}")
    with PeakRss(server) as long_peak:
        job_id = _submit(client, _book(long_chars, seed=3))
        _wait(client, job_id, until="never", seconds=long_seconds)
        made = client.get(f"/v1/audio/jobs/{job_id}").json()["pieces"]
    client.delete(f"/v1/audio/jobs/{job_id}")
    return {
        "short_mb": short_peak.peak / 2**20,
        "long_mb": long_peak.peak / 2**20,
        "long_chars": long_chars,
        "long_pieces_made": made["made"],
        "long_pieces": made["total"],
    }


def fairness(client: httpx.Client) -> dict[str, Any]:
    idle = [http_first_byte(client, FAIRNESS_TEXT) for _ in range(FAIRNESS_REPS)]
    job_id = _submit(client, _book(SHORT_JOB_CHARS, seed=4))
    _wait(client, job_id, until="running")
    time.sleep(1.0)  # its chunks are on the lane
    busy = [http_first_byte(client, FAIRNESS_TEXT) for _ in range(FAIRNESS_REPS)]
    running = client.get(f"/v1/audio/jobs/{job_id}").json()["status"]
    client.delete(f"/v1/audio/jobs/{job_id}")
    return {"idle_s": statistics.median(idle), "busy_s": statistics.median(busy), "job_was": running}


def run(json_path: Path, long_chars: int, long_seconds: float) -> int:
    config = SpeechConfig.from_env()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="kokoro-bench-jobs-") as tmp:
        env = clean_env(**{k.removeprefix("KOKORO_SPEECH_").lower(): v for k, v in config.to_env().items()})
        env |= {
            "KOKORO_SPEECH_CACHE_DIR": tmp,
            "KOKORO_SPEECH_GRAPHS_DIR": str(config.model.made_dir),
            "KOKORO_SPEECH_RESULT_CACHE": "false",
            "KOKORO_SPEECH_JOBS_IN_SERVER": "on",
            "KOKORO_SPEECH_LOG_LEVEL": "warning",
        }
        server = start_server(env, Path(tmp) / "server.log", workers=1)
        try:
            with httpx.Client(base_url=server.url, timeout=TIMEOUT_S) as client:
                http_first_byte(client, FAIRNESS_TEXT)
                speed = throughput(client, config.jobs.piece_chars)
                fair = fairness(client)
                mem = memory(client, server, long_chars, long_seconds)
        finally:
            server.stop()
    ratio, fair_ratio = speed["ratio"], fair["busy_s"] / fair["idle_s"]
    growth = mem["long_mb"] - mem["short_mb"]
    print(f"\nthroughput: {speed['chars']:.0f} characters in {speed['pieces']:.0f} pieces")
    print(f"  HTTP requests one after another  {speed['http_s']:8.1f} s")
    print(f"  one job (queued, made, m4b)      {speed['job_s']:8.1f} s   ratio {ratio:.3f}, goal <= {THROUGHPUT_GOAL}: "
          f"{'met' if ratio <= THROUGHPUT_GOAL else 'NOT met'}")  # fmt: skip
    print(f"fairness: a short request's first byte, median of {FAIRNESS_REPS}")
    print(f"  idle                             {fair['idle_s']:8.3f} s")
    print(f"  while a job runs ({fair['job_was']})       {fair['busy_s']:8.3f} s   ratio {fair_ratio:.3f}, goal <= "
          f"{ELSEWHERE.fairness}: {'met' if fair_ratio <= ELSEWHERE.fairness else 'NOT met'}")  # fmt: skip
    print("memory: the server's peak resident memory")
    print(f"  making a {SHORT_JOB_CHARS}-character job whole   {mem['short_mb']:8.1f} MB")
    print(f"  making a {long_chars}-character job   {mem['long_mb']:8.1f} MB   ({mem['long_pieces_made']:.0f} of its "
          f"{mem['long_pieces']:.0f} pieces made in {long_seconds:.0f} s)")  # fmt: skip
    print(f"  difference {growth:+.1f} MB, goal within {MEMORY_GOAL_MB} MB: "
          f"{'met' if abs(growth) <= MEMORY_GOAL_MB else 'NOT met'}")  # fmt: skip
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_bytes(msgspec.json.encode({"throughput": speed, "fairness": fair, "memory": mem}))
    print(f"\nwrote {json_path}")
    return 0
