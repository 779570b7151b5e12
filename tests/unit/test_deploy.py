"""The deployment files agree with the code: variables that exist, the ports and paths the server uses, grace
periods longer than the server's own; and they are safe as shipped: pinned images, a user other than root, no
usable key or password, Redis reachable only by the server's pods. (They cannot be applied here; this is what can be
checked without a cluster. tests/container builds and runs the image.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from kokoro_speech.api.access.keys import read_keys_file
from kokoro_speech.config import MetricsConfig, SpeechConfig
from kokoro_speech.infra.settings import settings_of
from kokoro_speech.server.config import ServeConfig
from tests.support import REPO

DEPLOY = REPO / "deploy"
DOCKERFILE = (DEPLOY / "Dockerfile").read_text()
KNOWN = {s.env for s in settings_of(SpeechConfig)} | {s.env for s in settings_of(ServeConfig)}
PROBES = {"/health", "/ready"}


def documents(path: Path) -> dict[str, dict[str, Any]]:
    """The server's documents by kind; Redis's under ``redis-<kind>``."""
    out = {}
    for doc in yaml.safe_load_all(path.read_text()):
        if doc:
            redis = doc["metadata"]["name"].endswith("-redis")
            out[("redis-" if redis else "") + doc["kind"]] = doc
    return out


def _port_after(args: list[str], flag: str = "--port") -> int:
    return int(args[args.index(flag) + 1])


def _expand(value: str, variables: dict[str, str]) -> str:
    """A value as Kubernetes ($(NAME)) or Compose (${NAME}, ${NAME:?message}) fills in its variables."""
    value = re.sub(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", lambda m: variables[m.group(1)], value)
    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[?-][^}]*)?\}", lambda m: variables[m.group(1)], value)


def _arg(name: str) -> str:
    """The default of the Dockerfile's build argument ``name``."""
    found = re.search(rf"^ARG {name}=(\S+)$", DOCKERFILE, flags=re.MULTILINE)
    assert found is not None, name
    return found.group(1)


def _pinned(image: str) -> bool:
    """A version tag or a digest: never latest, never a bare major."""
    name, _, tag = image.rpartition(":")
    versioned = re.fullmatch(r"\d+(\.\d+)+(-[a-z0-9.-]+)?", tag) is not None
    return "@sha256:" in image or (bool(name) and versioned)


def _kubernetes_env(container: dict[str, Any]) -> dict[str, str]:
    """The container's variables as the server gets them, a Secret's values replaced by a sample."""
    env: dict[str, str] = {}
    for item in container["env"]:
        env[item["name"]] = _expand(item["value"], env) if "value" in item else "sample-from-secret"
    return env


