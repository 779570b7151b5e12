"""Streaming against a real server process: formats, time to first byte, SSE, disconnects, overload (and what
OpenAI's SDK makes of it), request ids.

The server is untuned (its chunks are the same on every machine), and where a test needs a synthesis still
under way it holds a chunk on its lane until the test lets it go (``tests.support.faults``), so no check
depends on how fast the machine makes speech."""

from __future__ import annotations

import base64
import contextlib
import json
import socket
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import av
import httpx
import httpx2
import openai
import pytest

from tests.support import UNTUNED_SCHEDULE, Server, base_env, faults, start_server, wait_for
from tests.support.audio import decode, decode_prefix, duration, level_dbfs

PARAGRAPH = (
    "The old lighthouse stood at the edge of the cliff, its white paint peeling after years of storms. "
    "Every evening the keeper climbed the spiral stairs, counting each of the one hundred and twelve steps, "
    "and lit the great lamp that warned ships away from the rocks below. Fishermen in the village said "
    "they could set their clocks by the first sweep of its beam across the bay. When the keeper finally "
    "retired, nobody wanted the job, and the council voted to replace him with an automatic light. "
    "On the last night he stayed until dawn, watching the boats come home one by one, and then he walked "
    "down the hill without looking back."
)
FORMATS = ["mp3", "opus", "aac", "flac", "wav", "pcm"]
TRACED = {"x-request-id": "trace-4bf92f3577b34da6"}
"""A client's own request id, which the server keeps."""
SDK_BACKOFF_S = 0.5
"""The longest first wait of OpenAI's SDK where the server says none (0.5 s, less up to a quarter)."""


@pytest.fixture(scope="module")
def holds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("holds")


@pytest.fixture(scope="module")
def server(home: Path, tmp_path_factory: pytest.TempPathFactory, holds: Path) -> Iterator[Server]:
    """One worker, one lane, a wait queue of one, no result cache: every request runs the model."""
    tmp = tmp_path_factory.mktemp("one-lane")
    env = base_env(home, tmp, **UNTUNED_SCHEDULE) | faults.environment(hold_dir=holds)
    env |= {"KOKORO_SPEECH_RESULT_CACHE": "false", "KOKORO_SPEECH_QUEUE_SIZE": "1"}
    server = start_server(env, tmp / "server.log", "--lanes", "1")
    yield server
    server.stop()


def held_text(hold: faults.Hold, sentences: int = 1) -> str:
    """A first sentence of its own chunk, then ``sentences`` paragraph sentences, the first of them held."""
    rest = ". ".join(PARAGRAPH.split(". ")[:sentences])
    return f"A first sentence, said at once. Then {hold.word} waits, and {rest}."


def stream(server: Server, **fields: object) -> Iterator[tuple[float, bytes]]:
    """Yield (seconds since the request, piece) as pieces arrive."""
    body = {"model": "tts-1", "voice": "af_heart", **fields}
    started = time.perf_counter()
    with httpx.stream("POST", server.url + "/v1/audio/speech", json=body, timeout=120) as response:
        assert response.status_code == 200, response.read()
        for piece in response.iter_raw():
            yield time.perf_counter() - started, piece


@contextmanager
def busy_stream(server: Server, hold: faults.Hold, **fields: object) -> Iterator[None]:
    """A stream open and past its first piece, its second chunk held on the lane."""
    with httpx.stream(
        "POST",
        server.url + "/v1/audio/speech",
        timeout=120,
        json={"model": "tts-1", "voice": "af_heart", "input": held_text(hold, 4), **fields},
    ) as response:
        pieces = response.iter_raw()  # kept: a reader dropped closes the response
        next(pieces)
        wait_for(lambda: lanes(server)["busy"] == 1, "the second chunk on the lane")
        yield


def lanes(server: Server) -> dict[str, int]:
    return server.get("/ready").json()["lanes"]  # type: ignore[no-any-return]


def idle(server: Server) -> bool:
    current = lanes(server)
    return current["busy"] == 0 and current["waiting"] == 0


