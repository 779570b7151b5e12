"""Podman for the container tests: checking it can run here, Debian base images made from packages with
mmdebstrap (no image registry needed), and containers run on the host's network with the model mounted.

The made base images are kept under a tag that names their contents, so a later run reuses them.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support import REPO, wait_ready
from tests.support.audio import decode, level_dbfs

PODMAN = ("podman", "--runtime", "runc")
"""podman with runc: its default runtime cannot start containers on this kind of host."""
SUITE = "bookworm"
DEBIAN_SUITES = (SUITE, f"{SUITE}-updates", f"{SUITE}-security")
DEFAULT_MIRRORS = (
    f"deb http://deb.debian.org/debian {SUITE} main",
    f"deb http://deb.debian.org/debian {SUITE}-updates main",
    f"deb http://deb.debian.org/debian-security {SUITE}-security main",
)
"""Where Debian's packages come from when this machine's apt names no Debian 12 mirror."""
APT_SOURCES = Path("/etc/apt")
CONTAINERS_CONF = (
    Path("/etc/containers/containers.conf"),
    *sorted(Path("/etc/containers/containers.conf.d").glob("*.conf")),
)
ULIMITS_HINT = "podman here needs `default_ulimits = []` under `[containers]` in /etc/containers/containers.conf"
CA_STORE = Path("/etc/ssl/certs/ca-certificates.crt")
"""This machine's CA store: its TLS proxy's certificate is in it, and the containers reach PyPI through it."""
BASE_TAG = "localhost/kokoro-speech-test-debian"
COMMAND_TIMEOUT_S = 1800
"""A guard against a hung podman or mmdebstrap (an install from scratch takes minutes), not a goal."""
STOP_GRACE_S = 10
SPEECH_MIN_DBFS = -35
"""Speech is louder than this; a silent or broken answer is not."""


def require_podman() -> None:
    """Fail, saying what is missing, unless podman, runc and mmdebstrap are here and podman is configured."""
    missing = [tool for tool in ("podman", "runc", "mmdebstrap") if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"the container tests need {', '.join(missing)} (Debian: apt-get install podman runc mmdebstrap)")
    configured = [
        tomllib.loads(path.read_text()).get("containers", {}).get("default_ulimits")
        for path in CONTAINERS_CONF
        if path.is_file()
    ]
    if [] not in configured:
        pytest.fail(ULIMITS_HINT)


def podman(*args: str, timeout: float = COMMAND_TIMEOUT_S) -> str:
    """Run podman; its standard output, or a failure that shows what it said."""
    done = subprocess.run([*PODMAN, *args], capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        pytest.fail(
            f"podman {' '.join(args[:3])}... exited {done.returncode}:\n{done.stdout[-4000:]}{done.stderr[-4000:]}"
        )
    return done.stdout


def apt_mirrors() -> list[str]:
    """This machine's apt sources for Debian 12 (one-line and deb822 files), as mmdebstrap takes them."""
    found: list[tuple[str, str]] = []
    for path in sorted([*APT_SOURCES.glob("sources.list"), *APT_SOURCES.glob("sources.list.d/*")]):
        if path.suffix == ".sources":
            found += _deb822_entries(path.read_text())
        elif path.suffix == ".list" or path.name == "sources.list":
            found += _one_line_entries(path.read_text())
    return [f"deb {uri} {suite} main" for uri, suite in dict.fromkeys(found) if suite in DEBIAN_SUITES] or list(
        DEFAULT_MIRRORS
    )


def _one_line_entries(text: str) -> Iterator[tuple[str, str]]:
    for line in text.splitlines():
        words = [word for word in line.split("#", 1)[0].split() if not word.startswith("[")]
        if len(words) >= 3 and words[0] == "deb":
            yield words[1], words[2]


def _deb822_entries(text: str) -> Iterator[tuple[str, str]]:
    for stanza in text.split("\n\n"):
        fields = {}
        for line in stanza.splitlines():
            key, _, value = line.partition(":")
            if value and not line.startswith(("#", " ")):
                fields[key.strip().lower()] = value.split()
        if "deb" in fields.get("types", []):
            yield from ((uri, suite) for uri in fields.get("uris", []) for suite in fields.get("suites", []))


