"""The Wyoming server's settings."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

from kokoro_speech.infra.settings import check_above_zero, env_of, setting

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class WyomingConfig:
    """Home Assistant's Wyoming protocol on a TCP port of its own, beside HTTP. The protocol has no
    authentication: whoever reaches the port may speak with every voice, unlimited by API keys and rate limits
    (only the lanes' admission bounds it), so it listens on loopback unless the address says otherwise."""

    uri: str = setting("", env="KOKORO_SPEECH_WYOMING_URI")
    """Where Wyoming is answered, as ``tcp://HOST:PORT`` (``tcp://0.0.0.0:10200`` for Home Assistant on another
    machine; ``tcp://:10200`` is loopback); empty: not at all. Every worker listens on it (the kernel spreads the
    connections between them)."""
    zeroconf: bool = setting(False, env="KOKORO_SPEECH_WYOMING_ZEROCONF")
    """Announce the Wyoming port on the local network (mDNS ``_wyoming._tcp``), so Home Assistant finds it."""
    zeroconf_name: str = setting("kokoro-speech", env="KOKORO_SPEECH_WYOMING_ZEROCONF_NAME")
    """The name it is announced under; Home Assistant knows the server by it, so keep it across restarts."""
    voice: str = setting("af_heart", env="KOKORO_SPEECH_WYOMING_VOICE")
    """The voice of a request that names none (Home Assistant's, until a voice is picked)."""
    send_timeout_seconds: float = setting(30.0, env="KOKORO_SPEECH_WYOMING_SEND_TIMEOUT_SECONDS")
    """Longest a connection may leave its audio unread before it counts as gone (its synthesis stops)."""

    def __post_init__(self) -> None:
        check_above_zero(self, "send_timeout_seconds")
        if self.uri:
            self.address()  # refuses a malformed one at the start

    @property
    def enabled(self) -> bool:
        return bool(self.uri)

    def address(self) -> tuple[str, int]:
        """The host and port to listen on; raises ValueError naming the variable for anything but tcp://."""
        parsed = urlparse(self.uri)
        name = env_of(WyomingConfig, "uri")
        try:
            port = parsed.port
        except ValueError:
            port = None
        if parsed.scheme != "tcp" or port is None:
            raise ValueError(f"{name} must be tcp://HOST:PORT (tcp://0.0.0.0:10200, say), got {self.uri!r}")
        return (parsed.hostname or LOOPBACK), port