def ended(server: Server, path: str, mark: str) -> int:
    """How many requests to ``path`` the server has finished with ``mark`` in their log line."""
    return sum(1 for line in server.log.read_text().splitlines() if f"path={path} " in line and mark in line)


def leave_during_synthesis(server: Server, body: Mapping[str, object], path: str) -> None:
    """Send ``body`` whole (its second chunk held), wait until that chunk is on the lane, then leave."""
    payload = json.dumps(body).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    ).encode()
    started = lanes(server)["runs_started"]
    with socket.create_connection(("127.0.0.1", int(server.url.rsplit(":", 1)[1]))) as connection:
        connection.sendall(head + payload)
        wait_for(lambda: lanes(server)["runs_started"] > started + 1 and lanes(server)["busy"] == 1, "a later chunk")


FORMAT_TEXT = "First a short sentence. Then a second one follows it, a little longer than the first, to make chunks."


@pytest.fixture(scope="module")
def pcm_seconds(server: Server) -> float:
    """How long the formats' text lasts, as raw samples: what every format must decode to."""
    return duration(b"".join(p for _, p in stream(server, input=FORMAT_TEXT, response_format="pcm")), "pcm")


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_is_a_valid_stream(server: Server, pcm_seconds: float, fmt: str) -> None:
    pieces = [piece for _, piece in stream(server, input=FORMAT_TEXT, response_format=fmt)]
    assert len(pieces) >= 2, "audio must arrive in pieces, not in one block"
    whole = b"".join(pieces)
    # What arrived first already plays: a player can start before the rest is made. Reads cut the stream
    # anywhere (the first may end inside a frame, or hold only the header), so the first bytes are the
    # pieces up to the first that completes a frame, and they must be a small part of the whole.
    received = b""
    for piece in pieces:
        received += piece
        with contextlib.suppress(av.FFmpegError):  # too little yet for the demuxer to find its format
            if decode_prefix(received, fmt).size:
                break
    assert decode_prefix(received, fmt).size > 0
    assert len(received) < len(whole) / 2, f"the first frame came with {len(received)} of {len(whole)} bytes"
    samples, rate = decode(whole, fmt)
    assert 4.0 < len(samples) / rate < 10.0
    assert level_dbfs(samples) > -35
    assert abs(len(samples) / rate - pcm_seconds) < 0.12


def test_first_bytes_arrive_well_before_the_end_of_a_long_input(server: Server, holds: Path) -> None:
    # About twenty seconds of speech in several chunks; the second is held until the first bytes are in.
    hold = faults.hold(holds)
    before = lanes(server)["runs_started"]
    arrivals = stream(server, input=held_text(hold, 4), response_format="mp3")
    first, piece = next(arrivals)
    assert piece and lanes(server)["runs_started"] - before <= 2, "the first bytes came before the rest was made"
    hold.release()
    rest = list(arrivals)
    last = rest[-1][0]
    print(f"\ntime to first byte {first:.2f}s of {last:.2f}s total (one chunk held), {len(rest) + 1} pieces")
    assert duration(piece + b"".join(p for _, p in rest), "mp3") > 15


def test_sse_events(server: Server) -> None:
    body = {
        "model": "gpt-4o-mini-tts",
        "voice": "af_heart",
        "input": "Server sent events. Two of them at least.",
        "stream_format": "sse",
        "response_format": "mp3",
    }
    with httpx.stream("POST", server.url + "/v1/audio/speech", json=body, timeout=120) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = [json.loads(line[len("data: ") :]) for line in response.iter_lines() if line.startswith("data: ")]
    deltas, done = events[:-1], events[-1]
    assert len(deltas) >= 2 and all(e["type"] == "speech.audio.delta" for e in deltas)
    audio = b"".join(base64.b64decode(e["audio"]) for e in deltas)
    seconds = duration(audio, "mp3")
    assert seconds > 1.5
    assert done["type"] == "speech.audio.done"
    usage = done["usage"]
    assert usage["input_tokens"] > 10
    assert usage["output_tokens"] == pytest.approx(seconds * 40, rel=0.1)
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]


