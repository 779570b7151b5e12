"""The jobs' queue, on huey: over Redis where one is configured (workers on any machine take from it), else over
a SQLite file in the jobs' folder that the server's own workers share (the embedded default). One kind of task,
a unit of a job's work: a piece (its index) or the book. Both storages keep what is queued across restarts
(Redis with its persistence on); a unit a worker took and did not finish is found by its lease, not here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
from huey import RedisHuey, SqliteHuey  # type: ignore[import-untyped]
from huey.registry import Message  # type: ignore[import-untyped]
from huey.serializer import Serializer  # type: ignore[import-untyped]

from kokoro_speech.infra.config import RedisConfig

QUEUE_FILE = "queue.sqlite3"
Unit = tuple[str, int | str]
"""A job's id and one unit of its work: a piece's index, or the book."""


class JsonMessages(Serializer):  # type: ignore[misc]
    """Queue entries as JSON rather than huey's pickle: whoever can write to the Redis cannot make every worker
    run code of theirs. A unit's entry holds strings and numbers only."""

    def _serialize(self, data: Any) -> bytes:
        return msgspec.json.encode(list(data))

    def _deserialize(self, data: bytes) -> Any:
        message = Message(*msgspec.json.decode(data))
        return message._replace(args=tuple(message.args or ()))


class JobQueue:
    def __init__(self, jobs_dir: Path, redis: RedisConfig) -> None:
        self.shared = redis.enabled
        """Whether the queue is Redis's (workers elsewhere) rather than this machine's SQLite file."""
        if redis.enabled:
            self.huey: Any = RedisHuey(
                name=f"{redis.prefix}:jobs", url=redis.url, results=False, blocking=False, serializer=JsonMessages()
            )
        else:
            jobs_dir.mkdir(parents=True, exist_ok=True)
            self.huey = SqliteHuey(
                name="jobs", filename=str(jobs_dir / QUEUE_FILE), results=False, serializer=JsonMessages()
            )
        self._unit: Callable[[str, int | str], object] = self.huey.task(name="job_unit")(_not_here)

    def put(self, job_id: str, unit: int | str) -> None:
        self._unit(job_id, unit)

    def take(self) -> Unit | None:
        """The next unit of work, or None where the queue is empty (at once: a worker that stops never has a
        unit in flight between the queue and itself for long)."""
        task = self.huey.dequeue()
        if task is None:
            return None
        job_id, unit = task.args
        return str(job_id), unit

    def pending(self) -> int:
        return int(self.huey.pending_count())

    def pending_units(self) -> set[Unit]:
        """Every unit waiting in the queue (to find those it lost: a Redis restarted from an older snapshot)."""
        return {(str(task.args[0]), task.args[1]) for task in self.huey.pending()}

    def close(self) -> None:
        pool = getattr(self.huey.storage, "pool", None)
        if pool is not None:
            pool.disconnect()


def _not_here(job_id: str, unit: int | str) -> None:
    """Units are taken and made by :class:`~kokoro_speech.jobs.runner.JobRunner`, never run by huey's consumer."""
    raise RuntimeError(f"unit {unit} of {job_id} reached huey's own consumer; run `kokoro-speech worker`")
