"""The choices that change the audio, agreed by every server of a deployment through the Redis they share.

Each server measures its machine at first start, and the measurement decides chunk sizes and
pacing, which change a response's bytes and so are part of every result cache key. Two
measurements on the same hardware differ (four starts on one machine measured RTF 0.184 to
0.238), so servers that each kept their own would split the shared cache between them. The
first server to start publishes the audible choices it measured; every other adopts them in
place of its own (what it measured is logged beside them). Lanes, threads and the other choices
that change only speed stay each machine's own, and a choice set by a setting is never replaced.

The record lives as long as Redis keeps it: a server that starts and finds none publishes its
own, so after Redis loses its data the next start decides again. While Redis cannot be reached
a server keeps its own choices (its responses then have their own keys until it restarts).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

import structlog
from redis.asyncio import Redis

from kokoro_speech.engine.assets import ModelFiles
from kokoro_speech.engine.config import EngineConfig
from kokoro_speech.engine.schedule import Schedule, given
from kokoro_speech.infra.shared_state import UNAVAILABLE
from kokoro_speech.version import __version__

log = structlog.get_logger("kokoro_speech")


class SharedSchedule:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis = redis
        self.prefix = prefix

    def key(self, files: ModelFiles) -> str:
        """One record per code version and model release (files counted by name and size: each server
        downloads its own copy)."""
        model = sorted((path.name, path.stat().st_size) for path in (files.model, files.voices))
        digest = hashlib.sha256(json.dumps([__version__, model]).encode()).hexdigest()[:16]
        return f"{self.prefix}:schedule:{digest}"

    async def agree(self, config: EngineConfig, schedule: Schedule, files: ModelFiles) -> Schedule:
        """``schedule`` with its measured audible choices replaced by the deployment's."""
        measured = {name: value for name, value in schedule.audible().items() if given(config, name) is None}
        if not measured:
            return schedule
        key = self.key(files)
        try:
            await self.redis.set(key, json.dumps(measured), nx=True)
            raw = await self.redis.get(key)
        except UNAVAILABLE as error:
            log.warning("redis unavailable: this server keeps the schedule it measured", error=repr(error))
            return schedule
        agreed: dict[str, Any] = json.loads(raw) if raw else measured
        adopted = {name: agreed[name] for name in measured if name in agreed and agreed[name] != measured[name]}
        if not adopted:
            return schedule
        why = schedule.why | {
            name: f"{value}, agreed with the servers sharing Redis (measured here: {measured[name]})"
            for name, value in adopted.items()
        }
        log.info("adopted the schedule of the servers sharing redis", adopted=adopted, measured=measured)
        return dataclasses.replace(schedule, **adopted, why=why)
