"""The HTTP layer's settings: where the routes are, what they accept, who may call them, metrics and the page."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

from kokoro_speech.infra.settings import check_above_zero, check_range, comma_list, env_of, setting


@dataclass(frozen=True)
class ApiConfig:
    """Where the OpenAI-compatible routes live and what they accept."""

    prefix: str = setting("/v1", env="KOKORO_SPEECH_API_PREFIX")
    """Path prefix of the OpenAI-compatible routes."""
    max_body_bytes: int = setting(65536, env="KOKORO_SPEECH_MAX_BODY_BYTES")
    """Largest accepted request body; larger bodies get 413."""
    request_timeout_seconds: float = setting(0.0, env="KOKORO_SPEECH_REQUEST_TIMEOUT_SECONDS")
    """Longest a speech request may run: past it, its synthesis stops and its lane is freed; before the first
    byte it is answered 504, after it the stream ends there. 0: no limit."""
    cache_per_key: bool = setting(True, env="KOKORO_SPEECH_CACHE_PER_KEY")
    """Where API keys are on, keep each key's cached responses (and identical requests in flight) apart:
    otherwise one key could learn what another had synthesized, from ``X-Cache`` or from how fast a guessed
    text comes back. Off, every key shares every entry (more hits, for a team that trusts each other)."""
    max_audio_seconds: float = setting(1200.0, env="KOKORO_SPEECH_MAX_AUDIO_SECONDS")
    """Longest audio one response may have: a stream that reaches it ends there (and its synthesis stops).
    4,096 characters at the slowest speed stay within the default; it bounds what one request can make a
    worker do, whatever the input holds. It holds for each stream of text still being written too (a Wyoming
    request, a stream-input context)."""
    load_wait_seconds: float = setting(30.0, env="KOKORO_SPEECH_LOAD_WAIT_SECONDS")
    """How long a request that reaches a worker whose model is still loading waits for it before it is answered
    503 with Retry-After: a worker that replaces another loads in seconds, and its first callers should not
    pay for the handover. 0: answer 503 at once."""

    body_timeout_seconds: float = setting(10.0, env="KOKORO_SPEECH_BODY_TIMEOUT_SECONDS")
    """Longest a client may take to send a request's body once its headers are in; past it the request is
    answered 408. A slow sender never holds a lane (none is taken before the body is whole), only its
    connection, and only this long."""
    dev_unload: bool = setting(False, env="KOKORO_SPEECH_DEV_UNLOAD")
    """Whether ``POST /dev/unload`` (Kokoro-FastAPI's) may free the model's memory; off, as there: on a shared
    server it would make the next caller wait for a load."""
    download_seconds: float = setting(3600.0, env="KOKORO_SPEECH_DOWNLOAD_SECONDS")
    """How long a response saved for a download link (Kokoro-FastAPI's ``return_download_link``) is kept."""
    download_max_files: int = setting(100, env="KOKORO_SPEECH_DOWNLOAD_MAX_FILES")
    """Most saved responses kept; past it the oldest go first."""
    send_timeout_seconds: float = setting(30.0, env="KOKORO_SPEECH_SEND_TIMEOUT_SECONDS")
    """Longest a streaming response waits for its client to take more once the connection's buffers are full;
    past it the client counts as gone: the stream ends, its synthesis stops and its lane is freed. 0: wait as
    long as the connection stays open."""

    stream_input_max_contexts: int = setting(5, env="KOKORO_SPEECH_STREAM_INPUT_MAX_CONTEXTS")
    """Most contexts one ``multi-stream-input`` WebSocket may hold open (ElevenLabs' own limit is 5); each is a
    stream the lanes admitted."""

    def __post_init__(self) -> None:
        check_range(
            self,
            positive=("max_body_bytes", "stream_input_max_contexts"),
            not_negative=("request_timeout_seconds", "load_wait_seconds", "send_timeout_seconds"),
        )
        check_above_zero(self, "body_timeout_seconds", "max_audio_seconds", "download_seconds", "download_max_files")


@dataclass(frozen=True)
class AccessConfig:
    """Who may call the server: API keys, as OpenAI's clients send them (``Authorization: Bearer <key>``)."""

    api_keys: str = setting("", env="KOKORO_SPEECH_API_KEYS")
    """Accepted keys, comma-separated. With neither keys nor a keys file the server is open to every caller."""
    api_keys_file: Path | None = setting(None, env="KOKORO_SPEECH_API_KEYS_FILE")
    """A file of keys, one per line (``key rpm=60 cpm=20000`` sets that key's own limits; ``#`` starts a
    comment); reread when it changes or the server gets SIGHUP. Set, keys are required even while it is empty."""
    protect_catalog: bool = setting(False, env="KOKORO_SPEECH_PROTECT_CATALOG")
    """Require a key for the model and voice lists too; open by default, since clients such as Open WebUI
    fetch them without one."""
    allowed_hosts: str = setting("", env="KOKORO_SPEECH_ALLOWED_HOSTS")
    """Names the server answers to (the Host header) besides IP addresses and local names (localhost,
    *.localhost, *.local, *.internal, this machine's hostname), comma-separated; ``*.example.com`` names a domain's
    hosts, ``*`` every name. Unset, a server bound to a loopback address refuses other names with 400 (a page on
    another site that points its name at this machine cannot call it) and one bound elsewhere answers every
    name."""

    key_id_secret: str = setting("", env="KOKORO_SPEECH_KEY_ID_SECRET")
    """Secret the ids that name keys in logs are made with (an HMAC of the key), so that a log's reader cannot
    test guesses of a key against its id. Unset: a random one kept in <cache_dir>/key-id.secret (0600), which
    every worker and restart shares; set it to the same value on servers whose logs should agree."""

    trusted_proxies: str = setting("", env="KOKORO_SPEECH_TRUSTED_PROXIES")
    """Reverse proxies allowed to say who they forward, as addresses or CIDR ranges, comma-separated
    (``10.0.0.0/8,fd00::/8``). A request from one of them is counted, without keys, against the rightmost address
    of X-Forwarded-For (or Forwarded) that is not itself a trusted proxy; from any other peer those headers are
    ignored. Unset: every caller is its connection's address."""

    def host_names(self) -> list[str]:
        return comma_list(self.allowed_hosts)

    def __post_init__(self) -> None:
        for cidr in self.proxy_networks():
            try:
                ipaddress.ip_network(cidr, strict=False)
            except ValueError as error:
                raise ValueError(f"{env_of(type(self), 'trusted_proxies')}: {error}") from error

    def proxy_networks(self) -> list[str]:
        return comma_list(self.trusted_proxies)

    def key_lines(self) -> list[str]:
        return comma_list(self.api_keys)

    @property
    def enabled(self) -> bool:
        return bool(self.key_lines()) or self.api_keys_file is not None


@dataclass(frozen=True)
class RateLimitConfig:
    """Per caller (API key, or client address where no keys are set), per minute, shared by the workers."""

    requests_per_minute: int = setting(0, env="KOKORO_SPEECH_RATE_LIMIT_REQUESTS_PER_MINUTE")
    """Requests a caller may make per minute; 0: unlimited."""
    chars_per_minute: int = setting(0, env="KOKORO_SPEECH_RATE_LIMIT_CHARS_PER_MINUTE")
    """Input characters a caller may send per minute (OpenAI's "tokens" headers count them); 0: unlimited."""
    path: Path | None = setting(None, env="KOKORO_SPEECH_RATE_LIMIT_PATH")
    """SQLite file holding the counts every worker shares; defaults to <cache_dir>/limits.sqlite3."""

    def __post_init__(self) -> None:
        check_range(self, not_negative=("requests_per_minute", "chars_per_minute"))


@dataclass(frozen=True)
class MetricsConfig:
    """Prometheus metrics: the sum over every worker of the server, whichever answers the scrape."""

    enabled: bool = setting(True, env="KOKORO_SPEECH_METRICS")
    """Serve ``GET`` on the metrics path."""
    path: str = setting("/metrics", env="KOKORO_SPEECH_METRICS_PATH")
    """Where the metrics are served."""
    protected: bool = setting(False, env="KOKORO_SPEECH_PROTECT_METRICS")
    """Require an API key for the metrics (when keys are set)."""


@dataclass(frozen=True)
class PageConfig:
    """The page people try the server with: type, pick a voice, hear it while it is made, words lit as spoken."""

    enabled: bool = setting(True, env="KOKORO_SPEECH_PAGE")
    """Serve the page (plain HTML, CSS and JavaScript shipped in the package; nothing fetched from elsewhere)."""
    path: str = setting("/", env="KOKORO_SPEECH_PAGE_PATH")
    """Where the page is served; its files are under ``<path>/assets/``."""

    def __post_init__(self) -> None:
        if not self.path.startswith("/"):
            raise ValueError(f"{env_of(type(self), 'path')} must start with '/', got {self.path!r}")
