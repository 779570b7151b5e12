"""KokoroSpeechPlugin: mounts the speech API into any Litestar application.

The plugin only wires: its routers (the OpenAI-compatible routes under ``api.prefix``,
``/health`` and ``/ready``, the metrics and the page), the API keys' authentication middleware on the
routes they guard, the providers its handlers and the application's own handlers receive, the
runtime's lifespan and the result store. Its error handlers and request log
are scoped to its own routers, so a host application's routes and errors stay as their
owners wrote them, unless ``app_wide_errors`` is set.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from litestar import Router
from litestar.config.app import AppConfig
from litestar.datastructures import ResponseHeader, State
from litestar.di import Provide
from litestar.exceptions import HTTPException, ImproperlyConfiguredException
from litestar.middleware import DefineMiddleware
from litestar.plugins import InitPlugin
from litestar.stores.registry import StoreRegistry

from kokoro_speech.api import catalog, health, speech
from kokoro_speech.api.access import ApiKeys
from kokoro_speech.api.access.auth import ApiKeyAuthentication
from kokoro_speech.api.access.limits import RateLimiter
from kokoro_speech.api.body import checked_json_request
from kokoro_speech.api.errors import OpenAIError, handle_exception
from kokoro_speech.api.page.routes import page_routers, taken
from kokoro_speech.api.request_log import RequestLogMiddleware
from kokoro_speech.api.scrape import metrics_controller
from kokoro_speech.cache import SQLiteStore
from kokoro_speech.cache.failover import FailoverStore
from kokoro_speech.config import SpeechConfig
from kokoro_speech.plugin.runtime import ModelLoadFailed, ModelNotReady, SpeechRuntime
from kokoro_speech.speech.service import SpeechService


class KokoroSpeechPlugin(InitPlugin):
    """``Litestar(plugins=[KokoroSpeechPlugin(SpeechConfig(...))])``."""

    __slots__ = ("_keys_reload_marker", "_runtime", "config")

    def __init__(self, config: SpeechConfig | None = None, keys_reload_marker: Path | None = None) -> None:
        """``keys_reload_marker``: a file whose change makes the keys file be reread (``serve`` touches one on
        SIGHUP)."""
        self.config = config or SpeechConfig.from_env()
        self._keys_reload_marker = keys_reload_marker
        self._runtime: SpeechRuntime | None = None

    @property
    def runtime(self) -> SpeechRuntime:
        """This application's runtime (there once the plugin is part of an application)."""
        if self._runtime is None:
            raise RuntimeError("the plugin is not part of an application yet")
        return self._runtime

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        config = self.config
        runtime = self._runtime = SpeechRuntime(config)
        app_config.state[config.state_key] = runtime
        # Litestar refuses one provider under two names: the routers' and the application's are made apart.
        own = {name: Provide(provider) for name, provider in _providers(config.state_key).items()}
        providers = _providers(config.state_key)
        # The plugin's handlers take fixed names on its own routers; the application's handlers take the
        # configured keys, so they never clash with the application's own dependencies.
        for name, key in (
            ("runtime", config.runtime_dependency_key),
            ("service", config.service_dependency_key),
            ("config", config.config_dependency_key),
        ):
            if key in app_config.dependencies:
                raise ImproperlyConfiguredException(
                    f"the application already has a dependency '{key}': give the plugin another name for its {name} "
                    f"(SpeechConfig.{name}_dependency_key)"
                )
            app_config.dependencies[key] = Provide(providers[name])
        handlers: dict[type[Exception] | int, Any] = {Exception: handle_exception, HTTPException: handle_exception}
        # A function, not the runtime's bound method: Litestar deep-copies routers, and a function is copied as
        # itself, where a bound method would take a copy of the runtime (and fail on its thread pools).
        logged = RequestLogMiddleware(on_edge=lambda: runtime.copy_metrics())
        scoped: dict[str, Any] = {"dependencies": own, "exception_handlers": handlers, "middleware": [logged]}
        guarded = scoped
        keys = self._keys()
        if keys is not None:
            prefix = config.api.prefix.rstrip("/")
            # OPTIONS (CORS preflights) pass by Litestar's default; the lists stay open unless closed too.
            open_paths = (
                []
                if config.access.protect_catalog
                else [f"^{prefix}/models", f"^{prefix}/audio/models$", f"^{prefix}/audio/voices$"]
            )
            auth = DefineMiddleware(ApiKeyAuthentication, keys=keys, exclude=open_paths or None)
            guarded = scoped | {"middleware": [logged, auth]}
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
            ],
            request_max_body_size=config.api.max_body_bytes,
            request_class=checked_json_request(config.api.body_timeout_seconds),
            tags=["speech"],
            **guarded,
        )
        probes = Router(path="/", route_handlers=[health.health, health.ready], tags=["health"], **scoped)
        app_config.route_handlers.extend([api, probes])
        # In someone else's application the page keeps off a path the application serves itself.
        if config.page.enabled and not taken(app_config.route_handlers, config.page.path):
            app_config.route_handlers.extend(page_routers(config))
        if config.metrics.enabled:
            scrape = metrics_controller(config.metrics.path)
            app_config.route_handlers.append(
                Router(
                    path="/",
                    route_handlers=[scrape],
                    tags=["metrics"],
                    exception_handlers=handlers,
                    middleware=guarded["middleware"][1:] if config.metrics.protected else [],
                    # Not logged (a scrape every few seconds would drown the log), but which worker answered.
                    response_headers=[ResponseHeader(name="X-Worker-Pid", value=str(os.getpid()))],
                )
            )
        app_config.lifespan.append(runtime.lifespan)
        if config.app_wide_errors:
            for exc_type, handler in handlers.items():
                app_config.exception_handlers.setdefault(exc_type, handler)
        if config.cache.enabled:
            runtime.owned_store = self._register_store(app_config)
        return app_config

    def _keys(self) -> ApiKeys | None:
        access = self.config.access
        if not access.enabled:
            return None
        return ApiKeys(access.key_lines(), access.api_keys_file, self._keys_reload_marker)

    def _register_store(self, app_config: AppConfig) -> SQLiteStore | FailoverStore | None:
        """Register the plugin's result store unless the application has one under that name."""
        name = self.config.cache.store
        store = self.runtime.result_store()
        if app_config.stores is None:
            app_config.stores = {name: store}
        elif isinstance(app_config.stores, StoreRegistry):
            try:
                app_config.stores.register(name, store)
            except ValueError:
                return None
        elif app_config.stores.setdefault(name, store) is not store:
            return None
        return store


def _providers(state_key: str) -> dict[str, Callable[[State], Awaitable[Any]]]:
    """The plugin's dependencies, each read from the application state (coroutines: no thread to hand off to)."""

    def current(state: State) -> SpeechRuntime:
        found: SpeechRuntime = state[state_key]
        return found

    async def runtime(state: State) -> SpeechRuntime:
        return current(state)

    async def service(state: State) -> SpeechService:
        worker = current(state)
        await worker.wait_settled(worker.config.api.load_wait_seconds)
        try:
            return worker.require_service()
        except ModelNotReady as error:
            raise OpenAIError(
                503,
                str(error),
                code="model_not_ready",
                headers={"Retry-After": str(worker.config.scheduling.retry_after_seconds)},
            ) from error
        except ModelLoadFailed as error:
            raise OpenAIError(
                500, f"The speech model could not be loaded: {error}", code="model_load_failed"
            ) from error

    async def config(state: State) -> SpeechConfig:
        return current(state).config

    async def limiter(state: State) -> RateLimiter:
        return current(state).limiter

    return {"runtime": runtime, "service": service, "config": config, "limiter": limiter}
