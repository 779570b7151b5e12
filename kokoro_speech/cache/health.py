"""How a failing result store is reported: one warning when it starts failing, a line when it works again.

The cache only saves work, so a store that fails (its file deleted, read-only, full or not a
database any more) is bypassed rather than failing requests. Without a record of the episode,
every request would log the same warning; with it, an operator sees one warning, the
``kokoro_speech_cache_failures_total`` metric counting each bypassed operation, and a line once
every operation that failed has worked again.
"""

from __future__ import annotations

import structlog

from kokoro_speech.infra import metrics

log = structlog.get_logger("kokoro_speech")


class StoreHealth:
    """The operations (``read``, ``write``, ``claim``) of one worker's store that failed last time they ran."""

    def __init__(self) -> None:
        self._failing: set[str] = set()

    def failed(self, operation: str, error: BaseException) -> None:
        metrics.cache_failure(operation)
        if not self._failing:
            log.warning(
                "result cache failing: requests are answered without it until it works again",
                operation=operation,
                error=repr(error),
            )
        self._failing.add(operation)

    def worked(self, operation: str) -> None:
        if operation not in self._failing:
            return
        self._failing.discard(operation)
        if not self._failing:
            log.info("result cache working again", operation=operation)
