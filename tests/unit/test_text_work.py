"""The text threads' queue: speech plans before phonemize requests, a bounded wait, callers that leave."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator

import pytest

from kokoro_speech.engine.scheduler import Overloaded
from kokoro_speech.engine.text_work import TextPriority, TextWork


@pytest.fixture
async def work() -> AsyncIterator[TextWork]:
    text_work = TextWork(threads=1, queue_size=3)
    yield text_work
    text_work.close()


async def _hold(work: TextWork) -> tuple[threading.Event, asyncio.Task[None]]:
    """Occupy the one text thread until the event is set."""
    gate, started = threading.Event(), threading.Event()

    def held() -> None:
        started.set()
        gate.wait(10)

    task = asyncio.ensure_future(work.run(TextPriority.PHONEMES, held))
    while not started.is_set():
        await asyncio.sleep(0.001)
    return gate, task


async def test_speech_plans_go_before_phonemize_requests_that_came_first(work: TextWork) -> None:
    gate, holder = await _hold(work)
    order: list[str] = []
    phonemes = [asyncio.ensure_future(work.run(TextPriority.PHONEMES, order.append, f"phonemes {n}")) for n in (1, 2)]
    await asyncio.sleep(0.01)
    speech = asyncio.ensure_future(work.run(TextPriority.SPEECH, order.append, "speech"))
    await asyncio.sleep(0.01)
    gate.set()
    await asyncio.gather(holder, speech, *phonemes)
    assert order == ["speech", "phonemes 1", "phonemes 2"]


async def test_a_full_queue_refuses_at_once_and_frees_as_jobs_start(work: TextWork) -> None:
    gate, holder = await _hold(work)
    waiting = [asyncio.ensure_future(work.run(TextPriority.PHONEMES, lambda: None)) for _ in range(3)]
    await asyncio.sleep(0.01)
    assert work.waiting == 3
    with pytest.raises(Overloaded):
        await work.run(TextPriority.SPEECH, lambda: None)
    gate.set()
    await asyncio.gather(holder, *waiting)
    assert work.waiting == 0
    assert await work.run(TextPriority.SPEECH, lambda: "read") == "read"


async def test_a_caller_that_leaves_takes_its_job_out_of_the_queue(work: TextWork) -> None:
    gate, holder = await _hold(work)
    ran: list[str] = []
    leaving = asyncio.ensure_future(work.run(TextPriority.PHONEMES, ran.append, "left"))
    await asyncio.sleep(0.01)
    assert work.waiting == 1
    leaving.cancel()
    await asyncio.sleep(0.01)
    assert work.waiting == 0
    gate.set()
    await holder
    await work.run(TextPriority.PHONEMES, ran.append, "stayed")
    assert ran == ["stayed"]


async def test_an_error_in_the_work_reaches_its_caller_and_the_thread_goes_on(work: TextWork) -> None:
    def fails() -> None:
        raise ValueError("unreadable")

    with pytest.raises(ValueError, match="unreadable"):
        await work.run(TextPriority.SPEECH, fails)
    assert await work.run(TextPriority.SPEECH, lambda: 7) == 7
