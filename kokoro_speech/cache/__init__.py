"""The result cache (``results``) and its default store, one SQLite file shared by the workers (``sqlite``).

Registering another Litestar store (Redis, for several machines) under the configured name
replaces the SQLite file.
"""

from kokoro_speech.cache.results import MAX_ENTRY_SHARE, CachedSpeech, ClaimingStore, ResultCache, fingerprint
from kokoro_speech.cache.sqlite import SQLiteStore

__all__ = ["MAX_ENTRY_SHARE", "CachedSpeech", "ClaimingStore", "ResultCache", "SQLiteStore", "fingerprint"]
