"""Fields of a request body that change nothing, named so that a typo or an option this server lacks is seen.

A JSON body may hold fields its schema does not know (OpenAI's SDK and the tools built on it pass extra ones
through), and those are decoded away. Each is named in the ``X-Ignored-Fields`` header of the answer, and
logged once per field name for each worker, so a client's author finds it and an operator's log is not flooded.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec
import structlog

IGNORED_FIELDS_HEADER = "X-Ignored-Fields"
MAX_REPORTED_FIELDS = 16
"""Most names in the header; more are counted, not listed."""
MAX_NAME_CHARS = 64
"""Longest a name is shown: a field name is at most 128 characters (the body check), escaped up to four times."""
MAX_LOGGED_NAMES = 1024
"""Distinct names logged by one worker, so that a client that invents names cannot fill the log."""

log = structlog.get_logger("kokoro_speech")
_logged: set[str] = set()


def unknown_fields(document: Any, schema: type[msgspec.Struct]) -> list[str]:
    """The top-level fields of ``document`` that ``schema`` does not have."""
    if not isinstance(document, dict):
        return []
    known = set(schema.__struct_fields__)
    return sorted(key for key in document if key not in known)


def ignored_headers(names: Iterable[str], route: str) -> dict[str, str]:
    """The header naming ``names`` (none where there are none), each logged the first time this worker meets it."""
    # Escaped: a name is the client's text, and a header or a log line must stay one line of ASCII.
    ignored = sorted({_shown(name) for name in names})
    if not ignored:
        return {}
    for name in ignored:
        if name not in _logged and len(_logged) < MAX_LOGGED_NAMES:
            _logged.add(name)
            log.warning("a request field is ignored", field=name, route=route)
    listed = ignored[:MAX_REPORTED_FIELDS]
    more = len(ignored) - len(listed)
    return {IGNORED_FIELDS_HEADER: ", ".join(listed) + (f", and {more} more" if more else "")}


def _shown(name: str) -> str:
    """One line of ASCII (a header and a log line must be), cut short."""
    escaped = name.encode("unicode_escape").decode("ascii").replace(",", "\\x2c")
    return escaped if len(escaped) <= MAX_NAME_CHARS else escaped[: MAX_NAME_CHARS - 3] + "..."
