"""A real `kokoro-speech serve --workers 2`: the OpenAI SDK, the shared cache, start-up failures."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import openai
import pytest

from kokoro_speech.infra.system import cpu_count
from tests.support import (
    EVENT_TIMEOUT_S,
    REPO,
    UNTUNED_SCHEDULE,
    Server,
    base_env,
    faults,
    free_port,
    start_server,
    wait_for,
)
from tests.support.audio import decode, duration, level_dbfs

MAX_TRIES_FOR_OTHER_WORKER = 60
TEXT = (
    "Identical requests that arrive together are made once. The first one is synthesized as usual, and "
    "every copy that comes while it is being made reads the same audio as it goes, in this worker or in "
    "another one that shares the result cache."
)


def sdk(server: Server) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.url + "/v1", api_key="not-needed")


def test_openai_sdk_plain(two_workers: Server) -> None:
    response = sdk(two_workers).audio.speech.create(
        model="tts-1", voice="alloy", input="Hello from the OpenAI client library."
    )
    samples, rate = decode(response.content, "mp3")
    assert len(samples) / rate > 1.5 and level_dbfs(samples) > -35


def test_openai_sdk_streaming(two_workers: Server) -> None:
    pieces = []
    with sdk(two_workers).audio.speech.with_streaming_response.create(
        model="gpt-4o-mini-tts",
        voice="coral",
        response_format="wav",
        input="Streaming through the SDK. It arrives piece by piece, as it is made.",
    ) as response:
        assert response.headers["content-type"] == "audio/wav"
        pieces = list(response.iter_bytes())
    assert len(pieces) >= 2
    assert duration(b"".join(pieces), "wav") > 3


def test_openai_sdk_errors(two_workers: Server) -> None:
    client = sdk(two_workers)
    with pytest.raises(openai.NotFoundError) as missing:
        client.audio.speech.create(model="tts-2", voice="alloy", input="x")
    assert missing.value.code == "model_not_found"
    with pytest.raises(openai.BadRequestError) as bad:
        client.audio.speech.create(model="tts-1", voice="nobody", input="x")
    assert bad.value.param == "voice"


def lanes_by_worker(server: Server) -> dict[str, dict[str, int]]:
    """Each worker's lane (and cache) counters, asked on fresh connections until both workers answered."""
    seen: dict[str, dict[str, int]] = {}
    for _ in range(MAX_TRIES_FOR_OTHER_WORKER):
        response = server.get("/ready")
        seen[response.headers["x-worker-pid"]] = {**response.json()["lanes"], **response.json()["cache"]}
        if len(seen) == 2:
            return seen
    pytest.fail("every request went to the same worker")


def test_a_cache_hit_is_byte_identical_on_the_other_worker_and_runs_no_model(two_workers: Server) -> None:
    url = two_workers.url + "/v1/audio/speech"
    body = {
        "model": "tts-1",
        "voice": "bm_george",
        "input": "Cached once, served by any worker.",
        "response_format": "opus",
    }
    first = httpx.post(url, json=body, timeout=120)
    assert first.status_code == 200 and first.headers["x-cache"] == "MISS"
    before = lanes_by_worker(two_workers)
    pids = {first.headers["x-worker-pid"]}
    for _ in range(MAX_TRIES_FOR_OTHER_WORKER):
        again = httpx.post(url, json=body, timeout=120)  # a new connection each time
        assert again.headers["x-cache"] == "HIT"
        assert again.content == first.content
        pids.add(again.headers["x-worker-pid"])
        if len(pids) == 2:
            break
    else:
        pytest.fail("every request went to the same worker")
    assert lanes_by_worker(two_workers) == before, "a cache hit must not run the model"
    started = time.perf_counter()
    httpx.post(url, json=body, timeout=120)
    print(f"\ncache hit round trip {1000 * (time.perf_counter() - started):.1f} ms")
    for change in ({"speed": 1.25}, {"voice": "bm_lewis"}, {"response_format": "mp3"}, {"input": "Cached twice?"}):
        assert httpx.post(url, json={**body, **change}, timeout=120).headers["x-cache"] == "MISS"


def test_sse_from_the_cache_carries_the_same_audio(two_workers: Server) -> None:
    body = {"model": "tts-1", "voice": "af_sky", "input": "Events, then the same events again.", "stream_format": "sse"}

    def events() -> tuple[str, bytes, dict[str, int]]:
        response = httpx.post(two_workers.url + "/v1/audio/speech", json=body, timeout=120)
        parsed = [json.loads(line[6:]) for line in response.text.splitlines() if line.startswith("data: ")]
        audio = b"".join(base64.b64decode(e["audio"]) for e in parsed if e["type"] == "speech.audio.delta")
        assert parsed[-1]["type"] == "speech.audio.done"
        return response.headers["x-cache"], audio, parsed[-1]["usage"]

    miss, hit = events(), events()
    assert (miss[0], hit[0]) == ("MISS", "HIT")
    assert hit[1] == miss[1] and hit[2] == miss[2]
    assert duration(hit[1], "mp3") > 1.5


