"""Litestar's authentication middleware, checking OpenAI's ``Authorization: Bearer <key>``.

The authenticated key becomes the connection's ``user``: the rate limiter counts by it and the
request log names it by its id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp, Receive, Scope, Send

from kokoro_speech.api.access.keys import ApiKeys
from kokoro_speech.api.errors import OpenAIError, answer_error

MISSING_KEY = (
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer "
    "auth (i.e. Authorization: Bearer YOUR_KEY)."
)
WRONG_KEY = "Incorrect API key provided."


def open_paths(prefix: str) -> list[str]:
    """The catalog routes that stay open without a key, as patterns of whole paths: the prefix is taken as
    written (it may hold ``.`` or other pattern characters), and nothing may follow a route's path, or a
    longer path (another route, or one yet to come) would slip past the keys."""
    base = re.escape(prefix.rstrip("/"))
    return [rf"^{base}/models(?:/[^/]+)?\Z", rf"^{base}/audio/models\Z", rf"^{base}/audio/voices\Z"]


def presented_key(headers: Mapping[str, str]) -> str | None:
    """The key a caller sends as OpenAI's clients do (``Authorization: Bearer <key>``); None without one."""
    scheme, _, presented = headers.get("authorization", "").partition(" ")
    presented = presented.strip()
    return presented if scheme.lower() == "bearer" and presented else None


def unauthorized(message: str) -> OpenAIError:
    return OpenAIError(
        401, message, code="invalid_api_key", error_type="invalid_request_error", headers={"WWW-Authenticate": "Bearer"}
    )


class ApiKeyAuthentication(AbstractAuthenticationMiddleware):
    def __init__(self, app: ASGIApp, keys: ApiKeys, exclude: list[str] | None = None) -> None:
        super().__init__(app, exclude=exclude)
        self.keys = keys

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Litestar handles a middleware's exception outside every route middleware; answered here, a refusal
        # passes through the request log like any other answer (its status, its metrics, the worker's pid).
        try:
            await super().__call__(scope, receive, send)
        except OpenAIError as error:
            if error.code != "invalid_api_key":
                raise
            await answer_error(scope, receive, send, error)

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:  # type: ignore[type-arg]
        presented = presented_key(connection.headers)
        if presented is None:
            raise unauthorized(MISSING_KEY)
        key = self.keys.find(presented)
        if key is None:
            raise unauthorized(WRONG_KEY)
        # The key itself is not kept on the connection: nothing after this point needs it.
        return AuthenticationResult(user=key, auth=None)
