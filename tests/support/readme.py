"""The README as the tests read it: the commands its Quick start shows."""

from __future__ import annotations

import re

from tests.support import REPO

README = (REPO / "README.md").read_text()


def quick_start() -> str:
    """The Quick start section's commands, their comments dropped."""
    section = README[README.index("## Quick start") : README.index("## Use it")]
    block = section[section.index("```sh\n") + len("```sh\n") : section.index("\n```", section.index("```sh"))]
    return "\n".join(re.sub(r"\s+#.*$", "", line) for line in block.splitlines())


def quick_start_serve_command() -> str:
    """The Quick start's command that installs and serves."""
    (line,) = (line for line in quick_start().splitlines() if "kokoro-speech serve" in line)
    return line
