"""GET /metrics on a real `kokoro-speech serve --workers 2`: whichever worker answers, the whole server."""

from __future__ import annotations

import threading
import time
import uuid

from tests.support import EVENT_TIMEOUT_S, Server, wait_for
from tests.support.audio import duration
from tests.support.metrics import samples, value

MAX_SCRAPES_TO_SEE_BOTH_WORKERS = 40
SPEECH = "/v1/audio/speech"
MP3_PADDING_S = 0.1


def scrape_both(server: Server) -> list[dict[tuple[str, tuple[tuple[str, str], ...]], float]]:
    """One scrape answered by each worker."""
    by_worker: dict[str, str] = {}
    for _ in range(MAX_SCRAPES_TO_SEE_BOTH_WORKERS):
        response = server.get("/metrics")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        by_worker[response.headers["x-worker-pid"]] = response.text
        if len(by_worker) == 2:
            break
    return [samples(text) for text in by_worker.values()]


def test_a_scrape_counts_known_traffic_of_both_workers(two_workers: Server) -> None:
    before = scrape_both(two_workers)[0]
    tag = uuid.uuid4().hex[:8]
    first = f"Metrics count every request, case {tag}."
    second = f"A second text to speak, case {tag}."
    answers = []
    for body in (
        {"input": first, "response_format": "mp3"},
        {"input": first, "response_format": "mp3"},
        {"input": second, "response_format": "wav"},
    ):
        # A fresh connection each, so both workers may take some.
        answers.append(two_workers.post(SPEECH, json={"model": "tts-1", "voice": "af_heart", **body}))
    assert [a.status_code for a in answers] == [200, 200, 200]
    refused = two_workers.post(SPEECH, json={"model": "tts-1", "voice": "nobody", "input": "Who?"})
    assert refused.status_code == 400
    mp3_s = duration(answers[0].content, "mp3") + duration(answers[1].content, "mp3")
    wav_s = duration(answers[2].content, "wav")
    hits = sum(a.headers["x-cache"] == "HIT" for a in answers)

    scrapes = scrape_both(two_workers)
    assert len(scrapes) == 2, "both workers must have answered a scrape"
    route = "/v1/audio/speech"
    for after in scrapes:

        def delta(name: str, **labels: str) -> float:
            return value(after, name, **labels) - value(before, name, **labels)  # noqa: B023

        assert delta("kokoro_speech_requests_total", route=route, status="200", format="mp3", language="en-us") == 2
        assert delta("kokoro_speech_requests_total", route=route, status="200", format="wav") == 1
        assert delta("kokoro_speech_requests_total", route=route, status="400") == 1
        assert delta("kokoro_speech_time_to_first_byte_seconds_count", route=route) == 4
        assert delta("kokoro_speech_request_seconds_count", route=route) == 4
        assert delta("kokoro_speech_cache_requests_total", result="hit") == hits
        assert delta("kokoro_speech_cache_requests_total") == 3
        assert delta("kokoro_speech_input_characters_total") == 2 * len(first) + len(second)
        # The metric counts the audio made; a decoded mp3 also has its encoder's padding (up to about two frames).
        assert abs(delta("kokoro_speech_audio_seconds_total", format="wav") - wav_s) < 0.01
        assert 0 <= mp3_s - delta("kokoro_speech_audio_seconds_total", format="mp3") < 2 * MP3_PADDING_S
        assert delta("kokoro_speech_inference_seconds_total") > 0
        assert value(after, "kokoro_speech_lanes_busy") == 0, "no lane is busy once the traffic is over"
        assert value(after, "kokoro_speech_requests_waiting") == 0
        assert value(after, "kokoro_speech_model_load_seconds") > 0
        assert value(after, "kokoro_speech_model_info", provider="CPUExecutionProvider", variant="int8") == 1


def test_lanes_busy_follows_a_stream_while_it_is_made(two_workers: Server) -> None:
    text = f"A lane stays busy while this long answer is made, case {uuid.uuid4().hex[:8]}. " * 4
    seen: list[float] = []
    done = threading.Event()

    def speak() -> None:
        try:
            two_workers.post(SPEECH, json={"model": "tts-1", "voice": "af_heart", "input": text})
        finally:
            done.set()

    threading.Thread(target=speak, daemon=True).start()
    while not done.is_set():
        seen.append(value(samples(two_workers.get("/metrics").text), "kokoro_speech_lanes_busy"))
        if seen[-1] >= 1:
            break
        time.sleep(0.05)
    assert max(seen) >= 1, "a scrape during synthesis must see a busy lane"
    done.wait(EVENT_TIMEOUT_S)
    wait_for(
        lambda: all(value(s, "kokoro_speech_lanes_busy") == 0 for s in scrape_both(two_workers)), "lanes free again"
    )
