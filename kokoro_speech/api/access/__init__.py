"""Who may call the server and how much: API keys and per-caller rate limits."""

from kokoro_speech.api.access.keys import ApiKey, ApiKeys, KeysFileError, key_id

__all__ = ["ApiKey", "ApiKeys", "KeysFileError", "key_id"]
