"""Resident memory of a server and all of its worker processes (needs psutil: ``kokoro-speech[bench]``)."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import psutil

from kokoro_speech.testing import ServerProcess

RSS_SAMPLE_S = 0.05


def rss_bytes(server: ServerProcess) -> int:
    total = 0
    for process in _processes(server):
        with contextlib.suppress(psutil.NoSuchProcess):
            total += process.memory_info().rss
    return total


def total_memory_gb() -> float:
    return round(psutil.virtual_memory().total / 2**30, 1)


class PeakRss:
    """The server's peak resident memory while a block runs, all of its processes together.

    On Linux the kernel keeps each process's peak (VmHWM), reset at the start of the block: the figure
    misses no short peak and costs the server nothing while it is measured. It is the sum of each
    process's own peak, so it can only overstate the peak of their sum. Elsewhere the memory is sampled
    every RSS_SAMPLE_S from a thread.
    """

    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        self.peak = 0
        self._kernel = _reset_peaks(server)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_bytes(self.server))
            self._stop.wait(RSS_SAMPLE_S)

    def __enter__(self) -> PeakRss:
        if not self._kernel:
            self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        if self._kernel:
            self.peak = max(_kernel_peaks(self.server), rss_bytes(self.server))
            return
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes(self.server))


def _processes(server: ServerProcess) -> list[psutil.Process]:
    try:
        root = psutil.Process(server.process.pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _reset_peaks(server: ServerProcess) -> bool:
    """Reset the kernel's peak of every server process; False where that cannot be done."""
    try:
        for process in _processes(server):
            Path(f"/proc/{process.pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return bool(_processes(server))


def _kernel_peaks(server: ServerProcess) -> int:
    total = 0
    for process in _processes(server):
        with contextlib.suppress(OSError, IndexError, ValueError):
            status = Path(f"/proc/{process.pid}/status").read_text()
            total += int(status.split("VmHWM:")[1].split()[0]) * 1024
    return total
