"""Faults a real `kokoro-speech serve` must take without losing anything: a model run that raises, clients
that send slowly, stop reading or leave while they wait.

The server has one worker with one lane, no preemption and short timeouts, so that a fault shows at once
in the lane counts and log lines of /ready and the server's log.
"""

from __future__ import annotations

import json
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support import EVENT_TIMEOUT_S, UNTUNED_SCHEDULE, Server, base_env, faults, start_server, wait_for
from tests.support.audio import duration
from tests.support.errors import assert_openai_error
from tests.support.streams import SseReader

FAULT_WORD = "kaboom"
TIMEOUT_S = 2
"""The header, body and send timeouts of the server under test."""
SLACK_S = 10
"""How much later than its timeout a cut may come on a busy machine: a guard, not a goal."""
SENTENCE = "This sentence is perfectly fine and long enough to be a chunk of its own, said from start to end. "
LONG = SENTENCE * 12


@pytest.fixture(scope="module")
def server(home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("faults")
    settings = UNTUNED_SCHEDULE | {
        "lanes": "1",
        "preempt_later_chunks": "false",
        "header_timeout_seconds": str(TIMEOUT_S),
        "body_timeout_seconds": str(TIMEOUT_S),
        "send_timeout_seconds": str(TIMEOUT_S),
    }
    env = base_env(home, tmp, **settings) | faults.environment(hold_dir=tmp, fail_word=FAULT_WORD)
    server = start_server(env, tmp / "server.log")
    yield server
    server.stop()


def _lanes(server: Server) -> dict[str, int]:
    lanes = server.get("/ready").json()["lanes"]
    return {"busy": lanes["busy"], "waiting": lanes["waiting"], "runs_started": lanes["runs_started"]}


def _idle(server: Server) -> bool:
    lanes = _lanes(server)
    return lanes["busy"] == 0 and lanes["waiting"] == 0


def _log_lines(server: Server, *parts: str) -> list[str]:
    return [line for line in server.log.read_text().splitlines() if all(part in line for part in parts)]


def _still_speaks(server: Server) -> None:
    """A new request (never a cache hit) is answered with speech."""
    text = f"Still fine, case {uuid.uuid4().hex[:6]}."
    response = server.post("/v1/audio/speech", json={"model": "tts-1", "voice": "af_heart", "input": text})
    assert response.status_code == 200
    assert duration(response.content, "mp3") > 0.5


def _connect(server: Server) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=EVENT_TIMEOUT_S)


def _request_head(body_bytes: int) -> bytes:
    return (
        f"POST /v1/audio/speech HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        f"Content-Length: {body_bytes}\r\n\r\n"
    ).encode()


def _speech_body(text: str, **fields: object) -> bytes:
    return json.dumps({"model": "tts-1", "voice": "af_heart", "input": text, **fields}).encode()


def _closed_by_server(sock: socket.socket) -> tuple[float, bytes]:
    """Seconds until the server closed ``sock``, and what it sent before."""
    started = time.monotonic()
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return time.monotonic() - started, received


def test_a_model_run_that_fails_before_the_first_byte_is_a_500_with_a_request_id(server: Server) -> None:
    response = server.post(
        "/v1/audio/speech", json={"model": "tts-1", "voice": "af_heart", "input": f"It goes {FAULT_WORD} at once."}
    )
    error = assert_openai_error(response, 500, code="internal_error")
    named = response.headers["x-request-id"]
    assert named.startswith("req_") and named in error["message"]
    for internal in (FAULT_WORD, "InjectedFault", "Traceback", "chunk"):
        assert internal not in error["message"]
    # The log has what went wrong, under the same id.
    assert _log_lines(server, "unhandled error", named) or _log_lines(server, "InjectedFault", named)
    wait_for(lambda: _idle(server), "the lane freed")
    _still_speaks(server)


def test_a_model_run_that_fails_after_the_first_byte_cuts_the_stream(server: Server) -> None:
    text = SENTENCE + f"And then it goes {FAULT_WORD} here."
    received = bytearray()
    # Cut, so that no client takes what came for a whole file.
    with (
        pytest.raises(httpx.RemoteProtocolError),
        httpx.stream(
            "POST", server.url + "/v1/audio/speech", content=_speech_body(text), timeout=EVENT_TIMEOUT_S
        ) as response,
    ):
        assert response.status_code == 200
        named = response.headers["x-request-id"]
        for piece in response.iter_bytes():
            received += piece
    assert len(received) > 0, "the first chunk was sent before the failure"
    (line,) = _log_lines(server, "stream ended early", named)
    assert "InjectedFault" in line
    (request,) = _log_lines(server, "path=/v1/audio/speech", named, "completed=False")
    assert "failure=" in request

    # SSE: the error is an event in OpenAI's shape before the cut, with no done event.
    events = SseReader(server, text).start().wait()
    assert isinstance(events.error, httpx.RemoteProtocolError)
    assert len(events.audio) > 0 and not events.done
    last = events.events[-1]
    assert last["type"] == "error" and last["error"]["code"] == "internal_error"
    assert "req_" in last["error"]["message"] and FAULT_WORD not in last["error"]["message"]

    wait_for(lambda: _idle(server), "the lane freed")
    _still_speaks(server)