def debian_base(packages: Sequence[str], workdir: Path) -> str:
    """A Debian 12 image with only ``packages`` (and what Debian always installs), made once and kept under a tag
    that names the suite, packages and mirrors it was made from."""
    mirrors = apt_mirrors()
    recipe = "\n".join([SUITE, *sorted(packages), *mirrors])
    tag = f"{BASE_TAG}:{SUITE}-{hashlib.sha256(recipe.encode()).hexdigest()[:16]}"
    exists = subprocess.run([*PODMAN, "image", "exists", tag], check=False, timeout=COMMAND_TIMEOUT_S)
    if exists.returncode == 0:
        return tag
    tarball = workdir / "rootfs.tar"
    subprocess.run(
        [
            "mmdebstrap",
            "--quiet",
            "--variant=minbase",
            f"--include={','.join(packages)}",
            SUITE,
            str(tarball),
            *mirrors,
        ],
        check=True,
        timeout=COMMAND_TIMEOUT_S,
    )
    podman("import", "--change", "CMD=/bin/bash", str(tarball), tag)
    tarball.unlink()
    return tag


@dataclass
class Container:
    """A container started detached; ``url`` is where its server listens on the host's network."""

    id: str
    url: str

    def exec(self, *command: str) -> str:
        return podman("exec", self.id, *command)

    def running(self) -> bool:
        return podman("inspect", "--format", "{{.State.Running}}", self.id).strip() == "true"

    def logs(self) -> str:
        done = subprocess.run([*PODMAN, "logs", self.id], capture_output=True, text=True, check=False)
        return done.stdout + done.stderr

    def wait_ready(self, timeout: float) -> None:
        """Return once /ready answers 200; fail with the container's log if it stops or never gets there."""
        try:
            wait_ready(lambda path: httpx.get(self.url + path, timeout=5), timeout=timeout, alive=self._alive)
        except TimeoutError as error:
            pytest.fail(f"{error}\n{self.logs()[-8000:]}")

    def _alive(self) -> None:
        if not self.running():
            pytest.fail(f"the container stopped before it was ready:\n{self.logs()[-8000:]}")

    def speaks(self, speech: Mapping[str, str], seconds: tuple[float, float]) -> None:
        """One speech request answers audio that decodes, lasts within ``seconds`` and is heard, not silent."""
        response = httpx.post(f"{self.url}/v1/audio/speech", json=dict(speech), timeout=120)
        assert response.status_code == httpx.codes.OK, response.text
        samples, rate = decode(response.content, speech["response_format"])
        low, high = seconds
        assert low < len(samples) / rate < high
        assert level_dbfs(samples) > SPEECH_MIN_DBFS

    def stop(self) -> None:
        """Stop and remove it, with the anonymous volumes the image's VOLUME made (named ones stay)."""
        remove = [*PODMAN, "rm", "--force", "--volumes", "--time", str(STOP_GRACE_S), self.id]
        subprocess.run(remove, capture_output=True, check=False)


def run_detached(image: str, env: Mapping[str, str], volumes: Sequence[str], port: int, *command: str) -> Container:
    """``image`` run on the host's network (its server on ``port``), removed when stopped."""
    args = ["run", "--detach", "--network=host", *(f"--env={k}={v}" for k, v in env.items())]
    args += [f"--volume={volume}" for volume in volumes]
    container_id = podman(*args, image, *command).strip()
    return Container(container_id, f"http://127.0.0.1:{port}")


@contextmanager
def ready(container: Container, timeout: float) -> Iterator[Container]:
    """``container`` once it answers /ready, stopped and removed afterwards whatever happened."""
    try:
        container.wait_ready(timeout)
        yield container
    finally:
        container.stop()


def repository_copy(dest: Path) -> Path:
    """The working tree as git sees it (tracked and untracked files, nothing ignored: no .venv, no caches)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def host_env() -> dict[str, str]:
    """What a container on this machine needs besides its own: the proxy's CA store, where TLS clients read it."""
    return {"SSL_CERT_FILE": str(CA_STORE), "PIP_CERT": str(CA_STORE)} if CA_STORE.is_file() else {}
