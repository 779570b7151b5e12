"""Long-form jobs on a real queue: a server and two ``kokoro-speech worker`` processes sharing a real Redis and
the jobs' folder. A worker is SIGKILLed at 30% of a four-chapter book: only its piece is lost, taken back once
its lease runs out and made by the other worker; the book comes out whole, its chapters marked and titled, its
captions timed over the whole file. Cancel and delete go through the same processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import msgspec
import pytest
import webvtt

from kokoro_speech.jobs.records import Lease
from tests.support import EVENT_TIMEOUT_S, FIGURES, UNTUNED_SCHEDULE, Server, base_env, start_server, wait_for
from tests.support.jobs import (
    BOOK,
    CHAPTERS,
    EventReader,
    chapters_of,
    progress_never_goes_back,
    status,
    submit,
    wait_until,
)
from tests.support.metrics import samples, value
from tests.support.redis_server import RedisServer

LEASE_S = 3
"""A short lease, so that the killed worker's piece is taken back within seconds of the test."""
JOBS = {
    "jobs_lease_seconds": str(LEASE_S),
    "jobs_reap_seconds": "0.5",
    "jobs_poll_seconds": "0.2",
    "jobs_piece_chars": "200",
    # Two workers on two cores: one thread each.
    "intra_op_threads": "1",
}


@dataclass
class Cluster:
    server: Server
    workers: list[subprocess.Popen[bytes]]
    jobs_dir: Path
    logs: list[Path]

    def holder(self, job_id: str) -> subprocess.Popen[bytes] | None:
        """A worker making a piece of the job now (by its lease), if one is."""
        pids = {worker.pid: worker for worker in self.workers if worker.poll() is None}
        for path in (self.jobs_dir / job_id / "lease").glob("*.json"):
            try:
                lease = msgspec.json.decode(path.read_bytes(), type=Lease)
            except (FileNotFoundError, msgspec.DecodeError):
                continue
            pid = int(lease.worker.rsplit(":", 1)[1]) if ":" in lease.worker else 0
            made = (self.jobs_dir / job_id / "done" / path.name).exists()
            if lease.state == "running" and path.stem != "book" and pid in pids and not made:
                return pids[pid]
        return None


@pytest.fixture(scope="module")
def cluster(home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    tmp = tmp_path_factory.mktemp("jobs-cluster")
    redis = RedisServer(tmp).start()
    jobs_dir = tmp / "jobs"
    env = base_env(home, tmp, **UNTUNED_SCHEDULE, redis_url=redis.url, jobs_dir=str(jobs_dir), **JOBS)
    server = start_server(env, tmp / "server.log", workers=1)
    workers, logs = [], []
    for n in range(2):
        logs.append(tmp / f"worker-{n}.log")
        with logs[-1].open("wb") as out:
            command = [sys.executable, "-m", "kokoro_speech.server.cli", "worker"]
            workers.append(subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT))
    for log in logs:
        wait_for(_taking_work(log), f"{log.name} ready")
    yield Cluster(server, workers, jobs_dir, logs)
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=30)
    server.stop()
    redis.stop()


def _taking_work(log: Path) -> Callable[[], bool]:
    return lambda: b"job worker taking work" in log.read_bytes()


