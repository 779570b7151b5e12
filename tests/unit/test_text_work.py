"""The text threads' queue: a bounded wait, callers that leave, and jobs that wait for listeners."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator

import pytest

from kokoro_speech.engine.scheduler import Overloaded
from kokoro_speech.engine.text_work import TextWork


@pytest.fixture
async def work() -> AsyncIterator[TextWork]:
    text_work = TextWork("phonemize", threads=1, queue_size=3)
    yield text_work
    text_work.close()


async def _hold(work: TextWork) -> tuple[threading.Event, asyncio.Task[None]]:
    """Occupy the one thread until the event is set."""
    gate, started = threading.Event(), threading.Event()

    def held() -> None:
        started.set()
        gate.wait(10)

    task = asyncio.ensure_future(work.run(held))
    while not started.is_set():
        await asyncio.sleep(0.001)
    return gate, task


async def test_jobs_run_in_the_order_they_came(work: TextWork) -> None:
    gate, holder = await _hold(work)
    order: list[int] = []
    jobs = [asyncio.ensure_future(work.run(order.append, n)) for n in range(3)]
    await asyncio.sleep(0.01)
    gate.set()
    await asyncio.gather(holder, *jobs)
    assert order == [0, 1, 2]


async def test_a_full_queue_refuses_at_once_and_frees_as_jobs_start(work: TextWork) -> None:
    gate, holder = await _hold(work)
    waiting = [asyncio.ensure_future(work.run(lambda: None)) for _ in range(3)]
    await asyncio.sleep(0.01)
    assert work.waiting == 3
    with pytest.raises(Overloaded, match="3 phonemize jobs already waiting"):
        await work.run(lambda: None)
    gate.set()
    await asyncio.gather(holder, *waiting)
    assert work.waiting == 0
    assert await work.run(lambda: "read") == "read"


async def test_a_caller_that_leaves_takes_its_job_out_of_the_queue(work: TextWork) -> None:
    gate, holder = await _hold(work)
    ran: list[str] = []
    leaving = asyncio.ensure_future(work.run(ran.append, "left"))
    await asyncio.sleep(0.01)
    assert work.waiting == 1
    leaving.cancel()
    await asyncio.sleep(0.01)
    assert work.waiting == 0
    gate.set()
    await holder
    await work.run(ran.append, "stayed")
    assert ran == ["stayed"]


async def test_an_error_in_the_work_reaches_its_caller_and_the_thread_goes_on(work: TextWork) -> None:
    def fails() -> None:
        raise ValueError("unreadable")

    with pytest.raises(ValueError, match="unreadable"):
        await work.run(fails)
    assert await work.run(lambda: 7) == 7


async def test_no_job_starts_while_a_listener_waits_for_its_first_audio() -> None:
    listening = threading.Event()
    listening.set()
    work = TextWork("phonemize", threads=1, queue_size=3, defer=listening.is_set)
    try:
        job = asyncio.ensure_future(work.run(lambda: "read"))
        await asyncio.sleep(0.05)
        assert not job.done() and work.waiting == 1, "started while a listener waited"
        listening.clear()
        assert await job == "read"
    finally:
        work.close()


async def test_a_plan_does_not_wait_behind_a_phonemize_job_in_progress() -> None:
    phonemize, plan = TextWork("phonemize", 1, 3), TextWork("plan", 1, 3)
    try:
        gate, holder = await _hold(phonemize)
        assert await plan.run(lambda: "planned") == "planned"
        gate.set()
        await holder
    finally:
        phonemize.close()
        plan.close()
