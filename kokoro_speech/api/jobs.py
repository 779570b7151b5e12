"""Long-form jobs over HTTP: ``POST /v1/audio/jobs`` (a JSON text of up to a million characters, or an uploaded
.txt, .md or .epub), its status, its events, its book and chapters, its captions, cancel or delete, and the
caller's list. A job takes the speech request's fields; its book is m4b unless it asks for mp3, opus, flac or
wav. Jobs belong to the API key that made them (everyone's, where keys are off)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any, Literal

import msgspec
from litestar import Controller, HttpMethod, Request, Response, delete, get, post, route
from litestar.response import File, ServerSentEvent
from litestar.response.sse import ServerSentEventMessage

from kokoro_speech.api.access.limits import RateLimiter
from kokoro_speech.api.body import check_json_body
from kokoro_speech.api.errors import OpenAIError
from kokoro_speech.api.openapi import (
    JOB_ERRORS,
    BookOperation,
    CaptionsOperation,
    CreateJobOperation,
    JobEventsOperation,
    error_responses,
)
from kokoro_speech.api.schemas import SpeechRequest
from kokoro_speech.api.speech import admit, caller_key, checked_job
from kokoro_speech.audio.book import BOOK_FORMATS, book_media_type, book_suffix
from kokoro_speech.jobs.config import JobsConfig
from kokoro_speech.jobs.service import JobNotReady, JobService, QueueUnavailable
from kokoro_speech.jobs.sources import Book, SourceError, read_text, read_upload
from kokoro_speech.jobs.status import ENDED, JobStatus
from kokoro_speech.normalize.config import TextConfig
from kokoro_speech.speech.service import SpeechService

DEFAULT_FORMAT = "m4b"
UPLOAD_FIELDS = ("model", "voice", "speed", "lang", "response_format", "input_format", "title")
"""The form fields an upload may carry beside ``file`` (numbers arrive as text and are read as the JSON's)."""
EVENT_REPEAT_SECONDS = 15.0
"""The status is sent again after this long without news, so proxies keep the event stream open."""
QUEUE_RETRY_SECONDS = 5
"""What a client told the queue is away (Redis restarting) should wait."""
CAPTION_TYPES = {"vtt": "text/vtt; charset=utf-8", "srt": "application/x-subrip; charset=utf-8"}


class JobDeleted(msgspec.Struct, frozen=True):
    """What deleting an ended job answers (OpenAI's shape of a deletion); every field required, so that a client
    (and the schema's ``oneOf``) tells it from the job a cancel answers."""

    id: str
    deleted: bool
    object: Literal["audio.job.deleted"]


class JobList(msgspec.Struct, frozen=True):
    data: list[JobStatus]
    has_more: bool = False
    object: str = "list"


def _owner(request: Request[Any, Any, Any]) -> str:
    key = caller_key(request)
    return key.id if key is not None else ""


def _not_found(job_id: str) -> OpenAIError:
    return OpenAIError(404, f"No job with id '{job_id}'.", param="job_id", code="job_not_found")


async def _read_request(request: Request[Any, Any, Any], config: JobsConfig) -> tuple[dict[str, Any], Book]:
    """The request's speech fields, and its book (from ``input`` or the uploaded ``file``)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if media_type == "multipart/form-data":
            return await _read_upload(request, config)
        if media_type not in ("application/json", ""):
            raise OpenAIError(
                415,
                f"Send the job as application/json or multipart/form-data, not {media_type}.",
                code="unsupported_media_type",
            )
        # A book's body is megabytes: checked and read off the event loop.
        return await asyncio.to_thread(_read_json, await request.body(), config.max_chars)
    except SourceError as error:
        raise OpenAIError(
            415 if error.unsupported else 400,
            error.message,
            param=error.param,
            code="unsupported_file" if error.unsupported else "invalid_value",
        ) from None


def _read_json(raw: bytes, max_chars: int) -> tuple[dict[str, Any], Book]:
    check_json_body(raw)
    try:
        fields = msgspec.json.decode(raw)
    except msgspec.DecodeError as error:
        raise OpenAIError(400, f"We could not parse the JSON body of your request: {error}.") from None
    if not isinstance(fields, dict):
        raise OpenAIError(400, "The body must be a JSON object.", code="invalid_json")
    text = fields.pop("input", None)
    input_format = fields.pop("input_format", "text")
    title = _title(fields.pop("title", None))
    if not isinstance(text, str):
        raise OpenAIError(400, "'input' must be the text to speak.", param="input", code="invalid_value")
    if input_format not in ("text", "markdown"):
        raise OpenAIError(400, "'input_format' must be text or markdown.", param="input_format", code="invalid_value")
    book = read_text(text, input_format, title or "Chapter 1", max_chars=max_chars)
    return fields, _titled(book, title)


def _title(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise OpenAIError(400, "'title' must be a string.", param="title", code="invalid_value")


async def _read_upload(request: Request[Any, Any, Any], config: JobsConfig) -> tuple[dict[str, Any], Book]:
    form = await request.form()
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise OpenAIError(400, "Upload the book as the form's 'file'.", param="file", code="invalid_value")
    unknown = sorted(set(form.keys()) - {"file", *UPLOAD_FIELDS})
    if unknown:
        raise OpenAIError(400, f"Unknown form fields: {', '.join(unknown)}.", param=unknown[0], code="invalid_value")
    fields: dict[str, Any] = {name: form[name] for name in UPLOAD_FIELDS if form.get(name) not in (None, "")}
    for name, value in fields.items():
        if not isinstance(value, str):  # a file sent where a field's text belongs
            raise OpenAIError(400, f"'{name}' must be a form field, not a file.", param=name, code="invalid_value")
    if "speed" in fields:
        try:
            fields["speed"] = float(fields["speed"])
        except ValueError:
            raise OpenAIError(400, "'speed' must be a number.", param="speed", code="invalid_value") from None
    input_format = fields.pop("input_format", None)
    if input_format not in (None, "text", "markdown"):
        raise OpenAIError(400, "'input_format' must be text or markdown.", param="input_format", code="invalid_value")
    title = fields.pop("title", None)
    data = await upload.read()
    book = await asyncio.to_thread(read_upload, upload.filename or "", data, input_format, config.max_chars)
    return fields, _titled(book, title)


def _titled(book: Book, title: str | None) -> Book:
    return Book(title, book.chapters) if title else book


def _not_ready(job_id: str, state: str) -> OpenAIError:
    return OpenAIError(
        409,
        f"The job '{job_id}' is {state}: its audio is there once it is completed.",
        param="job_id",
        code="job_not_completed",
    )


class JobsController(Controller):
    """The jobs' routes, one controller so that each path answers OPTIONS with all of its methods."""

    path = "/audio/jobs"

    # Litestar 2 answers OPTIONS on a path of several handlers with the first registered one's method alone (fixed
    # in 3). A controller registers its handlers sorted by name: these come first (``allow_...``) and answer for
    # every method of their path.
    @route("/", http_method=[HttpMethod.OPTIONS], include_in_schema=False, sync_to_thread=False)
    def allow_on_jobs(self) -> Response[None]:
        return Response(None, status_code=204, headers={"Allow": "GET, OPTIONS, POST"})

    @route("/{job_id:str}", http_method=[HttpMethod.OPTIONS], include_in_schema=False, sync_to_thread=False)
    def allow_on_a_job(self, job_id: str) -> Response[None]:
        return Response(None, status_code=204, headers={"Allow": "DELETE, GET, OPTIONS"})

    @post(
        "/",
        status_code=202,
        operation_class=CreateJobOperation,
        responses=error_responses(400, 401, 404, 408, 413, 415, 429, 500, 503),
        summary="Turn a book or an article into audio, as a job",
        description="A JSON body with the speech request's fields and `input` up to a million characters "
        "(`input_format` `text` or `markdown`, whose `#` headings are chapters), or a multipart upload of a .txt, .md "
        "or .epub `file`. Answered 202 with the job; follow it at /v1/audio/jobs/{id} or its /events.",
    )
    async def create_job(
        self,
        request: Request[Any, Any, Any],
        service: SpeechService,
        jobs: JobService,
        jobs_config: JobsConfig,
        text_config: TextConfig,
        limiter: RateLimiter,
    ) -> Response[JobStatus]:
        fields, book = await _read_request(request, jobs_config)
        response_format = fields.pop("response_format", None) or DEFAULT_FORMAT
        if response_format not in BOOK_FORMATS:
            raise OpenAIError(
                400,
                f"'response_format' must be one of {', '.join(BOOK_FORMATS)} for a job, got '{response_format}'.",
                param="response_format",
                code="invalid_value",
            )
        try:
            request_fields = msgspec.convert({**fields, "input": "-", "response_format": "pcm"}, SpeechRequest)
        except msgspec.ValidationError as error:
            raise OpenAIError(400, f"Invalid request: {error}", code="invalid_value") from None
        if request_fields.input_type != "text":
            raise OpenAIError(400, "A job reads text or Markdown; 'input_type' must be text.", param="input_type")
        speech = checked_job(request_fields, text_config)
        service.engine.speaker(speech)  # an unknown voice or language is refused now, not when a worker finds it
        headers = await admit(limiter, request, book.chars)
        try:
            status = await asyncio.to_thread(
                jobs.submit,
                book,
                speech,
                owner=_owner(request),
                model=request_fields.model,
                response_format=response_format,
            )
        except QueueUnavailable:
            raise OpenAIError(
                503,
                "The jobs' queue cannot be reached; try again shortly.",
                error_type="server_error",
                code="queue_unavailable",
                headers={"Retry-After": str(QUEUE_RETRY_SECONDS)},
            ) from None
        return Response(status, status_code=202, headers=headers)

    @get("/", summary="The caller's jobs, newest first", responses=error_responses(401, 500))
    async def list_jobs(self, request: Request[Any, Any, Any], jobs: JobService) -> JobList:
        return JobList(await asyncio.to_thread(jobs.list, _owner(request)))

    @get(
        "/{job_id:str}",
        summary="A job's status: progress, chapters, time left",
        responses=error_responses(*JOB_ERRORS),
    )
    async def get_job(self, request: Request[Any, Any, Any], jobs: JobService, job_id: str) -> JobStatus:
        status = await asyncio.to_thread(jobs.status, job_id, _owner(request))
        if status is None:
            raise _not_found(job_id)
        return status

    @get(
        "/{job_id:str}/events",
        summary="A job's status as server-sent events, until it ends",
        operation_class=JobEventsOperation,
        responses=error_responses(*JOB_ERRORS),
    )
    async def job_events(
        self, request: Request[Any, Any, Any], jobs: JobService, jobs_config: JobsConfig, job_id: str
    ) -> ServerSentEvent:
        owner = _owner(request)
        first = await asyncio.to_thread(jobs.status, job_id, owner)
        if first is None:
            raise _not_found(job_id)

        async def events() -> AsyncIterator[ServerSentEventMessage]:
            status: JobStatus | None = first
            sent: bytes | None = None
            sent_at = 0.0
            loop = asyncio.get_running_loop()
            while status is not None:
                # The estimate moves at every look: news is anything else.
                news = msgspec.json.encode(msgspec.structs.replace(status, estimated_seconds_left=None))
                if news != sent or loop.time() - sent_at >= EVENT_REPEAT_SECONDS:
                    yield ServerSentEventMessage(msgspec.json.encode(status).decode(), event="job")
                    sent, sent_at = news, loop.time()
                if status.status in ENDED:
                    return
                await asyncio.sleep(jobs_config.poll_seconds)
                status = await asyncio.to_thread(jobs.status, job_id, owner)

        return ServerSentEvent(events())

    @get(
        "/{job_id:str}/content",
        summary="The job's audio: the whole book, or ?chapter=N (from 0)",
        operation_class=BookOperation,
        responses=error_responses(400, 409, *JOB_ERRORS),
    )
    async def job_content(
        self, request: Request[Any, Any, Any], jobs: JobService, job_id: str, chapter: int | None = None
    ) -> File:
        owner = _owner(request)
        status = await asyncio.to_thread(jobs.status, job_id, owner)
        if status is None:
            raise _not_found(job_id)
        if chapter is not None and not 0 <= chapter < len(status.chapters):
            raise OpenAIError(
                400,
                f"'chapter' must be from 0 to {len(status.chapters) - 1}, got {chapter}.",
                param="chapter",
                code="invalid_value",
            )
        try:
            path = await asyncio.to_thread(jobs.book, status, chapter)
        except FileNotFoundError:  # deleted meanwhile
            raise _not_found(job_id) from None
        except JobNotReady as error:
            raise _not_ready(job_id, str(error)) from None
        fmt: Any = status.response_format
        name = f"{job_id}{'' if chapter is None else f'-chapter-{chapter}'}{book_suffix(fmt)}"
        return File(path, filename=name, media_type=book_media_type(fmt), content_disposition_type="inline")

    @get(
        "/{job_id:str}/captions",
        summary="Captions of the whole book (vtt or srt), timed over the file",
        operation_class=CaptionsOperation,
        responses=error_responses(400, 409, *JOB_ERRORS),
    )
    async def job_captions(
        self, request: Request[Any, Any, Any], jobs: JobService, job_id: str, format: Literal["vtt", "srt"] = "vtt"
    ) -> File:
        status = await asyncio.to_thread(jobs.status, job_id, _owner(request))
        if status is None:
            raise _not_found(job_id)
        try:
            path = await asyncio.to_thread(jobs.captions, status, format)
        except FileNotFoundError:  # deleted meanwhile
            raise _not_found(job_id) from None
        except JobNotReady as error:
            raise _not_ready(job_id, str(error)) from None
        return File(
            path, filename=f"{job_id}.{format}", media_type=CAPTION_TYPES[format], content_disposition_type="inline"
        )

    @delete(
        "/{job_id:str}",
        status_code=200,
        summary="Cancel a job still being made, or delete an ended one",
        responses=error_responses(*JOB_ERRORS),
    )
    async def delete_job(
        self, request: Request[Any, Any, Any], jobs: JobService, job_id: str
    ) -> JobStatus | JobDeleted:
        owner = _owner(request)
        found = await asyncio.to_thread(jobs.status, job_id, owner)
        if found is None:
            raise _not_found(job_id)
        status = await asyncio.to_thread(jobs.cancel_or_delete, found, owner)
        return JobDeleted(job_id, True, "audio.job.deleted") if status is None else status
