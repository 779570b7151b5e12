"""KokoroSpeechPlugin: mounts the speech API into any Litestar application."""

from __future__ import annotations

from litestar import Router
from litestar.config.app import AppConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.plugins import InitPlugin
from litestar.stores.registry import StoreRegistry

from kokoro_speech.api import catalog, health, speech
from kokoro_speech.api.errors import OpenAIError, handle_exception
from kokoro_speech.api.request_log import RequestLogMiddleware
from kokoro_speech.cache import SQLiteStore
from kokoro_speech.config import SpeechConfig
from kokoro_speech.runtime import STATE_KEY, SpeechRuntime
from kokoro_speech.service import SpeechService


def _runtime(state: State) -> SpeechRuntime:
    runtime: SpeechRuntime = state[STATE_KEY]
    return runtime


def _service(state: State) -> SpeechService:
    runtime = _runtime(state)
    if runtime.service is None:
        message = "The model is still loading; retry shortly." if runtime.error is None else runtime.error
        raise OpenAIError(
            503, message, code="model_not_ready", headers={"Retry-After": str(runtime.config.retry_after_seconds)}
        )
    return runtime.service


def _config(state: State) -> SpeechConfig:
    return _runtime(state).config


class KokoroSpeechPlugin(InitPlugin):
    """``Litestar(plugins=[KokoroSpeechPlugin(SpeechConfig(...))])``.

    Adds the OpenAI-compatible routes under ``config.api_prefix``, ``/health`` and
    ``/ready``, loads the model in the app's lifespan, registers the result cache store
    (unless the app already has a store of that name) and maps every error to OpenAI's
    JSON shape.
    """

    __slots__ = ("config",)

    def __init__(self, config: SpeechConfig | None = None) -> None:
        self.config = config or SpeechConfig.from_env()

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        config = self.config
        runtime = SpeechRuntime(config)
        app_config.state[STATE_KEY] = runtime
        dependencies = {
            "runtime": Provide(_runtime, sync_to_thread=False),
            "service": Provide(_service, sync_to_thread=False),
            "config": Provide(_config, sync_to_thread=False),
        }
        api = Router(
            path=config.api_prefix,
            route_handlers=[
                speech.create_speech,
                speech.create_timed_speech,
                speech.phonemize,
                catalog.list_models,
                catalog.get_model,
                catalog.list_voices,
            ],
            dependencies=dependencies,
            request_max_body_size=config.max_body_bytes,
            tags=["speech"],
        )
        probes = Router(
            path="/", route_handlers=[health.health, health.ready], dependencies=dependencies, tags=["health"]
        )
        app_config.route_handlers.extend([api, probes])
        app_config.lifespan.append(runtime.lifespan)
        app_config.middleware.append(RequestLogMiddleware())
        for exc_type in (Exception, HTTPException):
            app_config.exception_handlers.setdefault(exc_type, handle_exception)
        if config.result_cache:
            runtime.owned_store = self._register_store(app_config)
        return app_config

    def _register_store(self, app_config: AppConfig) -> SQLiteStore | None:
        """Register the default result store unless the application has one under that name."""
        name = self.config.result_cache_store
        store = SQLiteStore(self.config.results_db, self.config.result_cache_max_bytes)
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
