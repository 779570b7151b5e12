"""Which table reads which language."""

from __future__ import annotations

from kokoro_speech.normalize.locales.french import FRENCH
from kokoro_speech.normalize.locales.hindi import HINDI
from kokoro_speech.normalize.locales.italian import ITALIAN
from kokoro_speech.normalize.locales.portuguese import PORTUGUESE
from kokoro_speech.normalize.locales.spanish import SPANISH
from kokoro_speech.normalize.locales.tables import LocaleTable

TABLES: dict[str, LocaleTable] = {table.code: table for table in (SPANISH, FRENCH, ITALIAN, PORTUGUESE, HINDI)}
# Codes people commonly send for the same languages.
_ALIASES = {"fr": "fr-fr", "pt": "pt-br", "es-es": "es", "it-it": "it", "hi-in": "hi"}


def table_for(language: str) -> LocaleTable | None:
    """The table of a language code ("es", "fr-fr", "pt_BR"...), or None where there is none."""
    code = language.strip().lower().replace("_", "-")
    return TABLES.get(_ALIASES.get(code, code))
