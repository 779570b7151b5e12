"""What API keys, rate limits and metrics cost per request: the same server with them off and on.

    uv run python -m tests.bench.access_cost [--requests 300] [--syntheses 15]

Three `kokoro-speech serve` runs side by side, one worker each: open without metrics, open with
metrics (the default), and with a key, both limits and metrics. They answer the same requests in
turn, one at a time, each on its own kept-alive connection, so that whatever else the machine does
falls on all three alike: cache hits (a speech request answered from the result cache, the cheapest
request that goes through every layer), phonemize requests, and short sentences the model speaks
(a new one each round, so never from the cache). It prints the median and p95 time of each and the
difference the settings make.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

from kokoro_speech.testing import ServerProcess
from tests.support import UNTUNED_SCHEDULE, base_env, model_home, start_server

KEY = "sk-bench-0123456789"
SPEECH = {"model": "tts-1", "voice": "af_heart", "input": "A cache hit goes through every layer."}
SETUPS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "open, metrics off": ({"metrics": "false"}, {}),
    "open, metrics on": ({}, {}),
    "key + limits + metrics": (
        {"api_keys": KEY, "rate_limit_requests_per_minute": "1000000", "rate_limit_chars_per_minute": "100000000"},
        {"Authorization": f"Bearer {KEY}"},
    ),
}
"""Each server's settings and the headers its requests carry."""


def timed(client: httpx.Client, path: str, body: Mapping[str, object]) -> float:
    started = time.perf_counter()
    response = client.post(path, json=body)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.text
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--syntheses", type=int, default=15)
    args = parser.parse_args()
    times: dict[str, dict[str, list[float]]] = {name: {} for name in SETUPS}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        servers: dict[str, ServerProcess] = {}
        clients: dict[str, httpx.Client] = {}
        try:
            for number, (name, (settings, headers)) in enumerate(SETUPS.items()):
                tmp = root / str(number)
                tmp.mkdir()
                env = base_env(model_home(), tmp, graphs_dir=str(root / "graphs"), **UNTUNED_SCHEDULE, **settings)
                servers[name] = start_server(env, tmp / "server.log", workers=1)
                clients[name] = httpx.Client(base_url=servers[name].url, headers=headers, timeout=120)
                timed(clients[name], "/v1/audio/speech", SPEECH)  # the entry every later hit is answered from
            for round_ in range(max(args.requests, args.syntheses)):
                # A different server first each round, so that none is always the one after a pause.
                order = list(SETUPS)[round_ % len(SETUPS) :] + list(SETUPS)[: round_ % len(SETUPS)]
                for name in order:
                    kinds = times[name]
                    if round_ < args.requests:
                        kinds.setdefault("cache hit", []).append(timed(clients[name], "/v1/audio/speech", SPEECH))
                        phonemize = {"input": "Hello there."}
                        kinds.setdefault("phonemize", []).append(timed(clients[name], "/v1/audio/phonemize", phonemize))
                    if round_ < args.syntheses:
                        sentence = {
                            **SPEECH,
                            "input": f"Sentence {round_ + 1} is made by the model.",
                            "response_format": "wav",
                        }
                        kinds.setdefault("synthesis", []).append(timed(clients[name], "/v1/audio/speech", sentence))
        finally:
            for client in clients.values():
                client.close()
            for server in servers.values():
                server.stop()
    base = times["open, metrics off"]
    print(f"{'server':<26}{'request':<12}{'median ms':>11}{'p95 ms':>10}{'+ median ms':>13}")
    for name, kinds in times.items():
        for kind, values in kinds.items():
            median = statistics.median(values) * 1000
            p95 = statistics.quantiles(values, n=20)[-1] * 1000
            extra = median - statistics.median(base[kind]) * 1000
            print(f"{name:<26}{kind:<12}{median:>11.2f}{p95:>10.2f}{extra:>+13.2f}")


if __name__ == "__main__":
    main()