def test_a_client_that_never_finishes_its_headers_is_cut_off(server: Server) -> None:
    with _connect(server) as sock:
        sock.sendall(b"POST /v1/audio/speech HTTP/1.1\r\nHost: localhost\r\nContent-Ty")
        _still_speaks(server)  # meanwhile the worker answers others
        waited, _ = _closed_by_server(sock)
    assert waited < TIMEOUT_S + SLACK_S, f"the connection was held {waited:.1f} s"
    assert _idle(server)


def test_a_body_sent_one_byte_a_second_is_refused_with_408_and_holds_no_lane(server: Server) -> None:
    body = _speech_body("A body that arrives far too slowly.")
    with _connect(server) as sock:
        sock.sendall(_request_head(len(body)))
        started = time.monotonic()
        sock.settimeout(1.0)
        received = b""
        for byte in body:
            sock.sendall(bytes([byte]))
            assert _idle(server), "a request whose body is still arriving holds no lane"
            try:
                received = sock.recv(65536)
            except TimeoutError:
                continue
            break
        waited = time.monotonic() - started
    head, _, payload = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408"), head
    error = json.loads(payload)["error"]
    assert error["code"] == "request_timeout" and error["type"] == "invalid_request_error"
    assert waited < TIMEOUT_S + SLACK_S
    _still_speaks(server)


def test_a_client_that_stops_reading_loses_its_stream_and_its_lane(server: Server) -> None:
    stalled = len(_log_lines(server, "client stopped reading"))
    # Slow pcm: the most bytes per second of synthesis, more than the connection's buffers hold (the
    # kernel's, Granian's: several MB); a response that fits in them is simply made whole.
    body = _speech_body(LONG, response_format="pcm", speed=0.25)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    host, port = server.url.removeprefix("http://").split(":")
    sock.connect((host, int(port)))
    try:
        sock.sendall(_request_head(len(body)) + body)
        assert sock.recv(1024).startswith(b"HTTP/1.1 200")
        # It reads nothing more, and stays connected.
        wait_for(lambda: len(_log_lines(server, "client stopped reading")) > stalled, "the stalled client cut off")
        wait_for(lambda: _idle(server), "the lane freed")
        runs = _lanes(server)["runs_started"]
        _still_speaks(server)
        assert _lanes(server)["runs_started"] > runs
        # Nothing more is made for the stalled client while its connection stays open.
        after = _lanes(server)["runs_started"]
        time.sleep(TIMEOUT_S)
        assert _lanes(server)["runs_started"] == after
    finally:
        sock.close()


def test_a_client_that_leaves_while_its_first_chunk_waits_leaves_the_queue_at_once(server: Server) -> None:
    # The running stream's second chunk holds the only lane until the newcomer has gone.
    hold = faults.hold(Path(server.log).parent)
    running = SseReader(server, f"{SENTENCE}Then {hold.word} holds the lane. {SENTENCE}").start()
    wait_for(lambda: len(running.audio) > 0, "the running stream's first audio")
    wait_for(lambda: _lanes(server)["busy"] == 1, "the second chunk on the lane")
    with _connect(server) as sock:
        body = _speech_body("A request that waits for the only lane.")
        sock.sendall(_request_head(len(body)) + body)
        wait_for(lambda: _lanes(server)["waiting"] == 1, "the newcomer waiting for the lane")
    # Its client is gone: its job leaves the queue without running, while the long stream still runs.
    wait_for(lambda: _log_lines(server, "status=499"), "the newcomer's end")
    (line,) = _log_lines(server, "status=499")
    assert "first_chunk_ms" not in line, "the newcomer's first chunk must never run"
    lanes = _lanes(server)
    assert lanes["waiting"] == 0
    assert not running.ended.is_set(), "the running stream is held: it cannot be over yet"
    hold.release()
    running.wait()
    assert running.done and running.error is None
