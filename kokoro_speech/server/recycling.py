"""Counting a worker's requests, so that it is replaced after ``KOKORO_SPEECH_WORKER_MAX_REQUESTS``.

A long-lived worker's memory can only grow with what its libraries keep (allocator arenas,
caches); replacing it now and then returns that memory, as gunicorn's ``max_requests`` does.
"""

from __future__ import annotations

import structlog
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from kokoro_speech.server.workers import WorkerReports

log = structlog.get_logger("kokoro_speech")


class RequestBudget(ASGIMiddleware):
    """Asks `serve` once to replace this worker when its ``max_requests``-th API request has been answered.

    Only the API's requests count (``prefix``): probes and scrapes come every few seconds whatever the load, and
    would have a worker replaced while it is still starting. The count is the worker's, shared by its requests.
    """

    scopes = (ScopeType.HTTP,)

    def __init__(self, max_requests: int, reports: WorkerReports, prefix: str) -> None:
        self.max_requests = max_requests
        self.reports = reports
        self.answered = 0
        api = prefix.rstrip("/") + "/"
        self.should_bypass_for_scope = lambda scope: not scope["path"].startswith(api)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        try:
            await next_app(scope, receive, send)
        finally:
            self.answered += 1
            if self.answered == self.max_requests:
                log.info("worker due for replacement", requests=self.answered)
                self.reports.retire()