def test_one_log_line_per_request_with_timings_and_never_the_text(two_workers: Server) -> None:
    secret = "Zanzibar marmalade quokka"
    httpx.post(
        two_workers.url + "/v1/audio/speech",
        timeout=120,
        json={"model": "tts-1", "voice": "nova", "input": f"{secret}.", "response_format": "wav"},
    )
    httpx.get(two_workers.url + "/v1/no-such-route")
    wait_for(lambda: "no-such-route" in two_workers.log.read_text(), "the 404's log line")
    log = two_workers.log.read_text()
    assert secret not in log and "Zanzibar" not in log
    speech = [line for line in log.splitlines() if "voice=af_nova" in line and "format=wav" in line]
    assert len(speech) == 1
    for expected in (
        "method=POST",
        "path=/v1/audio/speech",
        "status=200",
        "input_chars=26",
        "audio_s=",
        "ttfb_ms=",
        "total_ms=",
        "cache_hit=False",
    ):
        assert expected in speech[0]
    assert any("path=/v1/no-such-route" in line and "status=404" in line for line in log.splitlines())


def serve(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kokoro_speech.server.cli", "serve", "--port", str(free_port()), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=EVENT_TIMEOUT_S,
        cwd=REPO,
    )


def test_serve_without_model_files_fails_at_once_naming_them(tmp_path: Path) -> None:
    result = serve(base_env(tmp_path / "empty-home", tmp_path / "empty-cache"))
    assert result.returncode != 0
    # At once: it stops before Granian starts (Granian logs to standard output), let alone a worker.
    output = result.stdout + result.stderr
    assert "Starting granian" not in output and "Spawning worker" not in output
    for expected in (
        "kokoro-v1.0.int8.onnx",
        "voices-v1.0.bin",
        str(tmp_path / "empty-home"),
        "kokoro-speech download",
    ):
        assert expected in result.stderr


def test_serve_exits_with_the_reason_when_no_worker_can_load_the_model(home: Path, tmp_path: Path) -> None:
    broken = tmp_path / "kokoro-v1.0.int8.onnx"
    broken.write_bytes(b"not a model at all")
    result = serve(base_env(home, tmp_path / "cache", model_path=str(broken)), "--workers", "2")
    assert result.returncode != 0
    assert result.stdout.count("Spawning worker") == 2, "both workers tried"
    last = result.stderr.strip().splitlines()[-1]
    assert "no worker could load the model" in last and "kokoro-v1.0.int8.onnx could not be loaded" in last
    assert str(tmp_path) not in last


def test_the_server_divides_the_cores_among_its_workers(two_workers: Server) -> None:
    ready = [line for line in two_workers.log.read_text().splitlines() if "engine ready" in line]
    assert len(ready) == 2
    assert all(f"threads={max(1, cpu_count() // 2)} " in line for line in ready), ready


