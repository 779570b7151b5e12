"""Lane scheduling (pure logic: jobs are gated by events, nothing depends on timing)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from kokoro_speech.engine.scheduler import LaneScheduler, Overloaded, Priority


async def settle() -> None:
    """Let every ready task run until it blocks."""
    for _ in range(5):
        await asyncio.sleep(0)


async def test_jobs_run_up_to_the_lane_count_and_lanes_come_back() -> None:
    lanes = LaneScheduler(lanes=2, queue_size=4)
    await lanes.acquire(Priority.FIRST_CHUNK)
    await lanes.acquire(Priority.FIRST_CHUNK)
    assert lanes.busy == 2
    third = asyncio.create_task(lanes.acquire(Priority.FIRST_CHUNK))
    await settle()
    assert not third.done() and lanes.waiting == 1
    lanes.release()
    await settle()
    assert third.done() and lanes.busy == 2 and lanes.waiting == 0
    lanes.release()
    lanes.release()
    assert lanes.busy == 0


async def grant_order(lanes: LaneScheduler, arrivals: list[tuple[str, Priority]]) -> list[str]:
    """The order in which waiters, arriving in ``arrivals`` order, get the one busy lane."""
    order: list[str] = []

    async def wait(name: str, priority: Priority) -> None:
        await lanes.acquire(priority)
        order.append(name)

    tasks = []
    for name, priority in arrivals:
        tasks.append(asyncio.create_task(wait(name, priority)))
        await settle()
    for _ in tasks:
        lanes.release()
        await settle()
    return order


async def test_a_first_chunk_goes_ahead_of_later_chunks_that_waited_longer() -> None:
    lanes = LaneScheduler(lanes=1, queue_size=8)
    await lanes.acquire(Priority.FIRST_CHUNK)
    arrivals = [("later-1", Priority.LATER_CHUNK), ("later-2", Priority.LATER_CHUNK), ("first-1", Priority.FIRST_CHUNK)]
    assert await grant_order(lanes, arrivals) == ["first-1", "later-1", "later-2"]


async def test_first_and_later_chunks_take_turns_so_running_streams_are_not_starved() -> None:
    lanes = LaneScheduler(lanes=1, queue_size=8)
    await lanes.acquire(Priority.FIRST_CHUNK)
    arrivals = [
        ("later-1", Priority.LATER_CHUNK),
        ("first-1", Priority.FIRST_CHUNK),
        ("later-2", Priority.LATER_CHUNK),
        ("first-2", Priority.FIRST_CHUNK),
        ("first-3", Priority.FIRST_CHUNK),
    ]
    assert await grant_order(lanes, arrivals) == ["first-1", "later-1", "first-2", "later-2", "first-3"]


async def test_only_new_requests_are_refused_when_the_queue_is_full() -> None:
    lanes = LaneScheduler(lanes=1, queue_size=1)
    await lanes.acquire(Priority.FIRST_CHUNK)
    waiting = asyncio.create_task(lanes.acquire(Priority.FIRST_CHUNK))
    await settle()
    with pytest.raises(Overloaded):
        await lanes.acquire(Priority.FIRST_CHUNK)
    # A running request's next chunk is never refused: it was already admitted.
    later = asyncio.create_task(lanes.acquire(Priority.LATER_CHUNK))
    await settle()
    assert lanes.waiting == 2 and lanes.waiting_new == 1
    lanes.release()
    lanes.release()
    await settle()
    assert waiting.done() and later.done()


async def test_a_waiter_that_gives_up_leaves_the_queue() -> None:
    lanes = LaneScheduler(lanes=1, queue_size=1)
    await lanes.acquire(Priority.FIRST_CHUNK)
    gone = asyncio.create_task(lanes.acquire(Priority.FIRST_CHUNK))
    await settle()
    gone.cancel()
    await settle()
    assert lanes.waiting == 0
    # Its place in the queue is free again, and the lane still goes to the next waiter.
    nxt = asyncio.create_task(lanes.acquire(Priority.FIRST_CHUNK))
    await settle()
    lanes.release()
    await settle()
    assert nxt.done() and lanes.busy == 1


async def test_a_waiter_cancelled_just_before_the_lane_is_released_leaves_cleanly() -> None:
    lanes = LaneScheduler(lanes=1, queue_size=4)
    await lanes.acquire(Priority.FIRST_CHUNK)
    gone = asyncio.create_task(lanes.acquire(Priority.FIRST_CHUNK))
    await settle()
    gone.cancel()  # its future is cancelled now, but the task has not run yet ...
    lanes.release()  # ... when the lane is released: the lane must not be lost to it
    await settle()
    assert gone.cancelled()
    assert lanes.busy == 0 and lanes.waiting == 0


async def test_admission_is_checked_before_work_is_spent() -> None:
    lanes = LaneScheduler(lanes=1, queue_size=1)
    lanes.check_admission()
    await lanes.acquire(Priority.FIRST_CHUNK)
    lanes.check_admission()  # the queue still has room
    waiting = asyncio.create_task(lanes.acquire(Priority.FIRST_CHUNK))
    await settle()
    with pytest.raises(Overloaded):
        lanes.check_admission()
    lanes.release()
    await settle()
    assert waiting.done()


async def test_a_lane_handed_to_a_cancelled_waiter_is_passed_on() -> None:
    lanes = LaneScheduler(lanes=1, queue_size=4)
    await lanes.acquire(Priority.FIRST_CHUNK)
    first = asyncio.create_task(lanes.acquire(Priority.FIRST_CHUNK))
    second = asyncio.create_task(lanes.acquire(Priority.FIRST_CHUNK))
    await settle()
    lanes.release()  # hands the lane to `first` ...
    first.cancel()  # ... which is cancelled before it runs
    await settle()
    assert first.cancelled() and second.done() and lanes.busy == 1


async def test_cancelling_a_running_job_stops_it_and_frees_the_lane_when_its_thread_ends() -> None:
    lanes = LaneScheduler(lanes=1, queue_size=4)
    started, stop = threading.Event(), threading.Event()

    def job() -> str:
        started.set()
        stop.wait(10)
        return "stopped" if stop.is_set() else "timed out"

    task = asyncio.create_task(lanes.run(job, Priority.FIRST_CHUNK, on_cancel=stop.set))
    await asyncio.to_thread(started.wait, 10)
    assert lanes.busy == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert stop.is_set() and lanes.runs_stopped == 1
    for _ in range(200):  # the thread returns as soon as it sees `stop`
        if lanes.busy == 0:
            break
        await asyncio.sleep(0.01)
    assert lanes.busy == 0
    assert await lanes.run(lambda: 42, Priority.FIRST_CHUNK) == 42
    lanes.shutdown()


async def test_a_failing_job_raises_in_the_caller_and_frees_its_lane() -> None:
    lanes = LaneScheduler(lanes=1, queue_size=1)

    def boom() -> None:
        raise RuntimeError("model failed")

    with pytest.raises(RuntimeError, match="model failed"):
        await lanes.run(boom, Priority.FIRST_CHUNK)
    await settle()
    assert lanes.busy == 0
    lanes.shutdown()