def assert_left_cleanly(server: Server, before: dict[str, int]) -> None:
    """The chunk in flight when the client left was stopped, nothing after it ran, and the next request runs
    alone: nothing of the abandoned synthesis goes on in the background."""
    wait_for(lambda: idle(server), "the lane to come free")
    after = lanes(server)
    assert after["runs_stopped"] == before["runs_stopped"] + 1
    assert after["runs_started"] - before["runs_started"] <= 3
    started = time.perf_counter()
    assert duration(b"".join(p for _, p in stream(server, input="Next please.", response_format="wav")), "wav") > 0.3
    print(f"\nnext request after a disconnect took {time.perf_counter() - started:.2f}s")
    assert lanes(server)["runs_started"] == after["runs_started"] + 1


@pytest.mark.parametrize("stream_format", ["audio", "sse"])
def test_a_client_that_disconnects_frees_its_lane(server: Server, holds: Path, stream_format: str) -> None:
    before = lanes(server)
    left = ended(server, "/v1/audio/speech", "completed=False")
    with busy_stream(server, faults.hold(holds), stream_format=stream_format):
        pass
    # The connection is closed: the chunk in flight must be stopped and no further one started.
    wait_for(lambda: ended(server, "/v1/audio/speech", "completed=False") > left, "the server's end of the stream")
    assert_left_cleanly(server, before)


def send_together(server: Server, bodies: list[dict[str, object]]) -> list[socket.socket]:
    """Send every request but its last byte, then all the last bytes at once: they arrive together on any
    machine. Returns the connections, to read the answers from."""
    port = int(server.url.rsplit(":", 1)[1])
    pending: list[tuple[socket.socket, bytes]] = []
    for body in bodies:
        payload = json.dumps(body).encode()
        head = (
            "POST /v1/audio/speech HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
        ).encode()
        connection = socket.create_connection(("127.0.0.1", port))
        connection.sendall(head + payload[:-1])
        pending.append((connection, payload[-1:]))
    for connection, last in pending:
        connection.sendall(last)
    return [connection for connection, _ in pending]


def answers_of(connections: list[socket.socket]) -> list[tuple[int, dict[str, str], bytes]]:
    """Each connection's answer: its status, headers and body."""
    answers = []
    for connection in connections:
        with connection:
            raw = b""
            while chunk := connection.recv(65536):
                raw += chunk
        head, _, content = raw.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode().split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in header_lines)}
        answers.append((int(status_line.split()[1]), headers, content))
    return answers


def test_overload_is_503_with_retry_after(server: Server, holds: Path) -> None:
    """Requests arriving at one busy lane with a wait queue of one: those beyond it are refused at once."""
    hold = faults.hold(holds)
    refused_before = ended(server, "/v1/audio/speech", "status=503")
    try:
        running = send_together(server, [{"model": "tts-1", "voice": "af_heart", "input": f"The lane is {hold.word}."}])
        wait_for(lambda: lanes(server)["busy"] == 1, "the lane taken")
        connections = send_together(server, [{"model": "tts-1", "voice": "af_heart", "input": "Am I refused?"}] * 6)
        wait_for(
            lambda: (
                lanes(server)["waiting"] == 1 and ended(server, "/v1/audio/speech", "status=503") == refused_before + 5
            ),
            "one request waiting and the other five refused",
        )
    finally:
        hold.release()
    answers = answers_of(running + connections)
    statuses = [status for status, _, _ in answers]
    assert sorted(statuses) == [200, 200] + [503] * 5, statuses
    headers, content = next((headers, body) for status, headers, body in answers if status == 503)
    error = json.loads(content)["error"]
    assert error["code"] == "server_overloaded" and error["type"] == "server_error"
    assert int(headers["retry-after"]) > 0 and int(headers["retry-after-ms"]) == 1000 * int(headers["retry-after"])
    assert headers["x-should-retry"] == "true" and headers["x-request-id"].startswith("req_")
    wait_for(lambda: idle(server), "the lane to come free")


