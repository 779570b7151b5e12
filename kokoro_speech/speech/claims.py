"""Making each response once across the workers that share a result store.

A worker that starts making a response claims its key in the store; workers that miss the
cache for the same key meanwhile wait for the entry instead of making it again. A claim is
renewed on a timer while its response is made and let go once it is stored or stopped; one
left by a worker that died expires. Claims only save work: a store that fails them counts in
the cache's health, and requests go on without.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable
from typing import TypeVar

from kokoro_speech.cache.health import StoreHealth
from kokoro_speech.cache.results import ClaimingStore, ResultCache, StoredSpeech

T = TypeVar("T")


async def quietly(call: Awaitable[T], failed: T, health: StoreHealth) -> T:
    try:
        result = await call
    except Exception as error:
        health.failed("claim", error)
        return failed
    health.worked("claim")
    return result


class Claim:
    """One production's claim on its key (each its own owner, so a newer one is never let go by an older)."""

    def __init__(self, store: ClaimingStore, key: str, seconds: float, health: StoreHealth) -> None:
        self.store = store
        self.health = health
        self.key = key
        self.seconds = seconds
        self.owner = uuid.uuid4().hex
        self._renewing: asyncio.Task[None] | None = None

    async def take(self) -> bool:
        """True once the claim is held (or the store failed it), False while another holds it."""
        taken = await quietly(self.store.claim(self.key, self.owner, self.seconds), True, self.health)
        if taken and self._renewing is None:
            self._renewing = asyncio.ensure_future(self._renew())
        return taken

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(self.seconds / 3)
            await quietly(self.store.renew(self.key, self.owner, self.seconds), None, self.health)

    async def release(self) -> None:
        renewing, self._renewing = self._renewing, None
        if renewing is not None:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing
        await quietly(self.store.release(self.key, self.owner), None, self.health)


async def claim_or_wait(claim: Claim, cache: ResultCache, poll_seconds: float) -> StoredSpeech | None:
    """None once ``claim`` is held: make the response. The entry, when another worker held the claim and
    stored what it made."""
    while not await claim.take():
        while await quietly(claim.store.claimed(claim.key), False, claim.health):
            await asyncio.sleep(poll_seconds)
            entry = await cache.get(claim.key)
            if entry is not None:
                return entry
        # The claim is gone: with the entry it was for, or stopped without one (then try to take it).
        entry = await cache.get(claim.key)
        if entry is not None:
            return entry
    # Held: but the entry may have been stored between this worker's miss and its claim.
    entry = await cache.get(claim.key)
    if entry is not None:
        await claim.release()
    return entry
