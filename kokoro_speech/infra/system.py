"""What this process may use of the machine and where it keeps its files."""

from __future__ import annotations

import os
from pathlib import Path


def cpu_count() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def default_cache_dir() -> Path:
    """The per-user cache directory (XDG on Linux, the platform's own elsewhere)."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "kokoro-speech"
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "kokoro-speech" / "Cache" if base else Path.home() / ".kokoro-speech"
    if os.uname().sysname == "Darwin":
        return Path.home() / "Library" / "Caches" / "kokoro-speech"
    return Path.home() / ".cache" / "kokoro-speech"


def alive(pid: int) -> bool:
    """Whether process ``pid`` still runs."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
