"""The jobs' queue, on huey: over Redis where one is configured (workers on any machine take from it), else over
a SQLite file in the jobs' folder that the server's own workers share (the embedded default). One kind of task,
a unit of a job's work: a piece (its index) or the book. Both storages keep what is queued across restarts
(Redis with its persistence on); a unit a worker took and did not finish is found by its lease, not here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from huey import RedisHuey, SqliteHuey  # type: ignore[import-untyped]

from kokoro_speech.infra.config import RedisConfig

QUEUE_FILE = "queue.sqlite3"


class JobQueue:
    def __init__(self, jobs_dir: Path, redis: RedisConfig) -> None:
        self.shared = redis.enabled
        """Whether the queue is Redis's (workers elsewhere) rather than this machine's SQLite file."""
        if redis.enabled:
            self.huey: Any = RedisHuey(name=f"{redis.prefix}:jobs", url=redis.url, results=False, blocking=False)
        else:
            jobs_dir.mkdir(parents=True, exist_ok=True)
            self.huey = SqliteHuey(name="jobs", filename=str(jobs_dir / QUEUE_FILE), results=False)
        self._unit: Callable[[str, int | str], object] = self.huey.task(name="job_unit")(_not_here)

    def put(self, job_id: str, unit: int | str) -> None:
        self._unit(job_id, unit)

    def take(self) -> tuple[str, int | str] | None:
        """The next unit of work, or None where the queue is empty (at once: a worker that stops never has a
        unit in flight between the queue and itself for long)."""
        task = self.huey.dequeue()
        if task is None:
            return None
        job_id, unit = task.args
        return str(job_id), unit

    def pending(self) -> int:
        return int(self.huey.pending_count())

    def close(self) -> None:
        pool = getattr(self.huey.storage, "pool", None)
        if pool is not None:
            pool.disconnect()


def _not_here(job_id: str, unit: int | str) -> None:
    """Units are taken and made by :class:`~kokoro_speech.jobs.runner.JobRunner`, never run by huey's consumer."""
    raise RuntimeError(f"unit {unit} of {job_id} reached huey's own consumer; run `kokoro-speech worker`")
