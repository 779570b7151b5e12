"""Settings from the environment: nested dataclass configs whose leaves each name a variable.

A config is a frozen dataclass. A field declared with :func:`setting` is one setting: it has
a default and the environment variable that sets it. A field whose type is itself such a
dataclass is a group of settings, read the same way. Any other field is plain code-level
wiring that the environment does not reach (dependency keys, say).
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import inspect
import itertools
import re
import textwrap
import typing
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import msgspec

ENV_PREFIX = "KOKORO_SPEECH_"
_ENV = "env"

C = TypeVar("C")


def setting(default: Any = dataclasses.MISSING, *, env: str, factory: Callable[[], Any] | None = None) -> Any:
    """A config field set by the environment variable ``env`` (a full name, ``KOKORO_SPEECH_...``)."""
    if not env.startswith(ENV_PREFIX):
        raise ValueError(f"{env} does not start with {ENV_PREFIX}")
    metadata = {_ENV: env}
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


@dataclasses.dataclass(frozen=True)
class Setting:
    """One leaf of a config: where it sits, its variable, and its type."""

    path: tuple[str, ...]
    env: str
    type: Any
    default: Any


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _default(f: dataclasses.Field[Any]) -> Any:
    return f.default_factory() if callable(f.default_factory) else f.default


def _is_group(type_: Any) -> bool:
    return isinstance(type_, type) and dataclasses.is_dataclass(type_)


def settings_of(cls: type, path: tuple[str, ...] = ()) -> Iterator[Setting]:
    """Every setting of ``cls`` and of its groups, in declaration order."""
    hints = _hints(cls)
    for f in dataclasses.fields(cls):
        type_ = hints[f.name]
        if _ENV in f.metadata:
            yield Setting((*path, f.name), f.metadata[_ENV], type_, _default(f))
        elif _is_group(type_):
            yield from settings_of(type_, (*path, f.name))


def groups_of(cls: type, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], type]]:
    """``cls`` and each group of settings under it, with where it sits, in declaration order."""
    yield path, cls
    hints = _hints(cls)
    for f in dataclasses.fields(cls):
        if _ENV not in f.metadata and _is_group(hints[f.name]):
            yield from groups_of(hints[f.name], (*path, f.name))


@functools.cache
def field_docs(cls: type) -> dict[str, str]:
    """The docstrings written under a dataclass's own fields, read from its source as documentation tools read
    them (empty where the source is not there)."""
    try:
        source = textwrap.dedent(inspect.getsource(cls))
    except (OSError, TypeError):
        return {}
    body = next(node for node in ast.parse(source).body if isinstance(node, ast.ClassDef)).body
    docs: dict[str, str] = {}
    for field_, after in itertools.pairwise(body):
        if (
            isinstance(field_, ast.AnnAssign)
            and isinstance(field_.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            docs[field_.target.id] = inspect.cleandoc(after.value.value)
    return docs


def from_env(cls: type[C], environ: Mapping[str, str]) -> C:
    """``cls`` built from the variables in ``environ``; the rest keep their defaults.

    An empty value means "empty" for text settings (no CORS origins, no prefix) and "unset"
    for the others. A bad value raises ValueError naming its variable.
    """
    raw: dict[str, Any] = {}
    for item in settings_of(cls):
        value = environ.get(item.env)
        if value is None or (value == "" and item.type is not str):
            continue
        node = raw
        for name in item.path[:-1]:
            node = node.setdefault(name, {})
        node[item.path[-1]] = value
    try:
        return msgspec.convert(raw, cls, strict=False, dec_hook=_decode)
    except msgspec.ValidationError as error:
        raise ValueError(_explain(cls, str(error), environ)) from error


def to_env(config: object) -> dict[str, str]:
    """The variables that rebuild ``config`` in another process (unset optional values left out)."""
    env: dict[str, str] = {}
    for item in settings_of(type(config)):
        value: Any = config
        for name in item.path:
            value = getattr(value, name)
        if value is not None:
            env[item.env] = as_text(value)
    return env


def as_text(value: object) -> str:
    """A setting's value as its variable holds it."""
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def env_of(cls: type, *path: str) -> str:
    """The variable of the setting at ``path`` (``env_of(SpeechConfig, "scheduling", "lanes")``)."""
    for item in settings_of(cls):
        if item.path == path:
            return item.env
    raise KeyError(".".join(path))


def check_range(config: object, *, positive: tuple[str, ...] = (), not_negative: tuple[str, ...] = ()) -> None:
    """Refuse values out of range, naming the variable that set them (for a config's ``__post_init__``)."""
    for name in positive:
        if getattr(config, name) < 1:
            raise ValueError(f"{env_of(type(config), name)} must be at least 1, got {getattr(config, name)}")
    for name in not_negative:
        if getattr(config, name) < 0:
            raise ValueError(f"{env_of(type(config), name)} must not be negative, got {getattr(config, name)}")


def comma_list(text: str) -> list[str]:
    """The items of a comma-separated setting, trimmed, empty ones left out."""
    return [item.strip() for item in text.split(",") if item.strip()]


def check_above_zero(config: object, *names: str) -> None:
    """Refuse zero or negative values of ``names``, naming the variable that set each."""
    for name in names:
        if getattr(config, name) <= 0:
            raise ValueError(f"{env_of(type(config), name)} must be above zero, got {getattr(config, name)}")


def _decode(type_: type, obj: Any) -> Any:
    if type_ is Path:
        return Path(obj).expanduser()
    raise NotImplementedError(f"cannot decode {type_}")


_AT = re.compile(r" - at `\$((?:\.\w+)*)`$")


def _explain(cls: type, message: str, environ: Mapping[str, str]) -> str:
    """msgspec's message with the path of the bad value turned into its variable."""
    match = _AT.search(message)
    if match is None:
        return f"invalid setting: {message}"
    path = tuple(part for part in match.group(1).split(".") if part)
    for item in settings_of(cls):
        if item.path == path:
            return f"invalid setting {item.env}={environ.get(item.env, '')!r}: {message[: match.start()]}"
    # A check across a group's settings names its variables itself.
    return f"invalid setting: {message[: match.start()]}"
