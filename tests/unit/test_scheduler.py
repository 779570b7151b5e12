"""Lane scheduling (pure logic: jobs are gated by events, nothing depends on timing)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from kokoro_speech.engine.scheduler import Interrupt, JobInterrupted, LaneScheduler, Overloaded, Priority


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


class StoppableJob:
    """A job that runs until its interrupt fires (then raises, as an aborted model run does)."""

    def __init__(self, result: str, starts: list[str] | None = None) -> None:
        self.result = result
        self.starts = starts if starts is not None else []
        self.started = threading.Event()
        self.stopped = threading.Event()
        self.attempts = 0
        self.finish = threading.Event()
        self.interrupted = False

    def _stop(self) -> None:
        self.interrupted = True
        self.stopped.set()

    def __call__(self, interrupt: Interrupt) -> str:
        self.attempts += 1
        self.starts.append(self.result)
        interrupt.on_stop(self._stop)
        self.started.set()
        while not self.finish.is_set():
            if self.stopped.wait(0.01):
                self.stopped.clear()
                raise JobInterrupted("aborted")
        return self.result


async def running_later(lanes: LaneScheduler, cost: float = 1.0) -> tuple[StoppableJob, asyncio.Task[str]]:
    """A later chunk that has started on its lane and runs until told otherwise."""
    job = StoppableJob("later")
    task = asyncio.create_task(lanes.run(job, Priority.LATER_CHUNK, cost=cost))
    assert await asyncio.to_thread(job.started.wait, 10)
    return job, task


async def wait_for(condition, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    """Poll an event-loop-side condition while a job thread does its part."""
    for _ in range(int(timeout / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached")


async def test_cancelling_a_running_job_stops_it_and_frees_the_lane_when_its_thread_ends() -> None:
    lanes = LaneScheduler(lanes=1, queue_size=4)
    job = StoppableJob("done")
    task = asyncio.create_task(lanes.run(job, Priority.FIRST_CHUNK))
    assert await asyncio.to_thread(job.started.wait, 10)
    assert lanes.busy == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert lanes.runs_stopped == 1
    await wait_for(lambda: lanes.busy == 0)  # the thread returns as soon as it sees the interrupt
    assert await lanes.run(lambda _: 42, Priority.FIRST_CHUNK) == 42
    assert job.attempts == 1
    lanes.shutdown()


async def test_a_newcomer_preempts_a_later_chunk_which_then_runs_again_first() -> None:
    lanes = LaneScheduler(lanes=1, queue_size=4)
    later, later_task = await running_later(lanes)
    newcomer = StoppableJob("first")
    newcomer.finish.set()
    first_task = asyncio.create_task(lanes.run(newcomer, Priority.FIRST_CHUNK))
    assert await first_task == "first"
    later.finish.set()
    assert await later_task == "later"
    assert later.attempts == 2 and lanes.runs_preempted == 1
    await wait_for(lambda: lanes.busy == 0)
    lanes.shutdown()


async def test_a_resumed_chunk_is_not_preempted_twice_and_first_chunks_are_never_preempted() -> None:
    lanes = LaneScheduler(lanes=1, queue_size=4)
    later, later_task = await running_later(lanes)
    starts = later.starts
    first = StoppableJob("first", starts)
    first_task = asyncio.create_task(lanes.run(first, Priority.FIRST_CHUNK))
    assert await asyncio.to_thread(first.started.wait, 10)  # `later` was preempted for it
    later.started.clear()
    second = StoppableJob("second", starts)
    second.finish.set()
    second_task = asyncio.create_task(lanes.run(second, Priority.FIRST_CHUNK))
    await settle()
    assert lanes.waiting == 2  # `second` waits: a first chunk is never preempted
    first.finish.set()
    assert await first_task == "first"
    # Turns alternate: the resumed later chunk runs before `second`, and it is not preempted again.
    assert await asyncio.to_thread(later.started.wait, 10)
    assert lanes.runs_preempted == 1
    later.finish.set()
    assert await later_task == "later"
    assert await second_task == "second"
    assert later.attempts == 2 and lanes.runs_preempted == 1
    assert starts == ["later", "first", "later", "second"]
    lanes.shutdown()


async def test_a_job_that_fails_after_being_preempted_is_not_retried() -> None:
    lanes = LaneScheduler(lanes=1, queue_size=4)
    broken = threading.Event()

    def job(interrupt: Interrupt) -> None:
        interrupt.on_stop(broken.set)
        broken.wait(10)
        raise RuntimeError("model failed")  # a real failure, not the interrupt's

    task = asyncio.create_task(lanes.run(job, Priority.LATER_CHUNK))
    await wait_for(lambda: lanes.busy == 1)
    newcomer = StoppableJob("first")
    newcomer.finish.set()
    assert await lanes.run(newcomer, Priority.FIRST_CHUNK) == "first"
    with pytest.raises(RuntimeError, match="model failed"):
        await task
    assert lanes.runs_preempted == 0
    lanes.shutdown()


async def test_without_preemption_a_newcomer_waits_for_the_running_chunk() -> None:
    lanes = LaneScheduler(lanes=1, queue_size=4, preempt=False)
    later, later_task = await running_later(lanes)
    newcomer = StoppableJob("first")
    newcomer.finish.set()
    first_task = asyncio.create_task(lanes.run(newcomer, Priority.FIRST_CHUNK))
    await settle()
    assert not first_task.done() and lanes.runs_preempted == 0
    later.finish.set()
    assert await later_task == "later" and await first_task == "first"
    assert later.attempts == 1
    lanes.shutdown()


async def test_a_failing_job_raises_in_the_caller_and_frees_its_lane() -> None:
    lanes = LaneScheduler(lanes=1, queue_size=1)

    def boom(_: Interrupt) -> None:
        raise RuntimeError("model failed")

    with pytest.raises(RuntimeError, match="model failed"):
        await lanes.run(boom, Priority.FIRST_CHUNK)
    await settle()
    assert lanes.busy == 0
    lanes.shutdown()


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def newcomer_preempts(elapsed: float, victim_cost: float, newcomer_cost: float) -> bool:
    """With one second per unit of cost: does a newcomer stop a later chunk that ran ``elapsed``?"""
    clock = FakeClock()
    lanes = LaneScheduler(lanes=1, queue_size=4, clock=clock)
    lanes.seconds_per_cost = 1.0
    later, later_task = await running_later(lanes, cost=victim_cost)
    clock.now = elapsed
    newcomer = StoppableJob("first")
    newcomer.finish.set()
    first_task = asyncio.create_task(lanes.run(newcomer, Priority.FIRST_CHUNK, cost=newcomer_cost))
    await settle()
    preempted = later.interrupted  # set at once, on the event loop, when the scheduler decides
    if not preempted:
        later.finish.set()  # let it finish so the newcomer can run
    assert await first_task == "first"
    later.finish.set()
    assert await later_task == "later"
    assert later.attempts == (2 if preempted else 1)
    lanes.shutdown()
    return preempted


async def test_a_later_chunk_with_much_left_to_do_is_preempted() -> None:
    assert await newcomer_preempts(elapsed=2, victim_cost=10, newcomer_cost=3)


async def test_a_later_chunk_about_to_finish_is_left_to_finish() -> None:
    assert not await newcomer_preempts(elapsed=8, victim_cost=10, newcomer_cost=3)


async def test_the_cost_rate_is_learned_from_finished_jobs() -> None:
    clock = FakeClock()
    lanes = LaneScheduler(lanes=1, queue_size=4, clock=clock)

    def job(_: Interrupt) -> None:
        clock.now += 5.0  # the job "takes" five seconds

    await lanes.run(job, Priority.FIRST_CHUNK, cost=10)
    await settle()
    assert lanes.seconds_per_cost == pytest.approx(0.5)
    lanes.shutdown()


async def test_requests_in_progress_count_against_the_queue() -> None:
    lanes = LaneScheduler(lanes=1, queue_size=2)
    await lanes.acquire(Priority.FIRST_CHUNK)
    lanes.stream_started()
    lanes.check_admission()  # one stream in progress, room for two beyond the lane
    lanes.stream_started()
    waiting = asyncio.create_task(lanes.acquire(Priority.FIRST_CHUNK))
    await settle()
    # No first chunk queue is full, but two streams and a newcomer already want the one lane in turn.
    with pytest.raises(Overloaded):
        lanes.check_admission()
    lanes.stream_ended()
    lanes.check_admission()
    lanes.release()
    await settle()
    assert waiting.done()


async def running_background(lanes: LaneScheduler, name: str) -> tuple[StoppableJob, asyncio.Task[str]]:
    """A long-form job's chunk that has started on its lane and runs until told otherwise."""
    job = StoppableJob(name)
    task = asyncio.create_task(lanes.run(job, Priority.BACKGROUND))
    assert await asyncio.to_thread(job.started.wait, 10)
    return job, task


