"""What API keys, rate limits and metrics cost per request: the same server with them off and on.

    uv run python -m tests.bench.access_cost [--requests 300]

Two `kokoro-speech serve` runs, one worker each: the first open, without limits (metrics on, as by
default, and then off); the second with a key, both limits and metrics. Each answers the same
sequence of cache hits (a speech request answered from the result cache: the cheapest request that
goes through every layer) and of phonemize requests, on one kept-alive connection, one at a time.
It prints the median and p95 time of each and the difference the settings make.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from tests.conftest import UNTUNED_SCHEDULE, base_env, model_home, start_server

KEY = "sk-bench-0123456789"
SPEECH = {"model": "tts-1", "voice": "af_heart", "input": "A cache hit goes through every layer."}


def measure(settings: dict[str, str], requests: int, headers: dict[str, str], graphs: Path) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        env = base_env(model_home(), tmp, graphs_dir=str(graphs), **UNTUNED_SCHEDULE, **settings)
        server = start_server(env, tmp / "server.log", workers=1)
        try:
            with httpx.Client(base_url=server.url, headers=headers, timeout=120) as client:
                assert client.post("/v1/audio/speech", json=SPEECH).status_code == 200
                times: dict[str, list[float]] = {"cache hit": [], "phonemize": []}
                for _ in range(requests):
                    for name, path, body in (
                        ("cache hit", "/v1/audio/speech", SPEECH),
                        ("phonemize", "/v1/audio/phonemize", {"input": "Hello there."}),
                    ):
                        started = time.perf_counter()
                        response = client.post(path, json=body)
                        times[name].append(time.perf_counter() - started)
                        assert response.status_code == 200, response.text
                return times
        finally:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as graphs:
        runs = {
            "open, metrics off": measure({"metrics": "false"}, args.requests, {}, Path(graphs)),
            "open, metrics on": measure({}, args.requests, {}, Path(graphs)),
            "key + limits + metrics": measure(
                {
                    "api_keys": KEY,
                    "rate_limit_requests_per_minute": str(100 * args.requests),
                    "rate_limit_chars_per_minute": str(10000 * args.requests),
                },
                args.requests,
                {"Authorization": f"Bearer {KEY}"},
                Path(graphs),
            ),
        }
    base = runs["open, metrics off"]
    print(f"{'server':<26}{'request':<12}{'median ms':>11}{'p95 ms':>9}{'+ median ms':>13}")
    for name, times in runs.items():
        for kind, values in times.items():
            median = statistics.median(values) * 1000
            p95 = statistics.quantiles(values, n=20)[-1] * 1000
            extra = median - statistics.median(base[kind]) * 1000
            print(f"{name:<26}{kind:<12}{median:>11.2f}{p95:>9.2f}{extra:>+13.2f}")


if __name__ == "__main__":
    main()
