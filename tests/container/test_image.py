"""The container image of deploy/Dockerfile, built on a plain Debian 12 made here (python3 in /usr/bin, as against
the official python image's /usr/local/bin) and run: it serves speech that decodes, as a user other than root, its
own health check passes, the first start's measurement stays in the cache volume for the next container, and its
threads follow the container's CPU quota."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from kokoro_speech.engine.schedule import untuned_environment
from tests.support import REPO, free_port
from tests.support.containers import (
    CA_STORE,
    PODMAN,
    Container,
    debian_base,
    podman,
    ready,
    require_podman,
    run_detached,
)

DOCKERFILE = REPO / "deploy" / "Dockerfile"
IMAGE = "localhost/kokoro-speech-test-image"
BASE_PACKAGES = ("python3", "python3-venv", "ca-certificates")
READY_TIMEOUT_S = 300
"""A guard against a hang: with the model mounted and nothing measured the server is ready in seconds."""
MEASURED_READY_TIMEOUT_S = 900
"""A guard against a hang for a first start that measures the machine (half a minute to minutes)."""
MEASURING = "measuring how to run the model on this machine"
"""What the server logs when it measures (engine/tuning.py)."""
SPEECH = {"model": "tts-1", "voice": "af_heart", "input": "Hello from inside a container.", "response_format": "wav"}
SPEECH_SECONDS = (1.0, 5.0)
"""What a listener would accept for that sentence, whatever the machine."""


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> str:
    require_podman()
    base = debian_base(BASE_PACKAGES, tmp_path_factory.mktemp("base"))
    # This machine reaches PyPI through a TLS proxy whose CA is in its store: the image's documented way in.
    secret = [f"--secret=id=ca-certificates,src={CA_STORE}"] if CA_STORE.is_file() else []
    before = subprocess.run(
        [*PODMAN, "image", "inspect", "--format={{.Id}}", IMAGE], capture_output=True, text=True, check=False
    )
    podman(
        "build",
        "--network=host",
        "--format=docker",  # the OCI format has no HEALTHCHECK
        f"--build-arg=BASE_IMAGE={base}",
        *secret,
        f"--file={DOCKERFILE}",
        f"--tag={IMAGE}",
        str(REPO),
    )
    # The image the tag named before, if this build replaced it: reruns do not pile up untagged images.
    if before.returncode == 0 and before.stdout.strip() not in podman("image", "inspect", "--format={{.Id}}", IMAGE):
        subprocess.run([*PODMAN, "rmi", before.stdout.strip()], capture_output=True, check=False)
    return IMAGE


def _env(port: int) -> dict[str, str]:
    return {
        "KOKORO_SPEECH_HOME": "/model",
        "KOKORO_SPEECH_ALLOW_DOWNLOAD": "false",
        "KOKORO_SPEECH_HOST": "127.0.0.1",  # the host's network: no wider than the test needs
        "KOKORO_SPEECH_PORT": str(port),
    }


@pytest.fixture(scope="module")
def served(image: str, home: Path) -> Iterator[Container]:
    port = free_port()
    # Not about the first start's measurement, which would cost a minute or two.
    container = run_detached(image, _env(port) | untuned_environment(), [f"{home}:/model:ro"], port)
    with ready(container, READY_TIMEOUT_S):
        yield container


def test_the_image_speaks(served: Container) -> None:
    served.speaks(SPEECH, SPEECH_SECONDS)
    # The result cache went to the volume, which the image made the server's own.
    assert "results.sqlite3" in served.exec("ls", "/cache").split()


def test_the_server_runs_as_a_user_other_than_root(served: Container) -> None:
    assert served.exec("id", "-u").strip() != "0"
    # The server itself (the image's command is process 1): every one of its uids.
    status = dict(line.split(":", 1) for line in served.exec("cat", "/proc/1/status").splitlines() if ":" in line)
    assert "kokoro-speech" in served.exec("cat", "/proc/1/cmdline")
    assert "0" not in status["Uid"].split(), status["Uid"]


def test_the_image_health_check_passes_once_ready(served: Container) -> None:
    assert podman("healthcheck", "run", served.id).strip() in ("", "healthy")


def test_the_first_start_measurement_stays_in_the_cache_volume(image: str, home: Path) -> None:
    volume = f"kokoro-speech-test-cache-{uuid.uuid4().hex[:12]}"
    podman("volume", "create", volume)
    try:
        for start, measures in (("first", True), ("second", False)):
            port = free_port()
            container = run_detached(image, _env(port), [f"{home}:/model:ro", f"{volume}:/cache"], port)
            with ready(container, MEASURED_READY_TIMEOUT_S):
                assert (MEASURING in container.logs()) is measures, f"the {start} start"
                assert "tuning.json" in container.exec("ls", "/cache/models").split()
    finally:
        podman("volume", "rm", "--force", volume)


def test_threads_follow_the_container_cpu_quota(image: str) -> None:
    probe = "from kokoro_speech.infra.system import cgroup_cpu_quota, cpu_count; print(cgroup_cpu_quota(), cpu_count())"
    assert podman("run", "--rm", "--cpus=1", image, "python", "-c", probe).split() == ["1.0", "1"]
