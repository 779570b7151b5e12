"""Resident memory of a server and all of its worker processes (needs psutil: ``kokoro-speech[bench]``)."""

from __future__ import annotations

import contextlib
import threading

import psutil

from kokoro_speech.testing import ServerProcess

RSS_SAMPLE_S = 0.05


def rss_bytes(server: ServerProcess) -> int:
    try:
        root = psutil.Process(server.process.pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += process.memory_info().rss
    return total


def total_memory_gb() -> float:
    return round(psutil.virtual_memory().total / 2**30, 1)


class PeakRss:
    """Samples the server's resident memory in the background while a block runs."""

    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_bytes(self.server))
            self._stop.wait(RSS_SAMPLE_S)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes(self.server))
