"""Real signals to a real `kokoro-speech serve`: SIGTERM drains, a killed worker is replaced.

Each stream that must still be under way when the signal, the kill, the time limit or the handover comes has a
later chunk held on its lane until the test lets it go (``tests.support.faults``): what is checked never
depends on how fast the machine makes speech."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx
import psutil

from tests.support import EVENT_TIMEOUT_S, UNTUNED_SCHEDULE, Server, base_env, faults, start_server, wait_for
from tests.support.audio import duration
from tests.support.streams import SseReader

LONG = (
    "A server that is told to stop lets every answer it has started run to its end. This stream began before "
    "the signal, so it must arrive whole, down to its very last word, and the server exits cleanly after it."
)
DRAIN_GRACE_S = 300
"""Long enough for the stream to finish on a slow machine: the test is that it finishes, not how fast."""
SHORT_GRACE_S = 2
MID_STREAM_LIMIT_S = 5
"""Past a first chunk of one short word on any CPU, while the chunk after it is held."""
MAX_TRIES_FOR_OTHER_WORKER = 30


def server_with(home: Path, tmp: Path, workers: int, **settings: str) -> Server:
    tmp.mkdir(exist_ok=True)
    env = base_env(home, tmp, **(UNTUNED_SCHEDULE | settings)) | faults.environment(hold_dir=tmp)
    return start_server(env, tmp / "server.log", workers=workers)


def held(hold: faults.Hold, text: str = LONG) -> str:
    """``text`` after a first chunk of one word, its first sentence held (too long to join that chunk)."""
    return f"Listen. And {hold.word} now: {text}"


def test_sigterm_lets_the_stream_in_flight_finish_and_refuses_new_requests(home: Path, tmp_path: Path) -> None:
    server = server_with(home, tmp_path, 2, shutdown_grace_seconds=str(DRAIN_GRACE_S))
    hold = faults.hold(tmp_path)
    try:
        stream = SseReader(server, held(hold)).start()
        wait_for(lambda: len(stream.audio) > 0, "the first audio")
        server.process.send_signal(signal.SIGTERM)
        wait_for(lambda: _refused(server), "new connections refused after SIGTERM")
        hold.release()
        stream.wait()
        assert stream.error is None and stream.done, stream.error
        seconds, level = stream.decoded()
        assert seconds > 8 and level > -35
        assert server.process.wait(EVENT_TIMEOUT_S) == 0
    finally:
        server.stop()


def test_sigterm_stops_what_is_left_after_the_grace_and_exits_0(home: Path, tmp_path: Path) -> None:
    server = server_with(home, tmp_path, 1, shutdown_grace_seconds=str(SHORT_GRACE_S))
    try:
        stream = SseReader(server, held(faults.hold(tmp_path))).start()
        wait_for(lambda: len(stream.audio) > 0, "the first audio")
        signalled = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(EVENT_TIMEOUT_S) == 0
        stopped_after = time.monotonic() - signalled
        stream.wait()
        assert not stream.done, "a stream held on its lane cannot have finished within the grace"
        assert stopped_after < SHORT_GRACE_S + 15, f"stopped {stopped_after:.1f} s after SIGTERM"
    finally:
        server.stop()


def test_a_killed_worker_is_replaced_and_the_other_keeps_streaming(home: Path, tmp_path: Path) -> None:
    server = server_with(home, tmp_path, 2)
    hold = faults.hold(tmp_path)
    try:
        victim_stream = SseReader(server, held(hold)).start()
        victim = victim_stream.worker
        survivor_stream = None
        for _ in range(MAX_TRIES_FOR_OTHER_WORKER):
            candidate = SseReader(server, "The other worker keeps talking while its neighbour is killed.").start()
            if candidate.worker != victim:
                survivor_stream = candidate
                break
            candidate.wait()
        assert survivor_stream is not None, "no stream landed on the other worker"
        wait_for(lambda: len(victim_stream.audio) > 0, "the victim's first audio")
        assert victim is not None
        os.kill(int(victim), signal.SIGKILL)

        survivor_stream.wait()
        assert survivor_stream.error is None and survivor_stream.done
        victim_stream.wait()
        assert not victim_stream.done, "the killed worker's stream cannot have ended with done"
        assert server.process.poll() is None, "the server must outlive one worker"
        # The survivor answers at once; the replacement loads its model and joins.
        assert server.get("/health").status_code == 200
        wait_for(lambda: _workers_ready(server) == 2, "two ready workers again")
        pids = {str(p.pid) for p in psutil.Process(server.process.pid).children()}
        assert victim not in pids

        # What the dead worker was streaming was not kept as a finished answer.
        hold.release()
        again = SseReader(server, held(hold)).start().wait()
        assert again.done and again.response is not None
        assert again.response.headers["x-cache"] == "MISS"
        assert again.decoded()[0] > 8
    finally:
        server.stop()


def _refused(server: Server) -> bool:
    try:
        httpx.post(server.url + "/v1/audio/speech", json={"model": "tts-1", "voice": "af_heart", "input": "Late."})
    except httpx.ConnectError:
        return True
    except httpx.TransportError:
        return False
    return False


def _workers_ready(server: Server) -> int:
    seen = set()
    for _ in range(MAX_TRIES_FOR_OTHER_WORKER):
        try:
            response = server.get("/ready")
        except httpx.TransportError:
            continue
        if response.status_code == 200:
            seen.add(response.headers["x-worker-pid"])
    return len(seen)


def test_a_request_past_its_time_limit_is_stopped_and_its_lane_freed(home: Path, tmp_path: Path) -> None:
    # A first chunk held on its lane: it cannot be made within the limit.
    before = server_with(home, tmp_path / "before", 1, request_timeout_seconds="1")
    try:
        body = {"model": "tts-1", "voice": "af_heart", "input": f"{faults.hold(tmp_path / 'before').word}. {LONG}"}
        late = before.post("/v1/audio/speech", json=body)
        assert late.status_code == 504
        error = late.json()["error"]
        assert error["code"] == "timeout" and error["type"] == "server_error" and "1 s" in error["message"]
        wait_for(lambda: _lanes(before) == {"busy": 0, "waiting": 0}, "the lane freed")
        timed = before.post("/v1/audio/speech/timestamps", json=body)
        assert timed.status_code == 504
    finally:
        before.stop()

    after = server_with(home, tmp_path / "after", 1, request_timeout_seconds=str(MID_STREAM_LIMIT_S))
    text = held(faults.hold(tmp_path / "after"))
    try:
        stream = SseReader(after, text).start().wait()
        assert stream.error is None and not stream.done, "the stream must end early, without done"
        seconds, _ = stream.decoded()
        assert seconds > 0
        wait_for(lambda: "timed_out=True" in after.log.read_text(), "the time limit named in the log")
        wait_for(lambda: _lanes(after) == {"busy": 0, "waiting": 0}, "the lane freed")
        nxt = after.post("/v1/audio/speech", json={"model": "tts-1", "voice": "af_heart", "input": "Next, please."})
        assert nxt.status_code == 200 and duration(nxt.content, "mp3") > 0.5
        # The cut answer was not kept as if it were whole.
        again = SseReader(after, text).start()  # its answer's head is enough: it is cut at the limit again
        assert again.response is not None and again.response.headers["x-cache"] == "MISS"
    finally:
        after.stop()


def _lanes(server: Server) -> dict[str, int]:
    lanes = server.get("/ready").json()["lanes"]
    return {"busy": lanes["busy"], "waiting": lanes["waiting"]}


MAX_REQUESTS = 6


def test_a_worker_due_for_replacement_hands_over_without_dropping_a_request(home: Path, tmp_path: Path) -> None:
    server = server_with(home, tmp_path, 1, worker_max_requests=str(MAX_REQUESTS), shutdown_grace_seconds="300")
    body = {"model": "tts-1", "voice": "af_heart", "input": "Still here."}
    answered: list[str] = []

    def ask() -> None:
        # One worker: a request refused or cut during the handover fails here.
        response = server.post("/v1/audio/speech", json=body)
        assert response.status_code == 200, response.text
        assert duration(response.content, "mp3") > 0.3
        answered.append(response.headers["x-worker-pid"])

    hold = faults.hold(tmp_path)
    try:
        for _ in range(MAX_REQUESTS - 2):
            ask()
        first = answered[0]
        stream = SseReader(server, held(hold)).start()
        assert stream.worker == first
        ask()  # the last of its requests: the worker asks to be replaced while the stream still runs
        deadline = time.monotonic() + EVENT_TIMEOUT_S
        while answered[-1] == first:
            assert time.monotonic() < deadline, "the worker was not replaced after its requests"
            ask()
        # The old worker still streams while the new one answers.
        hold.release()
        stream.wait()
        assert stream.error is None and stream.done, stream.error
        seconds, level = stream.decoded()
        assert seconds > 8 and level > -35
        wait_for(lambda: not psutil.pid_exists(int(first)), "the old worker gone")
        assert "replacing worker-1 (due)" in server.log.read_text()
        assert server.process.poll() is None
    finally:
        server.stop()