def test_the_kubernetes_manifest_matches_the_config() -> None:
    docs = documents(DEPLOY / "kubernetes.yaml")
    assert {"Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Secret"} <= set(docs)
    pod = docs["Deployment"]["spec"]["template"]
    (container,) = pod["spec"]["containers"]
    env = _kubernetes_env(container)
    from_secrets = {item["name"] for item in container["env"] if "valueFrom" in item}
    assert set(env) - from_secrets <= KNOWN, set(env) - from_secrets - KNOWN
    serve = ServeConfig.from_env(env)
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports["http"] == serve.port and serve.host == "0.0.0.0"
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert container["startupProbe"]["httpGet"]["path"] == "/ready"
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert container[probe]["httpGet"]["port"] in ("http", serve.port)
    pre_stop = container["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert pod["spec"]["terminationGracePeriodSeconds"] > serve.shutdown_grace_seconds + pre_stop
    annotations = pod["metadata"]["annotations"]
    assert annotations["prometheus.io/path"] == MetricsConfig().path
    assert int(annotations["prometheus.io/port"]) == serve.port
    # The keys file the server is told of is where the Secret is mounted, under the Secret's key.
    keys_file = Path(env["KOKORO_SPEECH_API_KEYS_FILE"])
    mount = next(m for m in container["volumeMounts"] if keys_file.is_relative_to(m["mountPath"]))
    volume = next(v for v in pod["spec"]["volumes"] if v["name"] == mount["name"])
    assert volume["secret"]["secretName"] == docs["Secret"]["metadata"]["name"]
    assert keys_file.name in docs["Secret"]["stringData"]
    assert SpeechConfig.from_env(env).access.enabled
    service_port = docs["Service"]["spec"]["ports"][0]
    assert service_port["targetPort"] in ("http", serve.port)
    labels = pod["metadata"]["labels"]
    assert docs["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"] == labels
    assert docs["HorizontalPodAutoscaler"]["spec"]["scaleTargetRef"]["name"] == docs["Deployment"]["metadata"]["name"]
    # Every pod reaches the one Redis through its Service, on the port Redis listens on.
    redis_url = urlsplit(SpeechConfig.from_env(env).redis.url)
    redis_service = docs["redis-Service"]
    assert redis_url.hostname == redis_service["metadata"]["name"]
    (redis_port,) = redis_service["spec"]["ports"]
    assert redis_url.port == redis_port["port"]
    (redis,) = docs["redis-Deployment"]["spec"]["template"]["spec"]["containers"]
    listens = _port_after(redis["args"])
    assert redis_port["targetPort"] in (next(p["name"] for p in redis["ports"] if p["containerPort"] == listens),)
    assert redis_service["spec"]["selector"] == docs["redis-Deployment"]["spec"]["template"]["metadata"]["labels"]
    assert "volatile-lru" in redis["args"], "cached responses and counts expire, so they are what Redis may evict"


def test_compose_matches_the_config() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    service = compose["services"]["kokoro-speech"]
    env = {name: _expand(value, {"REDIS_PASSWORD": "sample"}) for name, value in service["environment"].items()}
    assert set(env) <= KNOWN, set(env) - KNOWN
    grace = ServeConfig.from_env(env).shutdown_grace_seconds
    assert int(service["stop_grace_period"].rstrip("s")) > grace
    assert "EXPOSE 8880" in DOCKERFILE and f"{ServeConfig().port}:{ServeConfig().port}" in service["ports"][0]
    assert any(probe in DOCKERFILE for probe in PROBES)
    redis_url = urlsplit(SpeechConfig.from_env(env).redis.url)
    assert redis_url.hostname in compose["services"] and redis_url.hostname in service["depends_on"]
    assert redis_url.port == _port_after(compose["services"][redis_url.hostname]["command"])


def test_the_dockerfile_builds_on_a_pinned_base_as_a_user_other_than_root() -> None:
    assert _pinned(_arg("BASE_IMAGE")), _arg("BASE_IMAGE")
    assert re.search(r"^FROM \$\{BASE_IMAGE\}$", DOCKERFILE, flags=re.MULTILINE)
    assert re.fullmatch(r"\d+\.\d+\.\d+", _arg("UV_VERSION")) and '"uv==${UV_VERSION}"' in DOCKERFILE
    # Both kinds of base: python3 from the PATH, whether in /usr/local/bin (python slim) or /usr/bin (Debian).
    assert "python3 -m venv" in DOCKERFILE and "/usr/local/bin/python" not in DOCKERFILE
    user = re.search(r"^USER (\S+)$", DOCKERFILE, flags=re.MULTILINE)
    assert user is not None and user.group(1) == "${APP_UID}:${APP_UID}" and int(_arg("APP_UID")) > 0
    assert DOCKERFILE.index("USER ") > DOCKERFILE.rindex("RUN ")


def test_the_dockerfile_installs_the_locked_dependencies_before_the_source() -> None:
    lines = [line.strip() for line in DOCKERFILE.splitlines()]
    first_copy = next(i for i, line in enumerate(lines) if line.startswith("COPY "))
    dependencies = next(i for i, line in enumerate(lines) if "uv sync --frozen --no-dev --no-install-project" in line)
    source = next(i for i, line in enumerate(lines) if line.startswith("COPY kokoro_speech"))
    project = next(i for i, line in enumerate(lines) if "uv sync --frozen --no-dev" in line and i > source)
    assert lines[first_copy].split()[1:-1] == ["pyproject.toml", "uv.lock"]
    assert first_copy < dependencies < source < project


def test_the_dockerfile_keeps_the_measurement_in_a_volume_and_waits_for_a_first_start() -> None:
    cache = re.search(r"KOKORO_SPEECH_CACHE_DIR=(\S+)", DOCKERFILE)
    assert cache is not None and f'VOLUME ["{cache.group(1)}"]' in DOCKERFILE
    start = re.search(r"HEALTHCHECK .*--start-period=(\d+)m", DOCKERFILE)
    assert start is not None and int(start.group(1)) >= 5, "a first start downloads the model and measures: minutes"
    assert re.search(r'if \[ "\$\{BAKE_MODEL\}" = true \]; then .*kokoro-speech download', DOCKERFILE)
    assert "--mount=type=secret,id=ca-certificates" in DOCKERFILE


def test_compose_keeps_the_redis_password_out_of_the_files() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert all(_pinned(service["image"]) for service in services.values())
    redis = services["redis"]["command"]
    password = redis[redis.index("--requirepass") + 1]
    assert password.startswith("${REDIS_PASSWORD:?"), "no password committed; none given, compose refuses to start"
    assert (
        urlsplit(
            _expand(services["kokoro-speech"]["environment"]["KOKORO_SPEECH_REDIS_URL"], {"REDIS_PASSWORD": "p"})
        ).password
        == "p"
    )
    assert "deploy/.env" in (REPO / ".gitignore").read_text().split()
    service = services["kokoro-speech"]
    assert any(
        volume.endswith(":/cache") and volume.split(":")[0] in compose["volumes"] for volume in service["volumes"]
    )
    assert service["healthcheck"]["start_period"] == "10m" and "/ready" in " ".join(service["healthcheck"]["test"])
    assert services["kokoro-speech"]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_the_kubernetes_pods_run_locked_down_on_pinned_images() -> None:
    docs = documents(DEPLOY / "kubernetes.yaml")
    uid = int(_arg("APP_UID"))
    for kind in ("Deployment", "redis-Deployment"):
        pod = docs[kind]["spec"]["template"]["spec"]
        context = pod["securityContext"]
        assert context["runAsNonRoot"] is True and context["runAsUser"] > 0, kind
        assert context["seccompProfile"] == {"type": "RuntimeDefault"}, kind
        for container in pod["containers"]:
            assert _pinned(container["image"]), container["image"]
            locked = container["securityContext"]
            assert locked["allowPrivilegeEscalation"] is False and locked["readOnlyRootFilesystem"] is True
            assert locked["capabilities"]["drop"] == ["ALL"]
    server = docs["Deployment"]["spec"]["template"]["spec"]
    assert server["securityContext"]["runAsUser"] == uid, "the image's own user"
    (container,) = server["containers"]
    volumes = {volume["name"]: volume for volume in server["volumes"]}
    mounts = {mount["mountPath"]: volumes[mount["name"]] for mount in container["volumeMounts"]}
    assert "emptyDir" in mounts["/tmp"], "a read-only root file system, and a place for temporary files"
    # The server's threads follow its CPU quota (infra/system.py): without a limit, one per core of the node.
    assert container["resources"]["limits"]["cpu"] == container["resources"]["requests"]["cpu"]


def test_the_kubernetes_secret_ships_nothing_usable(tmp_path: Path) -> None:
    docs = documents(DEPLOY / "kubernetes.yaml")
    secret = docs["Secret"]["stringData"]
    keys = tmp_path / "keys.txt"
    keys.write_text(secret["keys.txt"])
    assert read_keys_file(keys, b"0" * 32) == [], "every request is refused until the team's keys are there"
    assert secret["redis-password"] == ""
    (redis,) = docs["redis-Deployment"]["spec"]["template"]["spec"]["containers"]
    # Redis takes an empty password as none: its start refuses one.
    assert '--requirepass "${REDIS_PASSWORD:?' in " ".join(redis["command"])
    assert {item["name"]: item["valueFrom"]["secretKeyRef"] for item in redis["env"]}["REDIS_PASSWORD"] == {
        "name": docs["Secret"]["metadata"]["name"],
        "key": "redis-password",
    }
    (server,) = docs["Deployment"]["spec"]["template"]["spec"]["containers"]
    env = _kubernetes_env(server)
    assert urlsplit(SpeechConfig.from_env(env).redis.url).password == "sample-from-secret"


def test_only_the_server_pods_reach_redis() -> None:
    docs = documents(DEPLOY / "kubernetes.yaml")
    policy = docs["redis-NetworkPolicy"]["spec"]
    redis_labels = docs["redis-Deployment"]["spec"]["template"]["metadata"]["labels"]
    assert policy["podSelector"]["matchLabels"] == redis_labels and policy["policyTypes"] == ["Ingress"]
    (rule,) = policy["ingress"]
    (source,) = rule["from"]
    assert source == {"podSelector": {"matchLabels": docs["Deployment"]["spec"]["template"]["metadata"]["labels"]}}
    (redis_port,) = docs["redis-Service"]["spec"]["ports"]
    assert rule["ports"] == [{"protocol": "TCP", "port": redis_port["port"]}]


def test_a_new_kubernetes_pod_finds_the_model_and_the_measurement() -> None:
    """The model from the image (never downloaded by a pod), the measurement from a volume every pod shares, so
    only the first pod on a new kind of node measures; the startup probe allows for that one."""
    docs = documents(DEPLOY / "kubernetes.yaml")
    pod = docs["Deployment"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    config = SpeechConfig.from_env(_kubernetes_env(container))
    assert not config.model.allow_download and config.model.home is None, "the image's own KOKORO_SPEECH_HOME"
    assert "BAKE_MODEL=true" in (DEPLOY / "kubernetes.yaml").read_text()
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    mount = next(m for m in container["volumeMounts"] if config.model.made_dir.is_relative_to(m["mountPath"]))
    claim = volumes[mount["name"]]["persistentVolumeClaim"]["claimName"]
    assert docs["PersistentVolumeClaim"]["metadata"]["name"] == claim
    assert docs["PersistentVolumeClaim"]["spec"]["accessModes"] == ["ReadWriteMany"], "every pod shares it"
    startup = container["startupProbe"]
    allowed = startup["periodSeconds"] * startup["failureThreshold"]
    start_period = re.search(r"--start-period=(\d+)m", DOCKERFILE)
    assert start_period is not None and allowed >= int(start_period.group(1)) * 60
