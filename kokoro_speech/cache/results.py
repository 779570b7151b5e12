"""The result cache: finished responses, keyed on everything that changes their bytes.

Entries live in a Litestar :class:`~litestar.stores.base.Store`. The cache only ever saves
work: a store that fails or holds something unreadable is treated as a miss, never as a
failed request, and reported once per episode (:class:`~kokoro_speech.cache.health.StoreHealth`).
Packing an entry (joining up to tens of MiB and msgpack) and unpacking a hit run on a thread,
not on the event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any, Protocol, runtime_checkable

import msgspec
from litestar.stores.base import Store

from kokoro_speech.cache.health import StoreHealth
from kokoro_speech.engine.timing import SpokenWord

# An entry may take at most this share of the cache, so one long response cannot flush
# everything else out.
MAX_ENTRY_SHARE = 4
# 4: mp3 responses lost their ID3 tag, so an entry made before must not answer.
KEY_VERSION = 4


class CachedSpeech(msgspec.Struct, array_like=True):
    """What the result cache holds for one response."""

    audio: bytes
    input_tokens: int
    audio_samples: int
    words: list[SpokenWord] = msgspec.field(default_factory=list)


@runtime_checkable
class ClaimingStore(Protocol):
    """A store that can also say who is making a response (see :class:`SQLiteStore`)."""

    async def claim(self, key: str, owner: str, seconds: float) -> bool: ...
    async def renew(self, key: str, owner: str, seconds: float) -> None: ...
    async def release(self, key: str, owner: str) -> None: ...
    async def claimed(self, key: str) -> bool: ...


def fingerprint(*parts: Any) -> str:
    """A short, stable digest of what, besides the request, decides a response."""
    return hashlib.sha256(msgspec.json.encode(parts)).hexdigest()


def _pack(parts: list[bytes], input_tokens: int, audio_samples: int, words: list[SpokenWord]) -> bytes:
    return msgspec.msgpack.encode(CachedSpeech(b"".join(parts), input_tokens, audio_samples, words))


def _unpack(raw: bytes) -> CachedSpeech:
    return msgspec.msgpack.decode(raw, type=CachedSpeech)


class ResultCache:
    def __init__(self, store: Store, ttl_seconds: int, max_entry_bytes: int, fingerprint: str) -> None:
        self.store = store
        self.ttl_seconds = ttl_seconds
        self.max_entry_bytes = max_entry_bytes
        self._fingerprint = fingerprint
        self.claims: ClaimingStore | None = store if isinstance(store, ClaimingStore) else None
        """The store's claims, where it keeps them: then workers sharing it make each response once."""
        self.health = StoreHealth()

    def key(self, **request: object) -> str:
        """The key of a response given everything in the request that changes its bytes."""
        parts = (KEY_VERSION, self._fingerprint, sorted(request.items()))
        return "speech:" + hashlib.sha256(msgspec.json.encode(parts)).hexdigest()

    async def get(self, key: str) -> CachedSpeech | None:
        try:
            raw = await self.store.get(key)
            entry = None if raw is None else await asyncio.to_thread(_unpack, raw)
        except Exception as error:
            self.health.failed("read", error)
            return None
        self.health.worked("read")
        return entry

    async def put(
        self, key: str, parts: list[bytes], input_tokens: int, audio_samples: int, words: list[SpokenWord]
    ) -> None:
        """Store a finished response given as the pieces it was sent in."""
        if sum(len(part) for part in parts) > self.max_entry_bytes:
            return
        try:
            packed = await asyncio.to_thread(_pack, parts, input_tokens, audio_samples, words)
            await self.store.set(key, packed, expires_in=self.ttl_seconds)
        except Exception as error:
            self.health.failed("write", error)
            return
        self.health.worked("write")