async def test_a_streams_next_chunk_takes_the_lane_of_a_jobs_chunk_which_then_runs_again() -> None:
    lanes = LaneScheduler(lanes=1, queue_size=4)
    background, background_task = await running_background(lanes, "job")
    later = StoppableJob("later", background.starts)
    later.finish.set()
    assert await lanes.run(later, Priority.LATER_CHUNK) == "later"
    background.finish.set()
    assert await background_task == "job"
    assert background.starts == ["job", "later", "job"] and lanes.runs_preempted == 1
    await wait_for(lambda: lanes.busy == 0)
    lanes.shutdown()


async def test_a_stream_and_a_newcomer_each_take_a_jobs_lane() -> None:
    # One preemption for the stream's chunk must not count as the newcomer's too: each gets a lane of its own.
    lanes = LaneScheduler(lanes=2, queue_size=4)
    first_job, first_task = await running_background(lanes, "job 1")
    second_job, second_task = await running_background(lanes, "job 2")
    later, newcomer = StoppableJob("later"), StoppableJob("first")
    later_task = asyncio.create_task(lanes.run(later, Priority.LATER_CHUNK))
    newcomer_task = asyncio.create_task(lanes.run(newcomer, Priority.FIRST_CHUNK))
    assert await asyncio.to_thread(later.started.wait, 10)
    assert await asyncio.to_thread(newcomer.started.wait, 10)  # both ran while the jobs' chunks waited
    assert lanes.runs_preempted == 2 and lanes.waiting == 2
    for job in (later, newcomer, first_job, second_job):
        job.finish.set()
    assert [await t for t in (later_task, newcomer_task, first_task, second_task)] == [
        "later",
        "first",
        "job 1",
        "job 2",
    ]
    lanes.shutdown()


async def test_a_lane_running_a_jobs_chunk_counts_as_free_for_admission() -> None:
    lanes = LaneScheduler(lanes=1, queue_size=1)
    background, background_task = await running_background(lanes, "job")
    lanes.stream_started()
    lanes.stream_started()  # two streams in progress: with the lane busy with a request, the next is refused
    lanes.check_admission()
    background.finish.set()
    assert await background_task == "job"
    lanes.shutdown()
