"""GET /health (the process answers) and GET /ready (the model is loaded and warm)."""

from __future__ import annotations

from litestar import Response, get
from litestar.di import NamedDependency

from kokoro_speech.api.schemas import Health, Lanes
from kokoro_speech.runtime import SpeechRuntime


@get("/health", summary="Liveness")
async def health() -> Health:
    return Health(status="ok")


@get("/ready", summary="Readiness")
async def ready(runtime: NamedDependency[SpeechRuntime]) -> Response[Health]:
    if runtime.service is not None:
        lanes = runtime.service.engine.lanes
        stats = Lanes(
            lanes.lanes, lanes.busy, lanes.waiting, lanes.runs_started, lanes.runs_stopped, lanes.runs_preempted
        )
        return Response(Health(status="ready", lanes=stats))
    return Response(
        Health(status="loading" if runtime.error is None else "failed", detail=runtime.error),
        status_code=503,
        headers={"Retry-After": str(runtime.config.retry_after_seconds)},
    )
