"""The application the server runs: ``kokoro_speech.server.app:create_app``."""

from __future__ import annotations

import dataclasses
import os

from litestar import Litestar

from kokoro_speech.api.access.hosts import HostCheck, host_rule
from kokoro_speech.api.access.origins import cors_config
from kokoro_speech.api.downloads import DOWNLOAD_PATH_HEADER, TIMING_PATH_HEADER
from kokoro_speech.api.errors import SHOULD_RETRY
from kokoro_speech.api.ignored import IGNORED_FIELDS_HEADER
from kokoro_speech.api.openapi import docs_assets, docs_config
from kokoro_speech.api.request_id import ID_HEADER, PROCESSING_HEADER, RequestIds
from kokoro_speech.config import SpeechConfig
from kokoro_speech.plugin import KokoroSpeechPlugin
from kokoro_speech.server.config import ServeConfig
from kokoro_speech.server.logs import configure_logging
from kokoro_speech.server.recycling import RequestBudget
from kokoro_speech.server.workers import WorkerReports
from kokoro_speech.version import __version__

EXPOSED_HEADERS = [
    "X-Cache",
    "X-Worker-Pid",
    "Retry-After",
    "retry-after-ms",
    SHOULD_RETRY,
    ID_HEADER,
    PROCESSING_HEADER,
    IGNORED_FIELDS_HEADER,
    DOWNLOAD_PATH_HEADER,
    TIMING_PATH_HEADER,
    *(f"x-ratelimit-{what}-{kind}" for what in ("limit", "remaining", "reset") for kind in ("requests", "tokens")),
]
"""The headers a browser's script may read: besides the audio, what tells it to wait and for how long, whether to
retry at all, the request's id to report a failure with, how long the server took, which fields changed nothing,
and where a saved response can be fetched (Kokoro-FastAPI's web page reads those)."""
DOCS_PATH = "/docs"


def create_app(config: SpeechConfig | None = None, serve: ServeConfig | None = None) -> Litestar:
    """The plugin as a whole server: CORS, the names it answers to, logging, OpenAPI at /docs, and OpenAI's
    error shape for every route, unknown ones included."""
    serve = serve or ServeConfig.from_env()
    config = dataclasses.replace(config or SpeechConfig.from_env(), app_wide_errors=True)
    configure_logging(serve)
    reports = WorkerReports.from_env(os.environ, serve.workers)
    plugin = KokoroSpeechPlugin(config, keys_reload_marker=reports.keys_marker if reports else None)
    hosts = host_rule(serve.host, config.access.host_names())
    app = Litestar(
        plugins=[plugin],
        middleware=[
            *([HostCheck(hosts)] if hosts is not None else []),
            *(
                [RequestBudget(serve.worker_max_requests, reports, config.api.prefix)]
                if reports and serve.worker_max_requests
                else []
            ),
        ],
        cors_config=cors_config(serve.origins(), EXPOSED_HEADERS),
        route_handlers=[docs_assets(DOCS_PATH)],
        openapi_config=docs_config("kokoro-speech", __version__, DOCS_PATH),
    )
    # Around everything Litestar runs (its middleware runs only once a route is found), so that every answer
    # is named: a route's, the router's own 404 and 405, a CORS preflight's, a refused host's.
    app.asgi_handler = RequestIds(app.asgi_handler, config.api.prefix)
    if reports is not None:
        plugin.runtime.worker.on_failure(reports.failed)
        plugin.runtime.worker.on_ready(lambda engine, seconds: reports.ready())
    return app
