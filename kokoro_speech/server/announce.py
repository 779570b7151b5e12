"""The Wyoming port announced on the local network (mDNS, ``_wyoming._tcp``), as wyoming-piper announces its own,
so Home Assistant discovers the server. One process announces it, the one that runs the workers, however many
workers listen on it."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import sys
from collections.abc import Iterator

from zeroconf import ServiceInfo, Zeroconf

from kokoro_speech.wyoming_server.config import WyomingConfig

SERVICE_TYPE = "_wyoming._tcp.local."
MDNS_GROUP = "224.0.0.251"
WILDCARDS = ("0.0.0.0", "", "::")


def lan_address() -> str:
    """The address this machine reaches the local network from (no packet is sent: a UDP socket only picks its
    route)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect((MDNS_GROUP, 1))
        address: str = probe.getsockname()[0]
        return address


def service_info(config: WyomingConfig) -> ServiceInfo | None:
    """What is announced for the config's port; None where nothing is (off, a port only this machine reaches, or
    an address that cannot be worked out: said, and the server serves on unannounced)."""
    if not (config.enabled and config.zeroconf):
        return None
    host, port = config.address()
    try:
        address = ipaddress.ip_address(lan_address() if host in WILDCARDS else socket.gethostbyname(host))
    except (OSError, ValueError) as error:
        _warn(f"Wyoming not announced: no address for {host!r} ({error})")
        return None
    if address.is_loopback:
        _warn(
            f"Wyoming listens on {host} only: not announced (set KOKORO_SPEECH_WYOMING_URI to tcp://0.0.0.0:PORT "
            "for Home Assistant on another machine)"
        )
        return None
    return ServiceInfo(SERVICE_TYPE, f"{config.zeroconf_name}.{SERVICE_TYPE}", addresses=[address.packed], port=port)


def _warn(message: str) -> None:
    print(f"kokoro-speech: {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def announced(config: WyomingConfig) -> Iterator[None]:
    """Announce the Wyoming port while the block runs, where the config asks for it."""
    info = service_info(config)
    if info is None:
        yield
        return
    zeroconf = Zeroconf()
    try:
        zeroconf.register_service(info)
    except Exception as error:  # the network refused mDNS: the server still serves, unannounced
        zeroconf.close()
        _warn(f"Wyoming not announced: {error}")
        yield
        return
    _warn(f"Wyoming announced as {info.name} on port {info.port}")
    try:
        yield
    finally:
        zeroconf.unregister_service(info)
        zeroconf.close()
