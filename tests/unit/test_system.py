"""How many cores a process may use, from its CPU affinity and its cgroup's CPU quota (a container's ``--cpus``, a
pod's CPU limit), read from a fake cgroup tree."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kokoro_speech.infra import system


def _tree(tmp_path: Path, files: dict[str, str], own: str) -> tuple[Path, Path]:
    root = tmp_path / "cgroup"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text + "\n")
    root.mkdir(exist_ok=True)
    proc = tmp_path / "proc-self-cgroup"
    proc.write_text(own)
    return root, proc


@pytest.mark.parametrize(
    ("cpu_max", "cpus"),
    [("150000 100000", 1.5), ("200000 100000", 2.0), ("50000 100000", 0.5), ("max 100000", None)],
)
def test_cgroup_v2_cpu_max_is_quota_over_period(tmp_path: Path, cpu_max: str, cpus: float | None) -> None:
    root, proc = _tree(tmp_path, {"cpu.max": cpu_max}, "0::/\n")
    assert system.cgroup_cpu_quota(root, proc) == cpus


def test_cgroup_v2_the_tightest_of_the_process_cgroup_and_its_ancestors_holds(tmp_path: Path) -> None:
    files = {"kubepods/cpu.max": "300000 100000", "kubepods/pod/cpu.max": "max 100000", "kubepods/pod/c/cpu.max": ""}
    root, proc = _tree(tmp_path, files, "0::/kubepods/pod/c\n")
    assert system.cgroup_cpu_quota(root, proc) == 3.0


def test_cgroup_v2_a_path_the_container_cannot_see_reads_the_mount_itself(tmp_path: Path) -> None:
    root, proc = _tree(tmp_path, {"cpu.max": "100000 100000"}, "0::/../../host/slice\n")
    assert system.cgroup_cpu_quota(root, proc) == 1.0


@pytest.mark.parametrize("mount", ["cpu,cpuacct", "cpu"])
def test_cgroup_v1_cfs_quota(tmp_path: Path, mount: str) -> None:
    files = {f"{mount}/docker/abc/cpu.cfs_quota_us": "250000", f"{mount}/docker/abc/cpu.cfs_period_us": "100000"}
    root, proc = _tree(tmp_path, files, f"4:memory:/docker/abc\n3:{mount}:/docker/abc\n")
    assert system.cgroup_cpu_quota(root, proc) == 2.5


def test_cgroup_v1_minus_one_is_unlimited(tmp_path: Path) -> None:
    files = {"cpu/cpu.cfs_quota_us": "-1", "cpu/cpu.cfs_period_us": "100000"}
    root, proc = _tree(tmp_path, files, "1:cpu:/\n")
    assert system.cgroup_cpu_quota(root, proc) is None


def test_no_cgroups_no_quota(tmp_path: Path) -> None:
    assert system.cgroup_cpu_quota(tmp_path / "absent", tmp_path / "absent-proc") is None


@pytest.mark.parametrize(("cpu_max", "cores"), [("150000 100000", 2), ("20000 100000", 1), ("max 100000", None)])
def test_cpu_count_rounds_the_quota_up_and_never_exceeds_the_affinity(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cpu_max: str, cores: int | None
) -> None:
    root, proc = _tree(tmp_path, {"cpu.max": cpu_max}, "0::/\n")
    monkeypatch.setattr(system, "CGROUP_ROOT", root)
    monkeypatch.setattr(system, "PROC_CGROUP", proc)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(8)))
    assert system.cpu_count() == (8 if cores is None else cores)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0})
    assert system.cpu_count() == 1
