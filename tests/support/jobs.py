"""Long-form jobs as their clients drive them: a book to send, submitting, waiting, reading the events and the
files' chapter marks (by ffprobe, as the players read them)."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from tests.support import EVENT_TIMEOUT_S

CHAPTERS = {
    "The Harbour": "The boats came in at dawn, low in the water with the night's catch. Gulls followed them "
    "across the bay, crying over the nets.\n\nOld Tomas tied up first, as he always did, and lit his pipe.",
    "The Market": "By nine the square was full. Fishmongers shouted their prices over each other, and the "
    "smell of the sea hung between the stalls.\n\nA girl sold lemons from a basket at the fountain.",
    "The Storm": "In the afternoon the sky turned a strange green. Shutters banged along the harbour "
    "road.\n\nEveryone hurried home before the rain, and the boats strained at their ropes.",
    "The Morning After": "The sun rose on a washed and quiet town. Nets lay drying on the sea wall.\n\n"
    "Tomas counted the boats twice, and every one of them was there.",
}
BOOK = "".join(f"# {title}\n\n{text}\n\n" for title, text in CHAPTERS.items())
ENDED = ("completed", "failed", "cancelled")


def submit(url: str, **fields: Any) -> dict[str, Any]:
    response = httpx.post(f"{url}/v1/audio/jobs", json=fields, timeout=60)
    assert response.status_code == 202, response.text
    job: dict[str, Any] = response.json()
    return job


def status(url: str, job_id: str) -> dict[str, Any]:
    response = httpx.get(f"{url}/v1/audio/jobs/{job_id}", timeout=30)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def wait_until(url: str, job_id: str, done: Any, what: str, seen: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Poll the job until ``done(status)``; every status polled goes into ``seen``."""
    deadline = time.monotonic() + EVENT_TIMEOUT_S
    while True:
        found = status(url, job_id)
        if seen is not None:
            seen.append(found)
        if done(found):
            return found
        assert found["status"] not in ENDED, f"{what}: the job ended {found['status']}: {found.get('error')}"
        assert time.monotonic() < deadline, f"{what}: not seen after {EVENT_TIMEOUT_S} s"
        time.sleep(0.2)


class EventReader(threading.Thread):
    """Reads a job's server-sent events to their end, as a browser's EventSource would."""

    def __init__(self, url: str, job_id: str) -> None:
        super().__init__(daemon=True)
        self.url, self.job_id = url, job_id
        self.statuses: list[dict[str, Any]] = []
        self.events: list[str] = []

    def run(self) -> None:
        with httpx.stream("GET", f"{self.url}/v1/audio/jobs/{self.job_id}/events", timeout=EVENT_TIMEOUT_S) as r:
            assert r.headers["content-type"].startswith("text/event-stream")
            for line in r.iter_lines():
                if line.startswith("event:"):
                    self.events.append(line.split(":", 1)[1].strip())
                elif line.startswith("data:"):
                    self.statuses.append(json.loads(line.split(":", 1)[1]))


def progress_never_goes_back(statuses: list[dict[str, Any]]) -> None:
    values = [s["progress"] for s in statuses]
    started = [v for v in values if v is not None]
    assert all(v is None for v in values[: len(values) - len(started)]), f"progress null after a number: {values}"
    assert all(0 <= a <= b <= 1 for a, b in itertools.pairwise(started)), f"progress went back: {values}"


def chapters_of(path: Path) -> list[dict[str, Any]]:
    """The chapter marks ffprobe lists, as a player sees them."""
    ffprobe = shutil.which("ffprobe")
    assert ffprobe is not None, "ffprobe (ffmpeg) is needed to read the chapter marks"
    out = subprocess.run(
        [ffprobe, "-v", "error", "-show_chapters", "-show_format", "-of", "json", str(path)],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    found: dict[str, Any] = json.loads(out)
    return [found["format"], *found["chapters"]]
