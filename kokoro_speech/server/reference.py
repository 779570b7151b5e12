"""Every setting, listed from the config declarations themselves (``kokoro-speech serve --help`` prints it), so
the reference cannot go stale: each ``KOKORO_SPEECH_*`` variable with its default and what it does, by group."""

from __future__ import annotations

import inspect
import re
import textwrap
from pathlib import Path

from kokoro_speech.config import SpeechConfig
from kokoro_speech.infra.settings import Setting, as_text, field_docs, groups_of, settings_of
from kokoro_speech.server.config import ServeConfig
from kokoro_speech.server.workers import REPORTS_ENV

WIDTH = 100
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z`\"(])")
INTERNAL = {REPORTS_ENV: "Set by `serve` for its own workers (the folder of this run's reports); not a setting."}
"""Variables the package reads that are not settings: listed too, so that none goes unexplained."""


def summary(doc: str) -> str:
    """The first sentence of a docstring, on one line."""
    flat = " ".join(doc.split()).replace("``", "`")
    return _SENTENCE_END.split(flat, maxsplit=1)[0] if flat else ""


def default_text(item: Setting) -> str:
    if item.default is None:
        return "unset"
    if isinstance(item.default, Path):
        return str(item.default).replace(str(Path.home()), "~", 1)
    text = as_text(item.default)
    return text if text else '""'


def reference() -> str:
    """The settings of the plugin and of `serve`, by group."""
    blocks: list[str] = []
    for root in (SpeechConfig, ServeConfig):
        items = list(settings_of(root))
        for path, group in groups_of(root):
            own = [item for item in items if item.path[:-1] == path]
            if not own:
                continue
            title = ".".join(path) or ("serve" if root is ServeConfig else "plugin")
            heading = summary(inspect.getdoc(group) or "")
            docs = field_docs(group)
            lines = [f"{title}: {heading}" if heading else title]
            for item in own:
                lines.append(f"  {item.env}={default_text(item)}")
                said = summary(docs.get(item.path[-1], ""))
                lines += textwrap.wrap(said, WIDTH, initial_indent="      ", subsequent_indent="      ")
            blocks.append("\n".join(lines))
    internal = ["not settings:"]
    for name, doc in INTERNAL.items():
        internal += [f"  {name}", *textwrap.wrap(doc, WIDTH, initial_indent="      ", subsequent_indent="      ")]
    blocks.append("\n".join(internal))
    return "environment variables (flags beat them, they beat the defaults):\n\n" + "\n\n".join(blocks)
