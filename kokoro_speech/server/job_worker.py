"""``kokoro-speech worker``: a process that makes long-form jobs and serves nothing. It loads the model, takes
units of work from the jobs' queue (Redis's, shared by workers on any machine with the model, the Redis and the
jobs' folder; else this machine's SQLite file) and makes them, one at a time, until it is told to stop (SIGTERM,
SIGINT): the unit in hand then goes back to the queue. A worker killed outright loses only the piece it was
making, which the server takes back once its lease runs out."""

from __future__ import annotations

import asyncio
import signal

import structlog

from kokoro_speech.config import SpeechConfig
from kokoro_speech.engine.assets import ModelFiles
from kokoro_speech.jobs.maker import JobMaker
from kokoro_speech.jobs.queue import JobQueue
from kokoro_speech.jobs.runner import JobRunner, worker_name
from kokoro_speech.jobs.store import JobStore
from kokoro_speech.speech.worker import SpeechWorker

log = structlog.get_logger("kokoro_speech")


async def run_worker(config: SpeechConfig, files: ModelFiles) -> int:
    """Make jobs until a stop signal; 1 where the model could not be loaded."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    speech = SpeechWorker(config.engine, config.audio, config.cache)
    speech.start(files, None)
    loading = asyncio.create_task(speech.loaded())
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait([loading, stopping], return_when=asyncio.FIRST_COMPLETED)
    service = loading.result() if loading.done() else None
    if service is None:
        for task in (loading, stopping):
            task.cancel()
        if not stop.is_set():
            log.error("job worker: the model could not be loaded", reason=speech.failure)
        await speech.stop(0)
        return 0 if stop.is_set() else 1
    queue = JobQueue(config.jobs_dir, config.redis)
    store = JobStore(config.jobs_dir)
    maker = JobMaker(service.engine, store, queue, config.jobs, config.captions, worker_name())
    running = asyncio.create_task(JobRunner(queue, maker, config.jobs.poll_seconds).run())
    await asyncio.wait([running, stopping], return_when=asyncio.FIRST_COMPLETED)
    running.cancel()
    stopping.cancel()
    await asyncio.gather(running, stopping, return_exceptions=True)
    await asyncio.to_thread(queue.close)
    await speech.stop(0)
    log.info("job worker stopped", worker=maker.worker)
    return 0
