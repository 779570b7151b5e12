"""The result cache: finished responses, keyed on everything that changes their bytes.

Entries live in a Litestar :class:`~litestar.stores.base.Store`. The cache only ever saves
work: a store that fails or holds something unreadable is treated as a miss, never as a
failed request, and reported once per episode (:class:`~kokoro_speech.cache.health.StoreHealth`).
Packing an entry (joining up to tens of MiB and msgpack) and unpacking a hit run on a thread,
not on the event loop. A hit holds the entry it read until its client has it all: hits are
admitted within a worker's :class:`~kokoro_speech.cache.budget.MemoryBudget`, by the entry's size
asked of the store before the entry is read.
"""

from __future__ import annotations

import asyncio
import hashlib
import weakref
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

import msgspec
from litestar.stores.base import Store

from kokoro_speech.cache.budget import MemoryBudget
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


class StoredSpeech(msgspec.Struct, array_like=True):
    """An entry as read back: its audio a view of the bytes the store gave, not a second copy of them."""

    audio: memoryview
    input_tokens: int
    audio_samples: int
    words: list[SpokenWord] = msgspec.field(default_factory=list)


class Hit:
    """An entry read for a response, and the share of the memory budget it holds until :meth:`release`."""

    def __init__(self, entry: StoredSpeech, release: Callable[[], None] = lambda: None) -> None:
        self.entry = entry
        # A response that is dropped without being closed still gives its share back.
        self._finalizer = weakref.finalize(self, release)

    def release(self) -> None:
        self._finalizer()


@runtime_checkable
class SizedStore(Protocol):
    """A store that can tell an entry's size without reading it (see :class:`SQLiteStore`)."""

    async def size_of(self, key: str) -> int | None: ...


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


def _unpack(raw: bytes) -> StoredSpeech:
    return msgspec.msgpack.decode(raw, type=StoredSpeech)


class ResultCache:
    def __init__(
        self, store: Store, ttl_seconds: int, max_entry_bytes: int, fingerprint: str, budget: MemoryBudget
    ) -> None:
        self.store = store
        self.budget = budget
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

    async def hit(self, key: str) -> Hit | None:
        """The entry of ``key`` once the memory it takes fits in the budget; None on a miss."""
        size = await self._size(key)
        if size is None:
            return None
        taken = await self.budget.acquire(size)
        try:
            entry = await self.get(key)
        except BaseException:
            self.budget.release(taken)
            raise
        if entry is None:
            self.budget.release(taken)
            return None
        return Hit(entry, lambda: self.budget.release(taken))

    async def _size(self, key: str) -> int | None:
        """The stored size of ``key`` (the largest an entry may be where the store cannot tell); None: a miss."""
        if not isinstance(self.store, SizedStore):
            return self.max_entry_bytes
        try:
            return await self.store.size_of(key)
        except Exception as error:
            self.health.failed("read", error)
            return None

    async def get(self, key: str) -> StoredSpeech | None:
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
