"""GET /health (the process answers) and GET /ready (the model is loaded and warm).

A probe needs only the status and its code, and that much ``/ready`` tells anyone. What the server runs on
(runtime, provider, fallbacks and their error text), how busy it is, and why a load failed, it tells only a
caller who may know: one with a valid key where keys are on, or one on this machine where they are off, as
Kubernetes' own ``/readyz`` keeps its detail to callers it trusts and Prometheus-style servers keep theirs
behind the same guard as their API.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from litestar import MediaType, Request, Response, get
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec

from kokoro_speech.api.access import ApiKeys
from kokoro_speech.api.access.auth import presented_key
from kokoro_speech.api.errors import never_retry, retry_headers
from kokoro_speech.api.schemas import CacheStats, Health, Lanes, ModelRunner, run_schedule
from kokoro_speech.speech.worker import SpeechWorker, WorkerState


def is_local(request: Request[Any, Any, Any]) -> bool:
    """Whether the caller is on this machine: a loopback address, or a connection with no network address at
    all (a Unix socket, an application called in process)."""
    host = request.client.host if request.client else None
    if host is None:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


def may_see_details(request: Request[Any, Any, Any], keys: ApiKeys | None) -> bool:
    if keys is None:
        return is_local(request)
    presented = presented_key(request.headers)
    return presented is not None and keys.find(presented) is not None


@get("/health", summary="Liveness", media_type=MediaType.TEXT, description="`OK` while the process answers.")
async def health() -> str:
    # Plain "OK", as Speaches answers: the Wyoming bridge (wyoming_openai) recognizes a server that lists its
    # voices on its model objects by exactly this answer.
    return "OK"


@get(
    "/ready",
    summary="Readiness",
    responses={
        500: ResponseSpec(
            Health,
            description="The model failed to load, for good (`x-should-retry: false`); `detail` says why (to a "
            "caller who may see details).",
            generate_examples=False,
        ),
        503: ResponseSpec(
            Health,
            description="The model is still loading; `Retry-After` (`retry-after-ms`) says when to ask again.",
            generate_examples=False,
        ),
    },
    description="The status for anyone; the model, lanes and cache to a caller with a valid key (keys on) or "
    "on this machine (keys off).",
)
async def ready(
    worker: NamedDependency[SpeechWorker], request: Request[Any, Any, Any], access_keys: NamedDependency[ApiKeys | None]
) -> Response[Health]:
    service = worker.service
    details = may_see_details(request, access_keys)
    if service is not None and not details:
        return Response(Health(status="ready"))
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
        # Permanent: no Retry-After, and OpenAI's clients are told not to retry (they would retry any 500).
        return Response(
            Health(status="failed", detail=worker.failure if details else None, code="model_load_failed"),
            status_code=500,
            headers=never_retry(),
        )
    return Response(Health(status="loading"), status_code=503, headers=retry_headers(worker.retry_after_seconds))
