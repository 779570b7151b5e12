"""The deployment files agree with the code: variables that exist, the ports and paths the server uses, grace
periods longer than the server's own. (They cannot be applied here; this is what can be checked without a cluster.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from kokoro_speech.config import MetricsConfig, SpeechConfig
from kokoro_speech.infra.settings import settings_of
from kokoro_speech.server.config import ServeConfig
from tests.support import REPO

DEPLOY = REPO / "deploy"
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


def test_the_kubernetes_manifest_matches_the_config() -> None:
    docs = documents(DEPLOY / "kubernetes.yaml")
    assert {"Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Secret"} <= set(docs)
    pod = docs["Deployment"]["spec"]["template"]
    (container,) = pod["spec"]["containers"]
    env = {item["name"]: item["value"] for item in container["env"]}
    assert set(env) <= KNOWN, set(env) - KNOWN
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
    env = service["environment"]
    assert set(env) <= KNOWN, set(env) - KNOWN
    grace = ServeConfig.from_env(env).shutdown_grace_seconds
    assert int(service["stop_grace_period"].rstrip("s")) > grace
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "EXPOSE 8880" in dockerfile and f"{ServeConfig().port}:{ServeConfig().port}" in service["ports"][0]
    assert any(probe in dockerfile for probe in PROBES)
    redis_url = urlsplit(SpeechConfig.from_env(env).redis.url)
    assert redis_url.hostname in compose["services"] and redis_url.hostname in service["depends_on"]
    assert redis_url.port == _port_after(compose["services"][redis_url.hostname]["command"])
