"""Which names the server answers to (the ``Host`` header): the guard against DNS rebinding.

A page on ``evil.example`` can point its own name at 127.0.0.1 and then call a local server as
same-origin; its requests still carry ``Host: evil.example``. As Ollama does, a server bound to a
loopback address answers only to its local names (``localhost``, ``*.localhost``, ``*.local``,
``*.internal``, this machine's hostname) and to IP addresses, which no rebinding can produce, plus
the hosts a setting names. A server bound to another address (``0.0.0.0`` in a container) is meant
to be reached by names only its operator knows, so it answers every name unless the setting names
some.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence
from dataclasses import dataclass

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from kokoro_speech.api.errors import OpenAIError, answer_error

LOCAL_NAMES = ("localhost",)
LOCAL_SUFFIXES = (".localhost", ".local", ".internal")
"""Names that resolve on this machine or its own network only, never through a stranger's DNS."""
EVERY_HOST = "*"
REFUSED_STATUS = 400
REFUSED = "Invalid Host header: this server does not answer to that name (see KOKORO_SPEECH_ALLOWED_HOSTS)."


def split_host(header: str) -> str:
    """The name or address of a ``Host`` header, without its port, lowercased."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    if header.count(":") == 1:
        header = header.partition(":")[0]
    return header.rstrip(".")


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def is_loopback(bind_host: str) -> bool:
    host = split_host(bind_host)
    return host in LOCAL_NAMES or (is_ip(host) and ipaddress.ip_address(host).is_loopback)


@dataclass(frozen=True)
class HostRule:
    """The names a server answers to beyond IP addresses and local names: exact, or ``*.example.com``."""

    named: tuple[str, ...] = ()
    hostname: str = ""
    """This machine's own name."""

    def allows(self, header: str) -> bool:
        host = split_host(header)
        if not host or is_ip(host) or host in LOCAL_NAMES or host.endswith(LOCAL_SUFFIXES) or host == self.hostname:
            return True
        return any(host == name or (name.startswith("*.") and host.endswith(name[1:])) for name in self.named)


def host_rule(bind_host: str, allowed: Sequence[str]) -> HostRule | None:
    """The rule for a server bound to ``bind_host`` with the setting's ``allowed`` names; None: every name."""
    names = tuple(split_host(name) if not name.startswith("*.") else name.lower() for name in allowed)
    if EVERY_HOST in names or (not names and not is_loopback(bind_host)):
        return None
    return HostRule(names, socket.gethostname().lower())


POLICY_VIOLATION = 1008


class HostCheck(ASGIMiddleware):
    """Refuses a request whose ``Host`` the rule does not allow, with 400 in OpenAI's error shape; a WebSocket
    (which a page elsewhere may open as freely, DNS rebinding included) is closed before it opens."""

    scopes = (ScopeType.HTTP, ScopeType.WEBSOCKET)

    def __init__(self, rule: HostRule) -> None:
        self.rule = rule

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        host = next((value for name, value in scope["headers"] if name == b"host"), b"")
        if self.rule.allows(host.decode("latin-1")):
            await next_app(scope, receive, send)
            return
        if scope["type"] == ScopeType.WEBSOCKET:
            await receive()  # the handshake
            await send({"type": "websocket.close", "code": POLICY_VIOLATION, "reason": REFUSED})
            return
        await answer_error(scope, receive, send, OpenAIError(REFUSED_STATUS, REFUSED, code="invalid_host"))
