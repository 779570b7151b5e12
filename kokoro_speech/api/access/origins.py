"""Which web pages a browser lets call the server (CORS).

A server on a user's own machine is reachable by every page the user opens, so by default only pages
served from this machine's loopback names (``localhost``, ``127.0.0.1``, ``[::1]``, any port, http or
https) may read its answers, as Ollama does; the page the server serves itself is same-origin and
needs no CORS at all. Other origins are named in a setting, ``*`` among them for every origin.
"""

from __future__ import annotations

from collections.abc import Sequence

from litestar.config.cors import CORSConfig

LOOPBACK_ORIGINS = r"https?://(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?"
"""Pages served from this machine: the ones a local server admits without being told."""
EVERY_ORIGIN = "*"


def cors_config(origins: Sequence[str], exposed_headers: Sequence[str]) -> CORSConfig:
    """CORS admitting the loopback origins and ``origins`` (``*``: every origin); a preflight from any other
    origin is refused and its requests get no ``Access-Control-Allow-Origin``, so its page cannot read them."""
    return CORSConfig(
        allow_origins=[EVERY_ORIGIN] if EVERY_ORIGIN in origins else [origin.rstrip("/") for origin in origins],
        allow_origin_regex=LOOPBACK_ORIGINS,
        expose_headers=list(exposed_headers),
    )
