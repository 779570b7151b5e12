"""How a worker runs its model, declared once.

Each field of :class:`Schedule` is one choice the machine's measurement may make (see
:mod:`kokoro_speech.engine.tuning`, which holds the rule that makes each from the figures). Its
declaration says which setting makes it instead (an explicit value wins; ``0`` or ``"auto"`` leaves
it to the measurement), what it is where nothing was measured, and whether it changes the audio (then
it is part of every result cache key). The tuner, ``/ready``'s view of the schedule, the cache key and
the tests' untuned servers all read this declaration, so a new choice is one new field here and its
rule in the tuner.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from kokoro_speech.engine.config import EngineConfig
from kokoro_speech.infra.settings import as_text, env_of

_CHOICE = "choice"


@dataclass(frozen=True)
class Choice:
    """What the declaration of one choice says."""

    setting: tuple[str, str]
    """The group and field of :class:`EngineConfig` that sets it."""
    untuned: Any
    """Its value where it is left to the measurement and nothing was measured."""
    audible: bool
    """Whether it changes a response's audio (chunk sizes and pacing do; lanes and threads do not)."""


def choice(group: str, name: str, *, untuned: Any, audible: bool = False) -> Any:
    return field(metadata={_CHOICE: Choice((group, name), untuned, audible)})


@dataclass(frozen=True)
class Schedule:
    """How a worker runs its model: what the measurement chose, each setting given explicitly winning. The
    fields are in the order they are chosen: a rule may rest on the choices before it."""

    lanes: int = choice("scheduling", "lanes", untuned=1)
    """Chunks run at once. Unmeasured, one: a run already keeps the worker's share of the cores busy, and with
    preemption a newcomer still starts at once."""
    spinning: bool = choice("onnx", "intra_op_spinning", untuned=True)
    """Whether idle intra-op threads spin (ONNX Runtime's own default where unmeasured)."""
    chunk_tokens: int = choice("synthesis", "chunk_tokens", untuned=120, audible=True)
    """Phoneme budget of later chunks."""
    first_chunk_tokens: int = choice("synthesis", "first_chunk_tokens", untuned=60, audible=True)
    """Phoneme budget of the first chunk (0.7 to 1 s to make on two cores of a current x86 server)."""
    preempt: bool = choice("scheduling", "preempt_later_chunks", untuned=True)
    """Whether a new request's first chunk stops a running later chunk."""
    stream_rtf: float = choice("synthesis", "stream_rtf", untuned=1.0, audible=True)
    """Seconds of synthesis per second of audio the chunk planner paces streams for. Unmeasured, 1: planned as
    if synthesis only just kept pace with playback."""
    why: dict[str, str] = field(default_factory=dict, compare=False)
    """Per choice, the figure or the setting behind it."""

    def summary(self) -> str:
        return "; ".join(f"{name}: {reason}" for name, reason in self.why.items())

    def audible(self) -> dict[str, Any]:
        """The choices that change a response's audio: part of every result cache key."""
        return {name: getattr(self, name) for name, declared in CHOICES.items() if declared.audible}


CHOICES: dict[str, Choice] = {
    f.name: f.metadata[_CHOICE] for f in dataclasses.fields(Schedule) if _CHOICE in f.metadata
}
"""Every choice of a schedule, in the order they are made."""


def given(config: EngineConfig, name: str) -> Any:
    """The value of choice ``name``'s setting, or None where the setting leaves it to the measurement."""
    group, setting = CHOICES[name].setting
    value = getattr(getattr(config, group), setting)
    left = value == "auto" or (not isinstance(value, bool) and value == 0)
    return None if left else value


def needs_measuring(config: EngineConfig) -> bool:
    """Whether a setting that decides speed is left to the measurement."""
    return any(given(config, name) is None for name in CHOICES)


def variable(name: str) -> str:
    """The environment variable of choice ``name``'s setting."""
    return env_of(EngineConfig, *CHOICES[name].setting)


def untuned_environment() -> dict[str, str]:
    """The settings that give every choice its unmeasured value: a server started with them measures nothing."""
    return {variable(name): as_text(declared.untuned) for name, declared in CHOICES.items()}