def test_a_worker_killed_at_30_percent_costs_only_its_piece_and_the_book_comes_out_whole(
    cluster: Cluster, tmp_path: Path
) -> None:
    url = cluster.server.url
    job = submit(url, input=BOOK, input_format="markdown", voice="af_heart", model="tts-1")
    # Two idle workers may take its first pieces before it is answered: queued, or running already.
    assert job["object"] == "audio.job" and job["status"] in ("queued", "running")
    assert (job["progress"] is None) == (job["status"] == "queued")
    assert [c["title"] for c in job["chapters"]] == list(CHAPTERS)
    events = EventReader(url, job["id"])
    events.start()
    seen: list[dict[str, object]] = []

    def at_30_percent_with_a_piece_in_hand(found: dict[str, object]) -> bool:
        return (found["progress"] or 0) >= 0.3 and cluster.holder(job["id"]) is not None  # type: ignore[operator]

    wait_until(url, job["id"], at_30_percent_with_a_piece_in_hand, "30% with a piece in a worker's hands", seen)
    victim = cluster.holder(job["id"])
    assert victim is not None
    victim.send_signal(signal.SIGKILL)
    killed_at = time.monotonic()
    victim.wait()
    redone = wait_until(url, job["id"], lambda s: s["pieces"]["redone"] >= 1, "the piece taken back", seen)
    FIGURES.append(f"jobs: a killed worker's piece taken back {time.monotonic() - killed_at:.1f} s after the kill")
    done = wait_until(url, job["id"], lambda s: s["status"] == "completed", "the job completed", seen)
    events.join(EVENT_TIMEOUT_S)

    # Progress polled and streamed never went back, and the events ran to the end.
    progress_never_goes_back(seen)
    progress_never_goes_back(events.statuses)
    assert events.statuses[-1]["status"] == "completed" and set(events.events) == {"job"}
    assert redone["pieces"]["redone"] >= 1 and done["pieces"]["made"] == done["pieces"]["total"]
    assert done["progress"] == 1 and done["estimated_seconds_left"] is None

    # Every chapter once, in order, titled as its heading; the book as long as its chapters.
    chapters = done["chapters"]
    assert [c["title"] for c in chapters] == list(CHAPTERS)
    assert all(c["status"] == "completed" and c["duration"] > 3 for c in chapters)
    book = tmp_path / "book.m4b"
    response = httpx.get(f"{url}/v1/audio/jobs/{job['id']}/content", timeout=60)
    assert response.status_code == 200 and response.headers["content-type"].startswith("audio/mp4")
    book.write_bytes(response.content)
    file_format, *marks = chapters_of(book)
    assert [m["tags"]["title"] for m in marks] == list(CHAPTERS)
    lengths = [float(m["end_time"]) - float(m["start_time"]) for m in marks]
    duration = float(file_format["duration"])
    assert abs(sum(lengths) - duration) <= 0.1 * duration
    assert abs(sum(c["duration"] for c in chapters) - duration) <= 0.1 * duration
    for mark, chapter in zip(marks, chapters, strict=True):
        assert abs(float(mark["start_time"]) - chapter["start"]) < 0.01

    # Captions timed over the whole file: cues in every chapter, none past the end.
    captions = httpx.get(f"{url}/v1/audio/jobs/{job['id']}/captions", params={"format": "vtt"}, timeout=30)
    assert captions.status_code == 200 and captions.headers["content-type"].startswith("text/vtt")
    cues = webvtt.from_string(captions.text).captions
    for mark in marks:
        start, end = float(mark["start_time"]), float(mark["end_time"])
        assert any(start <= c.start_in_seconds < end for c in cues), f"no caption in {mark['tags']['title']}"
    assert cues[-1].end_in_seconds <= duration + 0.05

    # The operator sees the piece that was redone.
    scrape = samples(httpx.get(f"{url}/metrics", timeout=30).text)
    assert value(scrape, "kokoro_speech_job_pieces_redone_total") >= 1


def test_a_running_job_is_cancelled_then_deleted(cluster: Cluster) -> None:
    url = cluster.server.url
    job = submit(url, input=BOOK * 3, input_format="markdown", response_format="mp3")
    running = wait_until(url, job["id"], lambda s: s["status"] == "running", "the job running")
    assert running["progress"] is not None
    cancelled = httpx.delete(f"{url}/v1/audio/jobs/{job['id']}", timeout=30)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    made = status(url, job["id"])["pieces"]["made"]
    time.sleep(2 * LEASE_S)  # long enough for several pieces, had it gone on
    after = status(url, job["id"])
    assert after["status"] == "cancelled" and after["pieces"]["made"] <= made + 1
    content = httpx.get(f"{url}/v1/audio/jobs/{job['id']}/content", timeout=30)
    assert content.status_code == 409 and content.json()["error"]["code"] == "job_not_completed"
    deleted = httpx.delete(f"{url}/v1/audio/jobs/{job['id']}", timeout=30)
    assert deleted.json() == {"id": job["id"], "deleted": True, "object": "audio.job.deleted"}
    assert httpx.get(f"{url}/v1/audio/jobs/{job['id']}", timeout=30).status_code == 404
    listed = httpx.get(f"{url}/v1/audio/jobs", timeout=30).json()
    assert job["id"] not in {j["id"] for j in listed["data"]}
    assert not (cluster.jobs_dir / job["id"]).exists()
    assert os.path.isdir(cluster.jobs_dir)
