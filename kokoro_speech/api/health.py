"""GET /health (the process answers) and GET /ready (the model is loaded and warm)."""

from __future__ import annotations

from litestar import MediaType, Response, get
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec

from kokoro_speech.api.schemas import CacheStats, Health, Lanes, ModelRunner, run_schedule
from kokoro_speech.speech.worker import SpeechWorker, WorkerState


@get("/health", summary="Liveness", media_type=MediaType.TEXT, description="`OK` while the process answers.")
async def health() -> str:
    # Plain "OK", as Speaches answers: the Wyoming bridge (wyoming_openai) recognizes a server that lists its
    # voices on its model objects by exactly this answer.
    return "OK"


@get(
    "/ready",
    summary="Readiness",
    responses={
        500: ResponseSpec(Health, description="The model failed to load; `detail` says why.", generate_examples=False),
        503: ResponseSpec(Health, description="The model is still loading.", generate_examples=False),
    },
)
async def ready(worker: NamedDependency[SpeechWorker]) -> Response[Health]:
    service = worker.service
    if service is not None:
        lanes = service.engine.lanes
        stats = Lanes(
            lanes.lanes,
            lanes.busy,
            lanes.waiting,
            lanes.runs_started,
            lanes.runs_stopped,
            lanes.runs_preempted,
            round(lanes.run_seconds, 3),
            round(lanes.discarded_seconds, 3),
        )
        cache = CacheStats(coalesced=service.coalesced) if service.cache is not None else None
        engine = service.engine
        info = engine.backend.info
        model = ModelRunner(
            info.backend,
            info.provider,
            info.variant,
            info.precision,
            engine.load_report.fallbacks,
            engine.choice,
            run_schedule(engine.schedule, engine.config.onnx.threads()),
        )
        return Response(Health(status="ready", model=model, lanes=stats, cache=cache))
    if worker.state is WorkerState.FAILED:
        # Permanent: no Retry-After, so probes and clients stop retrying.
        return Response(Health(status="failed", detail=worker.failure, code="model_load_failed"), status_code=500)
    return Response(
        Health(status="loading"),
        status_code=503,
        headers={"Retry-After": str(worker.retry_after_seconds)},
    )
