"""Settings of long-form jobs: how big a job may be, how it is cut, how a lost piece is found, how long results
are kept."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kokoro_speech.infra.settings import check_above_zero, check_range, setting

RunInServer = Literal["auto", "on", "off"]


@dataclass(frozen=True)
class JobsConfig:
    """Books and long articles as jobs (``/v1/audio/jobs``): queued on huey, over the Redis of
    ``KOKORO_SPEECH_REDIS_URL`` where one is set (``kokoro-speech worker`` processes on any machine make them),
    else over a SQLite file in ``dir`` that this server's workers share and make them themselves."""

    dir: Path | None = setting(None, env="KOKORO_SPEECH_JOBS_DIR")
    """Where jobs, their pieces and their books are written (default ``<cache dir>/jobs``). Workers on other
    machines need the same folder (a shared volume or NFS mount): they write each piece there, the server
    serves the book from there."""
    max_chars: int = setting(1_000_000, env="KOKORO_SPEECH_JOBS_MAX_CHARS")
    """Longest text of one job, in characters (a long novel is about a million)."""
    max_body_bytes: int = setting(16 * 1024 * 1024, env="KOKORO_SPEECH_JOBS_MAX_BODY_BYTES")
    """Largest body of a job request: a JSON text of ``max_chars`` in any script, or an uploaded file."""
    piece_chars: int = setting(2000, env="KOKORO_SPEECH_JOBS_PIECE_CHARS")
    """Longest piece a worker makes at once (about two minutes of speech): what a killed worker loses, and
    what lets several workers share one book. Pieces end at paragraphs or sentences, never across chapters."""
    lease_seconds: float = setting(15.0, env="KOKORO_SPEECH_JOBS_LEASE_SECONDS")
    """A piece whose worker has not been heard of for this long is made again by another (its worker renews
    the lease four times as often as this while it works)."""
    reap_seconds: float = setting(3.0, env="KOKORO_SPEECH_JOBS_REAP_SECONDS")
    """How often the server looks for pieces whose lease ran out, and for results past their time."""
    poll_seconds: float = setting(0.5, env="KOKORO_SPEECH_JOBS_POLL_SECONDS")
    """How often an idle worker asks the queue for work, and a job's event stream looks for news."""
    expire_seconds: float = setting(7 * 24 * 3600.0, env="KOKORO_SPEECH_JOBS_EXPIRE_SECONDS")
    """How long a finished, failed or cancelled job and its audio are kept before they are deleted."""
    in_server: RunInServer = setting("auto", env="KOKORO_SPEECH_JOBS_IN_SERVER")
    """Whether the server's own workers make jobs: ``auto`` does without Redis (the embedded default) and leaves
    them to ``kokoro-speech worker`` processes with it; ``on`` has them help (jobs yield to speech requests)."""

    def __post_init__(self) -> None:
        check_range(self, positive=("max_chars", "max_body_bytes", "piece_chars"))
        check_above_zero(self, "lease_seconds", "reap_seconds", "poll_seconds", "expire_seconds")
        if self.in_server not in ("auto", "on", "off"):
            raise ValueError(f"KOKORO_SPEECH_JOBS_IN_SERVER must be auto, on or off, got {self.in_server!r}")

    def runs_in_server(self, with_redis: bool) -> bool:
        return self.in_server == "on" or (self.in_server == "auto" and not with_redis)
