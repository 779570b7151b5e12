"""What the bench holds the server to, against kokoro-onnx's own ``create()`` in the same run.

Two sets, by the CPU: where it computes in bf16 (AVX-512 BF16 or AMX) the server is to be twice as fast as the
library, elsewhere clearly faster; the memory goal allows for what a bf16 runtime costs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Goals:
    short: float
    """A short sentence's whole body, at most this ratio of the library's latency."""
    first_byte: float
    """A stream's first byte, at most this ratio of the library's time for the whole text."""
    throughput: float
    """Four clients' throughput, at least this ratio of the library's serial throughput."""
    fairness: float
    """A short stream's first byte during three long ones, at most this ratio of its idle first byte."""
    long_stream: float
    """One long stream start to end, at most this ratio of the library's time for the whole text."""
    memory_mb: int
    """Peak resident memory of the whole one-worker server."""


BF16 = Goals(short=0.70, first_byte=0.10, throughput=2.0, fairness=2.0, long_stream=0.50, memory_mb=1000)
ELSEWHERE = Goals(short=1.00, first_byte=0.15, throughput=1.25, fairness=2.0, long_stream=0.80, memory_mb=800)


def goals_for(bf16_units: bool) -> Goals:
    """The goals for a CPU with bf16 units or without, whatever path the server chose on it."""
    return BF16 if bf16_units else ELSEWHERE
