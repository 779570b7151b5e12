"""GET /metrics: Litestar's Prometheus controller, at the configured path and documented as the text it is."""

from __future__ import annotations

from litestar import Response, get
from litestar.plugins.prometheus import PrometheusController

from kokoro_speech.api.openapi import MetricsOperation


def metrics_controller(path: str) -> type[PrometheusController]:
    class SpeechMetrics(PrometheusController):
        @get(operation_class=MetricsOperation, summary="Prometheus metrics")
        async def get(self) -> Response:  # type: ignore[type-arg]
            return await PrometheusController.get.fn(self)  # type: ignore[no-any-return]

    SpeechMetrics.path = path
    return SpeechMetrics
