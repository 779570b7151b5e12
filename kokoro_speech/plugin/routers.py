"""The plugin's routers, made from its config and the API keys: the OpenAI-compatible routes under the API
prefix, ``/health`` and ``/ready``, the metrics and the page.

Every router carries the plugin's own providers, error handlers and request log, so a host application's
routes keep theirs; the keys guard the API (the model and voice lists only where the config closes them) and
the metrics where the config says so.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

from litestar import Router
from litestar.datastructures import ResponseHeader
from litestar.di import Provide
from litestar.middleware import DefineMiddleware

from kokoro_speech.api import catalog, health, jobs, kokoro_fastapi, speech
from kokoro_speech.api.access import ApiKeys
from kokoro_speech.api.access.auth import ApiKeyAuthentication, open_paths
from kokoro_speech.api.access.proxies import ForwardedClient, TrustedProxies, networks
from kokoro_speech.api.body import checked_json_request
from kokoro_speech.api.errors import ExceptionHandlers
from kokoro_speech.api.page.routes import PageSettings, page_routers
from kokoro_speech.api.request_id import RequestIds
from kokoro_speech.api.request_log import RequestLogMiddleware
from kokoro_speech.api.scrape import metrics_controller
from kokoro_speech.api.stream_input import routes as stream_input
from kokoro_speech.config import SpeechConfig


def routers(
    config: SpeechConfig,
    keys: ApiKeys | None,
    dependencies: dict[str, Provide],
    errors: ExceptionHandlers,
    on_edge: Callable[[], None],
    *,
    page: bool,
) -> list[Router]:
    """Every router of the plugin; ``on_edge`` is called as each of its requests starts and ends, and the page
    is left out where ``page`` is false (the application serves that path itself)."""
    logged = RequestLogMiddleware(on_edge=on_edge)
    proxies = config.access.proxy_networks()
    # The request is named first, so that everything after it logs under its id (in the server the whole
    # application is named already, and this one passes); then the caller's address is settled: everything
    # after it (the log, the limits) counts by it.
    named = DefineMiddleware(RequestIds, api_prefix=config.api.prefix)
    edge = [named, ForwardedClient(TrustedProxies(networks(proxies))), logged] if proxies else [named, logged]
    scoped: dict[str, Any] = {"dependencies": dependencies, "exception_handlers": errors, "middleware": edge}
    auth = _authentication(config, keys)
    guarded = scoped | {"middleware": [*edge, auth]} if auth is not None else scoped
    api = Router(
        path=config.api.prefix,
        route_handlers=[
            speech.create_speech,
            speech.create_timed_speech,
            speech.phonemize,
            catalog.list_models,
            catalog.get_model,
            catalog.list_audio_models,
            catalog.list_voices,
            kokoro_fastapi.download,
            kokoro_fastapi.combine_voices,
        ],
        request_max_body_size=config.api.max_body_bytes,
        request_class=checked_json_request(config.api.body_timeout_seconds),
        tags=["speech"],
        **guarded,
    )
    # A job's body is a book: its own size limit, JSON or an upload (its JSON is checked as the API's is).
    long_form = Router(
        path=config.api.prefix,
        route_handlers=[jobs.JobsController],
        request_max_body_size=config.jobs.max_body_bytes,
        tags=["jobs"],
        **guarded,
    )
    # Kokoro-FastAPI's development routes, where its users' code calls them, guarded as the API is.
    development = Router(
        path="/dev",
        route_handlers=[
            kokoro_fastapi.captioned_speech,
            kokoro_fastapi.dev_phonemize,
            kokoro_fastapi.generate_from_phonemes,
            kokoro_fastapi.dialogue,
            kokoro_fastapi.unload,
        ],
        request_max_body_size=config.api.max_body_bytes,
        request_class=checked_json_request(config.api.body_timeout_seconds),
        tags=["kokoro-fastapi"],
        **guarded,
    )
    # /ready shows its details to callers with a valid key: it reads the keys, but does not require one.
    with_keys = dependencies | {"access_keys": Provide(lambda: keys, sync_to_thread=False)}
    probes = scoped | {"dependencies": with_keys}
    # ElevenLabs' clients send their key as xi-api-key, or in the first message: the socket checks it itself.
    sockets = Router(
        path=config.api.prefix,
        route_handlers=[stream_input.stream_input, stream_input.multi_stream_input],
        dependencies=with_keys,
        tags=["stream-input"],
    )
    made = [
        api,
        long_form,
        development,
        sockets,
        Router(path="/", route_handlers=[health.health, health.ready], tags=["health"], **probes),
    ]
    if config.metrics.enabled:
        made.append(_metrics(config, errors, [auth] if auth is not None and config.metrics.protected else []))
    if page and config.page.enabled:
        made += page_routers(config.page, page_settings(config))
    return made


def _authentication(config: SpeechConfig, keys: ApiKeys | None) -> DefineMiddleware | None:
    if keys is None:
        return None
    # OPTIONS (CORS preflights) pass by Litestar's default; the lists stay open unless closed too.
    exclude = None if config.access.protect_catalog else open_paths(config.api.prefix)
    return DefineMiddleware(ApiKeyAuthentication, keys=keys, exclude=exclude)


def _metrics(config: SpeechConfig, errors: ExceptionHandlers, middleware: Sequence[DefineMiddleware]) -> Router:
    return Router(
        path="/",
        route_handlers=[metrics_controller(config.metrics.path)],
        tags=["metrics"],
        exception_handlers=errors,
        middleware=middleware,
        # Not logged (a scrape every few seconds would drown the log), but which worker answered.
        response_headers=[ResponseHeader(name="X-Worker-Pid", value=str(os.getpid()))],
    )


def page_settings(config: SpeechConfig) -> PageSettings:
    return PageSettings(
        api=config.api.prefix.rstrip("/"),
        max_input_chars=config.text.max_input_chars,
        keys_required=config.access.enabled,
        word_timings=config.model.word_timestamps,
    )