@pytest.fixture(scope="module")
def cached_server(home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One worker with the result cache on, untuned (its chunks are the same on every machine), whose chunks a
    test may hold on the lane (``tests.support.faults``)."""
    tmp = tmp_path_factory.mktemp("one-worker-cached")
    env = base_env(home, tmp, **UNTUNED_SCHEDULE) | faults.environment(hold_dir=tmp)
    server = start_server(env, tmp / "server.log")
    yield server
    server.stop()


def speech_body(**fields: object) -> dict[str, object]:
    return {"model": "tts-1", "voice": "af_heart", "input": TEXT, "response_format": "mp3", **fields}


def held_body(hold: faults.Hold, **fields: object) -> dict[str, object]:
    """The text with its second sentence (a later chunk) held on the lane."""
    first, rest = TEXT.split(". ", 1)
    return speech_body(input=f"{first}. Then {hold.word}: {rest}", **fields)


@dataclass
class Answer:
    status: int = 0
    pid: str = ""
    cache: str = ""
    audio: bytes = b""
    first_piece: threading.Event = field(default_factory=threading.Event)


def fetch(
    server: Server, body: dict[str, object], answer: Answer, leave_after_first: threading.Event | None = None
) -> None:
    """One request on a connection of its own, recording what came back; with ``leave_after_first``, the client
    leaves after its first piece, once that event is set."""
    with httpx.stream("POST", server.url + "/v1/audio/speech", json=body, timeout=EVENT_TIMEOUT_S) as response:
        answer.status, answer.pid = response.status_code, response.headers.get("x-worker-pid", "")
        answer.cache = response.headers.get("x-cache", "")
        for piece in response.iter_raw():
            answer.audio += piece
            answer.first_piece.set()
            if leave_after_first is not None:
                assert leave_after_first.wait(EVENT_TIMEOUT_S)
                return


def leaving_now() -> threading.Event:
    now = threading.Event()
    now.set()
    return now


def counters(server: Server) -> dict[str, int]:
    ready = server.get("/ready").json()
    return {**ready["lanes"], **ready["cache"]}


def test_identical_requests_in_one_worker_are_one_synthesis(cached_server: Server) -> None:
    hold = faults.hold(Path(cached_server.log).parent)
    # How many runs this text takes, from another voice of the same language (so another cache key).
    hold.release()
    before = counters(cached_server)
    alone = Answer()
    fetch(cached_server, held_body(hold, voice="af_sky"), alone)
    runs = counters(cached_server)["runs_started"] - before["runs_started"]
    assert runs >= 3, "a text of several chunks"

    hold.renew()
    before = counters(cached_server)
    first, second = Answer(), Answer()
    leader = threading.Thread(target=fetch, args=(cached_server, held_body(hold), first))
    leader.start()
    assert first.first_piece.wait(EVENT_TIMEOUT_S)
    copy = threading.Thread(target=fetch, args=(cached_server, held_body(hold), second))
    copy.start()  # while the first is still being made: its second chunk is held
    wait_for(lambda: counters(cached_server)["coalesced"] == before["coalesced"] + 1, "the copy joining the first")
    hold.release()
    leader.join()
    copy.join()
    after = counters(cached_server)
    assert (first.status, second.status) == (200, 200) and second.audio == first.audio
    assert duration(first.audio, "mp3") > 5
    assert after["runs_started"] - before["runs_started"] == runs, "made once"
    assert after["coalesced"] == before["coalesced"] + 1
    wait_for(
        lambda: httpx.post(cached_server.url + "/v1/audio/speech", json=held_body(hold)).headers["x-cache"] == "HIT",
        "the entry",
    )


def test_a_copy_goes_on_when_the_first_client_leaves(cached_server: Server) -> None:
    hold = faults.hold(Path(cached_server.log).parent)
    body = held_body(hold, voice="af_nicole")
    before = counters(cached_server)
    first, second, leave = Answer(), Answer(), threading.Event()
    leader = threading.Thread(target=fetch, args=(cached_server, body, first, leave))
    leader.start()
    assert first.first_piece.wait(EVENT_TIMEOUT_S)
    copy = threading.Thread(target=fetch, args=(cached_server, body, second))
    copy.start()
    wait_for(lambda: counters(cached_server)["coalesced"] == before["coalesced"] + 1, "the copy joining the first")
    leave.set()
    leader.join()  # the first client is gone after its first piece, while its second chunk is held
    hold.release()
    copy.join()
    assert second.status == 200 and duration(second.audio, "mp3") > 5
    assert second.audio.startswith(first.audio)
    assert counters(cached_server)["runs_stopped"] == before["runs_stopped"], "the copy's synthesis went on"


def test_a_response_cut_off_by_its_client_is_not_stored(cached_server: Server) -> None:
    hold = faults.hold(Path(cached_server.log).parent)
    body = held_body(hold, voice="am_adam")
    before = counters(cached_server)
    cut = Answer()
    fetch(cached_server, body, cut, leave_after_first=leaving_now())
    wait_for(lambda: counters(cached_server)["busy"] == 0, "the abandoned synthesis to stop")
    assert counters(cached_server)["runs_stopped"] == before["runs_stopped"] + 1
    hold.release()
    whole = Answer()
    fetch(cached_server, body, whole)
    assert whole.cache == "MISS" and duration(whole.audio, "mp3") > 5
    wait_for(
        lambda: httpx.post(cached_server.url + "/v1/audio/speech", json=body).headers["x-cache"] == "HIT", "the entry"
    )


def test_identical_requests_in_two_workers_are_one_synthesis(two_workers: Server) -> None:
    """A copy that lands on the other worker waits for the entry instead of making the speech again."""
    for attempt in range(3):
        body = speech_body(voice="bf_emma", input=f"{TEXT} Attempt {attempt + 1}.")
        before = lanes_by_worker(two_workers)
        first = Answer()
        leader = threading.Thread(target=fetch, args=(two_workers, body, first))
        leader.start()
        assert first.first_piece.wait(EVENT_TIMEOUT_S)
        copies = [Answer() for _ in range(8)]
        threads = [threading.Thread(target=fetch, args=(two_workers, body, copy)) for copy in copies]
        for thread in threads:
            thread.start()
        for thread in [leader, *threads]:
            thread.join()
        after = lanes_by_worker(two_workers)
        assert all(copy.status == 200 and copy.audio == first.audio for copy in copies)
        others = [copy for copy in copies if copy.pid != first.pid]
        if not others:
            continue  # every copy landed on the first worker: try again
        assert all(copy.cache == "HIT" for copy in others), "answered from the entry the first worker stored"
        other = others[0].pid
        assert after[other]["runs_started"] == before[other]["runs_started"], "the other worker ran no model"
        return
    pytest.fail("every copy went to the first request's worker")
