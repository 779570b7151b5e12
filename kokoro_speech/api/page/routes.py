"""The page's routes: its HTML, with what the script needs to know of this server, and its files."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import msgspec
from litestar import Controller, Response, Router, get
from litestar.datastructures import CacheControlHeader
from litestar.handlers import HTTPRouteHandler
from litestar.static_files import create_static_files_router

from kokoro_speech.api.config import PageConfig
from kokoro_speech.audio.formats import FORMATS
from kokoro_speech.engine.config import MAX_SPEED, MIN_SPEED

HERE = Path(__file__).parent
ASSETS = HERE / "assets"

# Everything the page loads comes from this server; audio plays from blob: URLs the script makes.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; media-src 'self' blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'"
)


class PageSettings(msgspec.Struct, rename="camel"):
    """What the page's script reads of the server, written into the HTML so it needs no request for it."""

    api: str
    max_input_chars: int
    keys_required: bool
    word_timings: bool
    """Whether to ask for word timings and captions (a server with them off refuses both)."""
    formats: list[str] = msgspec.field(default_factory=lambda: list(FORMATS))
    min_speed: float = MIN_SPEED
    max_speed: float = MAX_SPEED


@cache
def _template() -> str:
    return (HERE / "index.html").read_text(encoding="utf-8")


def render(settings: PageSettings, assets: str) -> str:
    # Inside a <script> element only "</" could end it early.
    data = msgspec.json.encode(settings).decode().replace("</", "<\\/")
    return _template().replace("%ASSETS%", assets).replace("%SETTINGS%", data)


def _paths(handler: Any, prefix: str = "") -> Iterable[str]:
    """The paths at which ``handler`` (a route handler, a router or a controller) answers GET."""
    if isinstance(handler, HTTPRouteHandler):
        if "GET" in handler.http_methods:
            yield from (_join(prefix, path) for path in handler.paths)
    elif isinstance(handler, Router):
        for route in handler.routes:
            if "GET" in getattr(route, "methods", ()):
                yield _join(prefix, route.path)
    elif isinstance(handler, type) and issubclass(handler, Controller):
        base = _join(prefix, str(vars(handler).get("path", "/")))
        for member in vars(handler).values():
            yield from _paths(member, base)


def _join(prefix: str, path: str) -> str:
    return "/" + "/".join(part for part in f"{prefix}/{path}".split("/") if part)


def taken(route_handlers: Iterable[Any], path: str) -> bool:
    """Whether the application already answers GET at ``path``: its own page there is left alone."""
    wanted = _join("", path)
    return any(wanted == found for handler in route_handlers for found in _paths(handler))


def page_routers(config: PageConfig, settings: PageSettings) -> list[Router]:
    base = config.path.rstrip("/")
    assets = f"{base}/assets"
    html = render(settings, assets)

    @get(config.path or "/", include_in_schema=False, media_type="text/html", sync_to_thread=False)
    def page() -> Response[str]:
        return Response(
            html,
            media_type="text/html",
            headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY, "Cache-Control": "no-cache"},
        )

    files = create_static_files_router(
        path=assets,
        directories=[ASSETS],
        name="kokoro_speech_page_assets",
        cache_control=CacheControlHeader(no_cache=True),
    )
    return [Router(path="/", route_handlers=[page]), files]
