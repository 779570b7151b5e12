"""KokoroSpeechPlugin: mounts the speech API into any Litestar application.

The plugin only wires, as advanced-alchemy's plugin does: its runtime (:mod:`.runtime`) offers the
providers and the lifespan, :mod:`.routers` makes the routers from the config and the keys, and
:mod:`kokoro_speech.api.errors` answers every failure in OpenAI's shape. Its error handlers and
request log are scoped to its own routers, so a host application's routes and errors stay as their
owners wrote them, unless ``app_wide_errors`` is set.
"""

from __future__ import annotations

from pathlib import Path

from litestar.config.app import AppConfig
from litestar.exceptions import ImproperlyConfiguredException
from litestar.plugins import InitPlugin
from litestar.stores.registry import StoreRegistry

from kokoro_speech.api.access import ApiKeys
from kokoro_speech.api.access.keys import ID_SECRET_FILE, id_secret
from kokoro_speech.api.errors import exception_handlers
from kokoro_speech.api.page.routes import taken
from kokoro_speech.cache.failover import FailoverStore
from kokoro_speech.cache.sqlite import SQLiteStore
from kokoro_speech.config import SpeechConfig
from kokoro_speech.plugin.routers import routers
from kokoro_speech.plugin.runtime import SpeechRuntime

__all__ = ["KokoroSpeechPlugin", "SpeechRuntime"]


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
        errors = exception_handlers(config.scheduling.retry_after_seconds)
        for name, key in config.dependency_keys().items():
            if key in app_config.dependencies:
                raise ImproperlyConfiguredException(
                    f"the application already has a dependency '{key}': give the plugin another name for its {name} "
                    f"(SpeechConfig.{name}_dependency_key)"
                )
        app_config.state[config.state_key] = runtime
        app_config.dependencies.update(runtime.application_dependencies())
        app_config.lifespan.append(runtime.lifespan)
        app_config.route_handlers.extend(
            routers(
                config,
                self._keys(),
                runtime.dependencies(),
                errors,
                # A function, not the runtime's bound method: Litestar deep-copies routers, and a function is
                # copied as itself, where a bound method would take a copy of the runtime.
                on_edge=lambda: runtime.copy_metrics(),
                # In someone else's application the page keeps off a path the application serves itself.
                page=not taken(app_config.route_handlers, config.page.path),
            )
        )
        if config.app_wide_errors:
            for exc_type, handler in errors.items():
                app_config.exception_handlers.setdefault(exc_type, handler)
        if config.cache.enabled:
            runtime.owned_store = self._register_store(app_config)
        return app_config

    def _keys(self) -> ApiKeys | None:
        access = self.config.access
        if not access.enabled:
            return None
        secret = id_secret(access.key_id_secret, self.config.model.cache_dir / ID_SECRET_FILE)
        return ApiKeys(access.key_lines(), access.api_keys_file, secret, self._keys_reload_marker)

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
