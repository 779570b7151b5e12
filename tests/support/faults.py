"""A server whose model runs fail or wait where a test says, so the product carries no switch for it.

The tests start `kokoro-speech serve` with ``KOKORO_SPEECH_APP=tests.support.faults:create_app``: the
server's own application, in whose workers the engine checks the words of each chunk before its model run.

- A chunk that says :data:`FAIL_WORD_ENV`'s word raises, as a failing runtime would: in the first chunk before
  the response's first byte, in a later one after it.
- A chunk that says a word starting with :data:`HOLD_PREFIX` waits on its lane, the lane busy, until a file of
  that name exists in :data:`HOLD_DIR_ENV`'s folder, or until its run is stopped (its client left, the request
  timed out, the server stops): then the run goes on, or ends as a stopped run ends. A test thereby decides
  when a synthesis goes on, whatever the speed of the machine.
"""

from __future__ import annotations

import os
import random
import string
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litestar import Litestar

from kokoro_speech.engine.backends.base import Backend, InferenceAborted, RunControl
from kokoro_speech.engine.engine import ChunkAudio, SpeechEngine, SpeechPlan
from kokoro_speech.server.app import create_app as server_app

APP = "tests.support.faults:create_app"
FAIL_WORD_ENV = "FAULTS_FAIL_WORD"
HOLD_DIR_ENV = "FAULTS_HOLD_DIR"
HOLD_PREFIX = "holdon"
POLL_S = 0.02


class InjectedFault(RuntimeError):
    """A model run that a test asked to fail."""


@dataclass(frozen=True)
class Hold:
    """A word that holds the chunk saying it on its lane until released."""

    folder: Path
    word: str

    def release(self) -> None:
        (self.folder / self.word).touch()

    def renew(self) -> None:
        """Hold the word's chunks again."""
        (self.folder / self.word).unlink(missing_ok=True)


def hold(folder: Path) -> Hold:
    """A new hold word (letters only, so that no rule of the normalizer reads part of it)."""
    return Hold(folder, HOLD_PREFIX + "".join(random.choices(string.ascii_lowercase, k=8)))


def environment(hold_dir: Path | None = None, fail_word: str | None = None) -> dict[str, str]:
    """The variables that start a server with this application."""
    env = {"KOKORO_SPEECH_APP": APP}
    if hold_dir is not None:
        env[HOLD_DIR_ENV] = str(hold_dir)
    if fail_word is not None:
        env[FAIL_WORD_ENV] = fail_word
    return env


class _Control:
    """A run's control that also tells a held chunk it was stopped."""

    def __init__(self, inner: RunControl) -> None:
        self.inner = inner
        self.stopped = threading.Event()

    def stop(self) -> None:
        self.stopped.set()
        self.inner.stop()


class _Backend:
    """The engine's backend, handing out controls a held chunk can watch."""

    def __init__(self, inner: Backend) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def control(self) -> RunControl:
        return _Control(self._inner.control())

    def run(self, tokens: Any, style: Any, speed: float, control: RunControl | None = None) -> Any:
        inner = control.inner if isinstance(control, _Control) else control
        return self._inner.run(tokens, style, speed, inner)


def _bare(word: str) -> str:
    return "".join(c for c in word if c.isalnum()).casefold()


def create_app() -> Litestar:
    fail_word = os.environ.get(FAIL_WORD_ENV, "").casefold()
    hold_dir = Path(os.environ[HOLD_DIR_ENV]) if os.environ.get(HOLD_DIR_ENV) else None
    made = SpeechEngine.__init__
    synthesize_chunk = SpeechEngine.synthesize_chunk

    def init(self: SpeechEngine, *args: Any, **kwargs: Any) -> None:
        made(self, *args, **kwargs)
        self.backend = _Backend(self.backend)

    def faulty(self: SpeechEngine, plan: SpeechPlan, index: int, control: RunControl | None = None) -> ChunkAudio:
        said = {_bare(plan.words[span.owner]) for span in plan.spans[index]}
        if fail_word and fail_word in said:
            raise InjectedFault(f"the model run of chunk {index} failed on purpose: it says '{fail_word}'")
        held = sorted(word for word in said if word.startswith(HOLD_PREFIX))
        if held and hold_dir is not None:
            stopped = control.stopped if isinstance(control, _Control) else threading.Event()
            while not all((hold_dir / word).exists() for word in held):
                if stopped.wait(POLL_S):
                    raise InferenceAborted(f"chunk {index} was stopped while held on {held}")
        return synthesize_chunk(self, plan, index, control)

    SpeechEngine.__init__ = init  # type: ignore[method-assign]
    SpeechEngine.synthesize_chunk = faulty  # type: ignore[method-assign]
    return server_app()
