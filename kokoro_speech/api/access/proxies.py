"""The caller's address behind a reverse proxy, for the rate limits of a server without keys.

Behind a proxy every request comes from the proxy's address, so every caller would share one count.
Only a peer the operator names as a trusted proxy may say who it forwards: then the caller is the
rightmost address of ``X-Forwarded-For`` (or of ``Forwarded``'s ``for=`` when there is no
``X-Forwarded-For``) that is not itself a trusted proxy. Addresses left of it were written by the
caller and prove nothing; a peer that is not trusted is the caller, whatever it sends.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def networks(cidrs: Sequence[str]) -> tuple[Network, ...]:
    """``10.0.0.0/8``, ``fd00::/8``, or one address; a wrong one is an error at start, naming it."""
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs if cidr.strip())


def _address(text: str) -> Address | None:
    """An address as proxies write it: bare, ``[v6]``, ``[v6]:port``, ``v4:port``, or quoted (``Forwarded``)."""
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else text
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def forwarded_for(header: str) -> list[str]:
    """The ``for=`` of each element of a ``Forwarded`` header (RFC 7239), in order."""
    hops = []
    for element in header.split(","):
        for pair in element.split(";"):
            name, _, value = pair.partition("=")
            if name.strip().lower() == "for":
                hops.append(value)
    return hops


@dataclass(frozen=True)
class TrustedProxies:
    networks: tuple[Network, ...]

    def trusts(self, address: Address | None) -> bool:
        return address is not None and any(address in network for network in self.networks)

    def client(self, peer: str, forwarded_chain: Sequence[str]) -> str:
        """The caller's address: ``peer`` itself unless it is trusted, else the rightmost hop of the chain (as
        the proxies appended it, the nearest last) that is not trusted."""
        nearest = _address(peer)
        if not self.trusts(nearest):
            return peer
        for hop in reversed(forwarded_chain):
            address = _address(hop)
            if address is None:
                # A hop that is no address (``unknown``, an obfuscated name): the proxy that wrote it is the
                # last one known, and stands for the caller.
                break
            nearest = address
            if not self.trusts(address):
                break
        return str(nearest)


class ForwardedClient(ASGIMiddleware):
    """Puts the caller's address in the scope's ``client`` where a trusted proxy forwarded the request."""

    scopes = (ScopeType.HTTP,)

    def __init__(self, proxies: TrustedProxies) -> None:
        self.proxies = proxies

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        peer = scope.get("client")
        if peer is not None and self.proxies.trusts(_address(peer[0])):
            headers = [(name, value.decode("latin-1")) for name, value in scope["headers"]]
            chain = [hop for name, value in headers if name == b"x-forwarded-for" for hop in value.split(",")]
            if not chain:
                chain = [hop for name, value in headers if name == b"forwarded" for hop in forwarded_for(value)]
            scope["client"] = (self.proxies.client(peer[0], chain), peer[1])
        await next_app(scope, receive, send)
