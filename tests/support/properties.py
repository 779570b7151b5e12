"""Settings of the property-based tests (Hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, settings


def cases(count: int) -> settings:
    """``count`` generated inputs, the same on every run (CI and a developer see the same ones), no deadline:
    the model's first run in a worker is slower than the rest."""
    return settings(max_examples=count, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