def test_openais_sdk_refused_waits_as_told_then_is_answered(server: Server, holds: Path) -> None:
    """OpenAI's own client, refused while the lane and its queue are full, waits what ``retry-after-ms`` says
    (not its own backoff, under a second) and is then answered. The lane is freed while the refusal is read,
    before the SDK starts waiting, so what the test times is the SDK's wait alone, on any machine."""
    hold = faults.hold(holds)
    sent: list[float] = []
    refusals: list[tuple[float, httpx2.Headers]] = []

    def on_request(request: httpx2.Request) -> None:
        sent.append(time.monotonic())

    def on_response(response: httpx2.Response) -> None:
        if response.status_code == 503:
            hold.release()
            wait_for(lambda: idle(server), "the lane and its queue to come free")
            refusals.append((time.monotonic(), response.headers))

    http = openai.DefaultHttpxClient(event_hooks={"request": [on_request], "response": [on_response]})
    sdk = openai.OpenAI(
        base_url=server.url + "/v1", api_key="unused", max_retries=1, http_client=http, default_headers=TRACED
    )
    try:
        running = send_together(server, [{"model": "tts-1", "voice": "af_heart", "input": f"The lane is {hold.word}."}])
        wait_for(lambda: lanes(server)["busy"] == 1, "the lane taken")
        running += send_together(server, [{"model": "tts-1", "voice": "af_heart", "input": "I wait in the queue."}])
        wait_for(lambda: lanes(server)["waiting"] == 1, "the queue full")
        answer = sdk.audio.speech.with_raw_response.create(
            model="tts-1", voice="af_heart", input="Answered at last.", response_format="pcm"
        )
    finally:
        hold.release()
    assert [status for status, _, _ in answers_of(running)] == [200, 200]
    (refused_at, refused), retried_at = refusals[0], sent[-1]
    assert len(sent) == 2 and refused["x-should-retry"] == "true"
    told_s = int(refused["retry-after-ms"]) / 1000
    assert told_s >= SDK_BACKOFF_S, "a wait the SDK's own backoff would not tell apart"
    assert retried_at - refused_at >= told_s
    assert duration(answer.content, "pcm") > 0.3
    # Both tries carry the client's own id; the answer says how long the server took to its first audio.
    assert refused["x-request-id"] == answer.headers["x-request-id"] == TRACED["x-request-id"]
    assert int(answer.headers["openai-processing-ms"]) >= 0
    logged = f"request_id={TRACED['x-request-id']}"
    wait_for(lambda: ended(server, "/v1/audio/speech", logged) == 2, "both tries logged under the client's id")


def test_the_routers_own_404_is_named_in_its_answer_and_log(server: Server) -> None:
    response = server.get("/v1/nowhere")
    assert response.status_code == 404 and "openai-processing-ms" in response.headers
    named = response.headers["x-request-id"]
    wait_for(lambda: ended(server, "/v1/nowhere", named) == 1, "the 404's log line under its id")


def test_a_client_that_leaves_a_timestamps_request_frees_its_lane(server: Server, holds: Path) -> None:
    before = lanes(server)
    left = ended(server, "/v1/audio/speech/timestamps", "status=499")
    body = {"model": "tts-1", "voice": "af_heart", "input": held_text(faults.hold(holds), 4)}
    # The client gives up once the synthesis is under way (its second chunk held).
    leave_during_synthesis(server, body, "/v1/audio/speech/timestamps")
    wait_for(lambda: ended(server, "/v1/audio/speech/timestamps", "status=499") > left, "the server's end of it")
    assert_left_cleanly(server, before)


def test_timestamps_over_a_real_connection(server: Server) -> None:
    body = {"model": "tts-1", "voice": "af_heart", "input": "Short and sweet, with word times."}
    response = httpx.post(server.url + "/v1/audio/speech/timestamps", json=body, timeout=60)
    assert response.status_code == 200, response.text
    words = response.json()["words"]
    assert " ".join(w["word"] for w in words) == body["input"]
