"""Long-form jobs' own logic, without the model: where chapters are cut into pieces, the status read from a job's
folder (progress never goes back), the queue kept across a restart, and the reaper that takes a silent worker's
piece back (and only that)."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kokoro_speech.engine.job import SpeechJob
from kokoro_speech.infra.config import RedisConfig
from kokoro_speech.jobs.config import JobsConfig
from kokoro_speech.jobs.pieces import cut
from kokoro_speech.jobs.queue import JobQueue
from kokoro_speech.jobs.reaper import Reaper
from kokoro_speech.jobs.records import BookDone, Lease, PieceDone
from kokoro_speech.jobs.service import JobService
from kokoro_speech.jobs.sources import read_text
from kokoro_speech.jobs.store import BOOK, JobStore

RATE = 24000
words = st.text(alphabet="abcdefghij", min_size=1, max_size=12)
sentences = st.lists(words, min_size=1, max_size=30).map(lambda w: " ".join(w) + ".")
paragraphs = st.lists(sentences, min_size=1, max_size=8).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(paragraphs, min_size=1, max_size=6), st.integers(min_value=20, max_value=400))
def test_pieces_keep_every_word_in_order_within_the_limit(texts: list[str], limit: int) -> None:
    text = "\n\n".join(texts)
    pieces = cut(text, limit)
    assert " ".join(pieces).split() == text.split()
    for piece in pieces:
        assert len(piece) <= limit or len(piece.split()) == 1


def test_pieces_end_at_paragraphs_then_sentences() -> None:
    text = "One two. Three four.\n\nFive six. Seven eight."
    assert cut(text, 25) == ["One two. Three four.", "Five six. Seven eight."]
    assert cut(text, 12) == ["One two.", "Three four.", "Five six.", "Seven eight."]
    assert cut('He said "Hi." Then left.', 16) == ['He said "Hi."', "Then left."]


@pytest.fixture
def service(tmp_path: Path) -> JobService:
    config = JobsConfig(piece_chars=40, lease_seconds=5)
    return JobService(JobStore(tmp_path / "jobs"), JobQueue(tmp_path / "jobs", RedisConfig()), config, RATE)


def _book(service: JobService) -> str:
    book = read_text("# One\n\nA first sentence here. A second one.\n\n# Two\n\nThe last sentence.", "markdown")
    return service.submit(book, SpeechJob("", "af_heart"), owner="", model="kokoro", response_format="m4b").id


def _made(service: JobService, job_id: str, index: int, samples: int = RATE) -> None:
    service.store.audio_path(job_id, index).parent.mkdir(parents=True, exist_ok=True)
    service.store.audio_path(job_id, index).write_bytes(b"\0\0" * samples)
    service.store.finish_piece(job_id, index, PieceDone(samples, "w", 1.0), [])


def test_progress_is_null_only_while_queued_and_never_goes_back(service: JobService) -> None:
    job_id = _book(service)
    pieces = service.status(job_id, "")
    assert pieces is not None and pieces.status == "queued" and pieces.progress is None
    total = pieces.pieces.total
    assert total == 3 and service.queue.pending() == total
    seen: list[float] = []
    service.store.lease(job_id, 2, Lease("running", "w", time.time()))
    service.store.mark_started(job_id)
    for index in (2, 0, 1):
        _made(service, job_id, index)
        found = service.status(job_id, "")
        assert found is not None and found.status == "running"
        assert found.progress is not None
        seen.append(found.progress)
    # The lease is taken back (its worker died): the job stays running, its progress where it was.
    service.store.take_back(job_id, "00002")
    again = service.status(job_id, "")
    assert again is not None and again.status == "running" and again.progress == seen[-1]
    assert seen == sorted(seen) and seen[-1] == 0.99
    service.store.finish_book(job_id, BookDone(3 * RATE, [2 * RATE, RATE], time.time()))
    completed = service.status(job_id, "")
    assert completed is not None and completed.progress == 1.0 and completed.duration == 3.0
    assert [(c.title, c.duration, c.start) for c in completed.chapters] == [("One", 2.0, 0.0), ("Two", 1.0, 2.0)]
    assert completed.pieces.redone == 1


def test_jobs_belong_to_their_owner(service: JobService) -> None:
    book = read_text("Hello there.", "text")
    job = service.submit(book, SpeechJob("", "af_heart"), owner="key-a", model="kokoro", response_format="mp3")
    assert service.status(job.id, "key-b") is None and service.status(job.id, "key-a") is not None
    assert service.list("key-b") == [] and [j.id for j in service.list("key-a")] == [job.id]
    # Cancelling takes the job's status, which only its owner can read.
    cancelled = service.cancel_or_delete(job, "key-a")
    assert cancelled is not None and cancelled.status == "cancelled" and service.status(job.id, "key-b") is None
    assert service.status("../../etc", "key-a") is None


def test_the_queue_keeps_what_is_queued_across_a_restart(tmp_path: Path) -> None:
    JobQueue(tmp_path, RedisConfig()).put("job_a", 3)
    again = JobQueue(tmp_path, RedisConfig())
    assert again.pending() == 1 and again.take() == ("job_a", 3) and again.take() is None


def test_the_reaper_takes_back_only_a_silent_workers_piece_and_queues_a_complete_book_once(
    service: JobService,
) -> None:
    now = [1000.0]
    reaper = Reaper(service.store, service.queue, service.config, clock=lambda: now[0])
    job_id = _book(service)
    while service.queue.take() is not None:  # the workers took every piece
        pass
    service.store.lease(job_id, 0, Lease("running", "alive", 998.0))
    service.store.lease(job_id, 1, Lease("running", "killed", 990.0))
    service.store.lease(job_id, 2, Lease("running", "alive", 999.0))
    assert reaper.sweep() == 1
    assert service.queue.pending_units() == {(job_id, 1)}
    assert set(service.store.leases(job_id)) == {"00000", "00002"}
    assert reaper.sweep() == 0  # taken back once
    assert service.queue.take() == (job_id, 1)
    service.store.lease(job_id, 1, Lease("running", "another", 1000.0))

    for index in range(3):
        _made(service, job_id, index)
        service.store.release(job_id, index)
    reaper.sweep()
    reaper.sweep()
    assert service.queue.take() == (job_id, BOOK) and service.queue.take() is None

    service.store.finish_book(job_id, BookDone(RATE, [RATE, 0], now[0]))
    now[0] += service.config.expire_seconds + 1
    reaper.sweep()
    assert service.store.spec(job_id) is None


def test_two_claims_of_one_unit_have_one_winner(service: JobService) -> None:
    job_id = _book(service)
    lease = Lease("queued", "a", time.time())
    assert service.store.claim(job_id, BOOK, lease) and not service.store.claim(job_id, BOOK, lease)
    assert service.store.take_back(job_id, BOOK) and not service.store.take_back(job_id, BOOK)


def test_a_deleted_jobs_folder_is_not_made_again_by_a_worker_still_at_it(service: JobService) -> None:
    job_id = _book(service)
    service.store.delete(job_id)
    service.store.lease(job_id, 0, Lease("running", "w", time.time()))
    service.store.mark_started(job_id)
    service.store.fail(job_id, "its file went with its folder")
    assert not service.store.folder(job_id).exists() and service.store.stopped(job_id)


def test_a_book_taken_back_from_a_silent_worker_is_queued_once(service: JobService) -> None:
    now = [1000.0]
    reaper = Reaper(service.store, service.queue, service.config, clock=lambda: now[0])
    job_id = _book(service)
    while service.queue.take() is not None:
        pass
    for index in range(3):
        _made(service, job_id, index)
    service.store.lease(job_id, BOOK, Lease("running", "killed", 990.0))
    assert reaper.sweep() == 1
    assert service.queue.pending_units() == {(job_id, BOOK)} and service.queue.pending() == 1
    assert service.store.leases(job_id)[BOOK].state == "queued"
    reaper.sweep()
    reaper.sweep()  # queued, and waiting in the queue: nothing more
    assert service.queue.pending() == 1


def test_a_unit_the_queue_lost_is_queued_again_once_seen_missing_twice(service: JobService) -> None:
    reaper = Reaper(service.store, service.queue, service.config)
    job_id = _book(service)
    assert service.queue.take() == (job_id, 0)  # taken by a worker killed before it leased it
    assert reaper.sweep() == 0  # once: it may be a worker between taking and leasing it
    assert reaper.sweep() == 1
    assert service.queue.pending_units() == {(job_id, 0), (job_id, 1), (job_id, 2)}


def test_queue_entries_are_json_not_pickle(tmp_path: Path) -> None:
    JobQueue(tmp_path, RedisConfig()).put("job_a", 3)
    with sqlite3.connect(tmp_path / "queue.sqlite3") as db:
        (data,) = db.execute("select data from task").fetchone()
    assert json.loads(bytes(data))[6] == ["job_a", 3]
