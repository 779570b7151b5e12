"""What this process may use of the machine and where it keeps its files."""

from __future__ import annotations

import math
import os
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
"""Where the cgroup file systems are mounted (a test points it at a fake tree)."""
PROC_CGROUP = Path("/proc/self/cgroup")
"""This process's cgroup in each hierarchy."""
_V1_CPU_MOUNTS = ("cpu,cpuacct", "cpu", "cpuacct,cpu")
_UNLIMITED = "max"


def cpu_count() -> int:
    """The cores this process may run on: the CPUs it may be scheduled on, fewer where its cgroup's CPU quota
    (a container's ``--cpus``, a pod's CPU limit) allows less time than that, rounded up and at least one."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    quota = cgroup_cpu_quota()
    return max(1, min(cores, math.ceil(quota))) if quota is not None else cores


def cgroup_cpu_quota(root: Path | None = None, proc_cgroup: Path | None = None) -> float | None:
    """The CPUs' worth of time this process's cgroup (or the tightest of its ancestors) may use per period, from
    cgroup v2's ``cpu.max`` or cgroup v1's CFS quota; None where nothing limits it or there are no cgroups."""
    root = CGROUP_ROOT if root is None else root
    own = _own_cgroups(PROC_CGROUP if proc_cgroup is None else proc_cgroup)
    quotas = [
        *(_v2_quota(folder) for folder in _folders(root, own.get("", "/"))),
        *(
            _v1_quota(folder)
            for mount in _V1_CPU_MOUNTS
            if (root / mount).is_dir()
            for folder in _folders(root / mount, own.get(mount, "/"))
        ),
    ]
    limits = [quota for quota in quotas if quota is not None]
    return min(limits) if limits else None


def _own_cgroups(proc_cgroup: Path) -> dict[str, str]:
    """This process's cgroup path per hierarchy: ``""`` for the v2 one, the controllers (``"cpu,cpuacct"``)
    for v1's."""
    try:
        lines = proc_cgroup.read_text().splitlines()
    except OSError:
        return {}
    own = {}
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) == 3:
            own[parts[1]] = parts[2]
    return own


def _folders(mount: Path, own: str) -> list[Path]:
    """The cgroup folders that bound this process: its own and each ancestor up to the mount. Inside a container
    the path in /proc may name a folder the container cannot see; then the mount itself is its cgroup."""
    folder = mount / own.lstrip("/")
    if not folder.is_dir():
        return [mount]
    return [folder, *(parent for parent in folder.parents if parent.is_relative_to(mount))]


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except OSError:
        return None


def _v2_quota(folder: Path) -> float | None:
    text = _read(folder / "cpu.max")
    if not text:
        return None
    quota, _, period = text.partition(" ")
    if quota == _UNLIMITED or not period:
        return None
    return _ratio(quota, period)


def _v1_quota(folder: Path) -> float | None:
    quota, period = _read(folder / "cpu.cfs_quota_us"), _read(folder / "cpu.cfs_period_us")
    if quota is None or period is None:
        return None
    return _ratio(quota, period)


def _ratio(quota: str, period: str) -> float | None:
    """Quota over period; None for v1's -1 (unlimited) or anything unreadable."""
    try:
        time, per = int(quota), int(period)
    except ValueError:
        return None
    return time / per if time > 0 and per > 0 else None


def cpu_flags() -> set[str]:
    """The CPU's feature flags as Linux's /proc/cpuinfo lists them ("avx512_bf16", "asimd"); empty elsewhere."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    flags: set[str] = set()
    for line in text.splitlines():
        if line.startswith(("flags", "Features")):
            flags.update(line.split(":", 1)[1].split())
    return flags


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
