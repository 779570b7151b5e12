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


def lan_address() -> str:
    """The address this machine reaches the local network from (no packet is sent: a UDP socket only picks its
    route)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect((MDNS_GROUP, 1))
        address: str = probe.getsockname()[0]
        return address


def service_info(config: WyomingConfig) -> ServiceInfo | None:
    """What is announced for the config's port; None where nothing is (off, or a port only this machine reaches)."""
    if not (config.enabled and config.zeroconf):
        return None
    host, port = config.address()
    wildcard = host in ("0.0.0.0", "", "::")
    if not wildcard and ipaddress.ip_address(host).is_loopback:
        print(
            f"kokoro-speech: Wyoming listens on {host} only: not announced (set KOKORO_SPEECH_WYOMING_URI to "
            "tcp://0.0.0.0:PORT for Home Assistant on another machine)",
            file=sys.stderr,
            flush=True,
        )
        return None
    address = lan_address() if wildcard else host
    return ServiceInfo(
        SERVICE_TYPE, f"{config.zeroconf_name}.{SERVICE_TYPE}", addresses=[socket.inet_aton(address)], port=port
    )


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
        print(f"kokoro-speech: Wyoming announced as {info.name} on port {info.port}", file=sys.stderr, flush=True)
        yield
    finally:
        zeroconf.unregister_service(info)
        zeroconf.close()
