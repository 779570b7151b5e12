"""The page in a real browser (the system's Chromium, through Playwright) against a real server: audio heard
while it is still being made, on both of the page's paths (mp3 through Media Source Extensions, and raw pcm
through Web Audio as in a browser without MSE), words lit in time, a word click seeking, downloads that decode,
captions, Live mode's text typed word by word into the stream-input WebSocket while its first sentences are
already heard, and the server's error messages shown to the user."""

from __future__ import annotations

import base64
import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from tests.support import UNTUNED_SCHEDULE, Server, base_env, start_server
from tests.support.audio import duration

CHROMIUM = os.environ.get("KOKORO_SPEECH_TEST_CHROMIUM", "/usr/bin/chromium")
# About twenty seconds of speech, about seventy words.
PARAGRAPH = (
    "The old lighthouse stood at the edge of the cliff, its white paint peeling after years of storms. "
    "Every evening the keeper climbed the spiral stairs, counting each of the one hundred and twelve steps, "
    "and lit the great lamp that warned ships away from the rocks below. Fishermen in the village said "
    "they could set their clocks by the first sweep of its beam across the bay."
)
WAIT_MS = 120_000
"""How long a step may take before it is called missing: a guard against a hang, not a goal."""
AUDIO_BYTES_PER_SECOND = {"mp3": 64_000 // 8, "pcm": 24_000 * 2}
"""What one second of the streamed formats takes: mp3 at the server's default bit rate, 16-bit pcm at 24 kHz."""
ARRIVAL_PACE = 2.0
"""The page's network delivers the stream at this many times the speed it plays (base64 in SSE events adds a
third): whatever the machine, the stream still arrives while the first seconds play, and never starves them. How
fast the server makes the speech then decides nothing the tests judge."""
JUDGED_WORDS = 25
"""The highlighting is judged once playback has reached this word (about eight seconds in)."""

# Injected before the page's own script (through the browser's debugging protocol, so the page's CSP allows
# it): notes every word that becomes the current one and every status the page shows, as they happen.
RECORDER = """
window.__seen = { words: [], states: [], last: -1 };
document.addEventListener("DOMContentLoaded", () => {
  const status = document.getElementById("status");
  window.__seen.states.push(status.dataset.state);
  new MutationObserver(() => {
    const states = window.__seen.states;
    if (states[states.length - 1] !== status.dataset.state) states.push(status.dataset.state);
  }).observe(status, { attributes: true, attributeFilter: ["data-state"] });
  // Read once per batch of changes (the page redraws once a frame), so a word counts once however many
  // class changes lit it.
  const transcript = document.getElementById("transcript");
  new MutationObserver(() => {
    const current = transcript.querySelector(".word.current");
    const index = current ? Number(current.dataset.index) : -1;
    if (index >= 0 && index !== window.__seen.last) window.__seen.words.push(index);
    window.__seen.last = index;
  }).observe(transcript, { subtree: true, attributes: true, attributeFilter: ["class"] });
});
"""

# What the page shows at one instant, read in one go so that no state can change between two readings.
SNAPSHOT = """() => {
  const audio = document.querySelector("audio");
  const current = document.querySelector("#transcript .word.current");
  return {
    state: document.getElementById("status").dataset.state,
    audioTime: audio.currentTime,
    paused: audio.paused,
    position: document.getElementById("position").value,
    positionMax: document.getElementById("position").max,
    currentIndex: current ? Number(current.dataset.index) : -1,
    currentStart: current ? Number(current.dataset.start) : null,
    nextStart: current && current.nextElementSibling ? Number(current.nextElementSibling.dataset.start) : null,
    words: document.querySelectorAll("#transcript .word").length,
    alert: document.getElementById("alert").textContent,
  };
}"""


@pytest.fixture(scope="module")
def server(home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One worker, one lane, untuned (the page is not about the measurement), no result cache: every request,
    the downloads' too, runs the model."""
    tmp = tmp_path_factory.mktemp("page")
    env = base_env(home, tmp, **UNTUNED_SCHEDULE) | {"KOKORO_SPEECH_RESULT_CACHE": "false"}
    server = start_server(env, tmp / "server.log", "--lanes", "1")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: install it or set KOKORO_SPEECH_TEST_CHROMIUM")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser
        browser.close()


class Visit:
    """A fresh browser context on the page, with what its console said."""

    def __init__(self, browser: Browser, server: Server, *, without_mse: bool = False) -> None:
        self.context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
        self.page: Page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        if without_mse:
            # As in Safari on an iPhone: no Media Source Extensions, so the page must take its pcm path.
            self.page.add_init_script("delete window.MediaSource; delete window.ManagedMediaSource;")
        self.page.add_init_script(RECORDER)
        self.page.goto(server.url + "/")
        self.page.wait_for_function(
            "() => document.querySelectorAll('#voice option').length > 10 && !document.getElementById('voice').disabled"
        )

    def throttle(self, response_format: str) -> None:
        """Deliver what the page fetches at ``ARRIVAL_PACE`` times the speed the format plays."""
        rate = ARRIVAL_PACE * AUDIO_BYTES_PER_SECOND[response_format] * 4 / 3
        self._network({"downloadThroughput": rate})

    def unthrottle(self) -> None:
        self._network({"downloadThroughput": -1})

    def _network(self, conditions: dict[str, float]) -> None:
        cdp = self.context.new_cdp_session(self.page)
        cdp.send("Network.enable")
        cdp.send(
            "Network.emulateNetworkConditions", {"offline": False, "latency": 0, "uploadThroughput": -1, **conditions}
        )

    def wait_played(self, index: int, clock: str) -> None:
        """Return once playback (``clock``, a JS expression over a snapshot) has reached word ``index``'s start."""
        self.page.wait_for_function(
            f"""() => {{
              const snapshot = ({SNAPSHOT})();
              const word = document.querySelector("#transcript .word[data-index='{index}']");
              return word !== null && {clock} >= Number(word.dataset.start);
            }}""",
            timeout=WAIT_MS,
            polling="raf",
        )

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.problems.append(f"console error: {message.text}")

    def snapshot(self) -> dict[str, Any]:
        return self.page.evaluate(SNAPSHOT)  # type: ignore[no-any-return]

    def speak(self, text: str, voice: str, download_format: str) -> None:
        self.page.fill("#text", text)
        self.page.select_option("#voice", voice)
        self.page.select_option("#format", download_format)
        assert self.page.input_value("#voice-expr") == voice
        self.page.click("#speak")

    def first_playback_while_streaming(self, clock: str) -> dict[str, Any]:
        """The page at the first instant its ``clock`` (a JS expression) passes half a second, or once the
        stream is no longer arriving, whichever comes first."""
        handle = self.page.wait_for_function(
            f"""() => {{
              const snapshot = ({SNAPSHOT})();
              const clock = {clock};
              const over = !["waiting", "streaming"].includes(snapshot.state);
              return clock > 0.5 || over ? {{ ...snapshot, clock }} : false;
            }}""",
            timeout=WAIT_MS,
            polling="raf",
        )
        return handle.json_value()  # type: ignore[no-any-return]

    def wait_done(self) -> dict[str, Any]:
        self.page.wait_for_function(
            "() => ['done', 'error'].includes(document.getElementById('status').dataset.state)", timeout=WAIT_MS
        )
        snapshot = self.snapshot()
        assert snapshot["state"] == "done", snapshot["alert"]
        return snapshot

    def seen(self) -> dict[str, list[Any]]:
        return self.page.evaluate("() => window.__seen")  # type: ignore[no-any-return]

    def download(self, selector: str) -> tuple[str, bytes]:
        with self.page.expect_download(timeout=WAIT_MS) as info:
            self.page.click(selector)
        download = info.value
        assert download.failure() is None, download.failure()
        return download.suggested_filename, Path(download.path()).read_bytes()

    def close(self) -> None:
        self.context.close()


def codec(data: bytes) -> str:
    with av.open(io.BytesIO(data), mode="r") as container:
        return str(container.streams.audio[0].codec_context.name)


def check_words_followed_playback(visit: Visit) -> None:
    """Every word that lit up did so in order, and nearly every word the playback passed lit up (judged once
    playback has reached word ``JUDGED_WORDS``, see ``Visit.wait_played``)."""
    order = visit.seen()["words"]
    assert len(order) >= 20, f"only {len(order)} words became current: {order}"
    assert order == sorted(order), f"words lit out of order: {order}"
    assert order[0] <= 1, order
    passed = order[-1] - order[0] + 1
    assert len(set(order)) >= 0.9 * passed, f"{passed - len(set(order))} of {passed} words never lit: {order}"


def check_in_step(snapshot: dict[str, Any], clock: float) -> None:
    """The lit word is the one being heard at ``clock``: it has started, and the next one has not."""
    assert snapshot["currentIndex"] >= 0, snapshot
    assert snapshot["currentStart"] <= clock + 0.05, snapshot
    if snapshot["nextStart"] is not None:
        assert clock < snapshot["nextStart"] + 0.1, snapshot


def check_figures(visit: Visit) -> None:
    assert re.fullmatch(r"\d+\.\d\d s", visit.page.text_content("#ttfa") or ""), visit.page.text_content("#ttfa")
    assert re.fullmatch(r"RTF \d+\.\d\d", visit.page.text_content("#rtf") or ""), visit.page.text_content("#rtf")


def click_word(visit: Visit, index: int) -> float:
    """Click the word at ``index`` and return its start, once it is the current word."""
    word = visit.page.locator(f"#transcript .word[data-index='{index}']")
    start = float(word.get_attribute("data-start") or "nan")
    word.click()
    visit.page.wait_for_function(
        f"() => document.querySelector(\"#transcript .word[data-index='{index}']\").classList.contains('current')",
        timeout=10_000,
    )
    return start


def check_a_word_click_plays_from_it(visit: Visit, done: dict[str, Any]) -> dict[str, Any]:
    """Click a word well past where the highlighting has got to: the audio plays from about its start."""
    start = click_word(visit, min(done["words"] - 5, visit.snapshot()["currentIndex"] + 15))
    after = visit.snapshot()
    assert start - 0.05 <= after["audioTime"] < start + 1.0, (start, after)
    assert not after["paused"], after
    return after


def check_captions(visit: Visit) -> None:
    """The captions the server made are the audio's track, the cue of the moment is shown (holding the word
    being heard), and they download as WebVTT."""
    page = visit.page
    assert page.evaluate("() => document.querySelector('audio track').kind") == "captions"
    assert page.evaluate("() => document.querySelector('audio track').track.mode") == "hidden"
    shown = page.wait_for_function(
        """() => {
          const cue = document.getElementById("cue").textContent;
          const word = document.querySelector("#transcript .word.current");
          return cue.trim() && word ? { cue, word: word.textContent } : false;
        }""",
        timeout=10_000,
        polling="raf",
    ).json_value()
    assert shown["word"].strip(".,;:!?") in shown["cue"], shown
    name, vtt = visit.download("#download-captions")
    assert name == "speech.vtt"
    assert vtt.startswith(b"WEBVTT"), vtt[:100]


def check_position_covers(visit: Visit, seconds: float) -> None:
    """Once the clip is whole, the position's range is the clip's length."""
    visit.page.wait_for_function(
        f"() => Math.abs(document.getElementById('position').max - {seconds}) < 0.05", timeout=10_000
    )


def test_mp3_is_heard_while_made_words_follow_and_the_clip_downloads(browser: Browser, server: Server) -> None:
    visit = Visit(browser, server)
    try:
        page = visit.page
        assert page.evaluate("() => MediaSource.isTypeSupported('audio/mpeg')"), "this Chromium has no mp3 MSE"
        visit.throttle("mp3")
        visit.speak(PARAGRAPH, "af_bella", "opus")

        early = visit.first_playback_while_streaming("snapshot.audioTime")
        assert early["state"] == "streaming", f"the whole clip arrived before half a second was played: {early}"
        assert early["clock"] > 0.5 and not early["paused"], early
        assert early["position"] > 0.3, early  # the visible position follows the audio
        check_in_step(early, early["audioTime"])

        done = visit.wait_done()
        visit.unthrottle()
        assert [s for s in visit.seen()["states"] if s != "idle"] == ["waiting", "streaming", "done"]
        visit.wait_played(JUDGED_WORDS, "snapshot.position")
        check_words_followed_playback(visit)
        seconds = page.evaluate("() => document.querySelector('audio').duration")
        assert 14 < seconds < 35, seconds
        check_position_covers(visit, seconds)
        check_figures(visit)
        assert page.locator("#clips li").count() == 1

        # Not the streamed format: the page asks for the same speech again, whole, as opus.
        name, data = visit.download("#download")
        assert name == "speech.opus"
        assert codec(data) == "opus"
        assert duration(data, "opus") == pytest.approx(seconds, abs=0.25)

        # A word well past where the highlighting has got to: the click seeks there and plays.
        after = check_a_word_click_plays_from_it(visit, done)
        check_in_step(after, after["audioTime"])
        check_captions(visit)

        assert visit.problems == []
    finally:
        visit.close()


def test_without_mse_pcm_is_heard_through_web_audio_while_made(browser: Browser, server: Server) -> None:
    visit = Visit(browser, server, without_mse=True)
    try:
        page = visit.page
        assert page.evaluate("() => window.MediaSource === undefined")
        visit.throttle("pcm")
        visit.speak(PARAGRAPH, "am_michael", "wav")

        early = visit.first_playback_while_streaming("snapshot.position")
        assert early["state"] == "streaming", f"the whole clip arrived before half a second was played: {early}"
        assert early["clock"] > 0.5, early
        assert early["paused"], "Web Audio sounds the clip while it streams, not the <audio> element"
        check_in_step(early, early["position"])
        # The position goes on advancing with the Web Audio clock.
        page.wait_for_function(f"() => document.getElementById('position').value > {early['position'] + 0.5}")

        done = visit.wait_done()
        visit.unthrottle()
        assert [s for s in visit.seen()["states"] if s != "idle"] == ["waiting", "streaming", "done"]
        visit.wait_played(JUDGED_WORDS, "snapshot.position")
        check_words_followed_playback(visit)
        # The whole clip becomes a WAV file in the element, for replays and seeking.
        assert page.evaluate("() => document.querySelector('audio').src").startswith("blob:")
        page.wait_for_function("() => Number.isFinite(document.querySelector('audio').duration)")
        seconds = page.evaluate("() => document.querySelector('audio').duration")
        assert 14 < seconds < 35, seconds
        check_position_covers(visit, seconds)
        check_figures(visit)

        # The pcm that came, with a WAV header: no second request.
        name, data = visit.download("#download")
        assert name == "speech.wav"
        assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
        assert duration(data, "wav") == pytest.approx(seconds, abs=0.01)

        # Clicking a word hands the clip over from Web Audio to the element, from that word.
        after = check_a_word_click_plays_from_it(visit, done)
        page.wait_for_function(f"() => document.querySelector('audio').currentTime > {after['audioTime'] + 0.3}")
        check_captions(visit)

        # The clip in the recent list replays whole, with its words.
        page.click("#clips li button")
        page.wait_for_function("() => document.querySelector('audio').currentTime > 0.3", timeout=10_000)
        replayed = visit.snapshot()
        assert replayed["state"] == "done" and replayed["words"] == done["words"], replayed
        assert page.evaluate("() => document.querySelector('audio').duration") == pytest.approx(seconds, abs=0.01)

        assert visit.problems == []
    finally:
        visit.close()


def test_live_mode_speaks_while_the_text_is_still_typed(browser: Browser, server: Server) -> None:
    """Live mode types the text into the stream-input WebSocket a word at a time: the first sentence is heard
    before the last word is in, and the whole of it arrives, plays and ends with isFinal."""
    visit = Visit(browser, server)
    try:
        page = visit.page
        text = "The kitchen lights are on. The front door is locked. Good night."
        page.check("#mode-live")
        assert page.text_content("#speak") == "Speak live"
        page.fill("#text", text)
        page.select_option("#voice", "af_heart")
        page.click("#speak")
        page.wait_for_function("() => document.getElementById('typed-text').textContent.length > 0")
        page.wait_for_function("() => ['done', 'error'].includes(window.__live?.state)", timeout=WAIT_MS)
        live = page.evaluate("() => window.__live")
        assert live["state"] == "done" and not live["errorShown"], live
        assert visit.snapshot()["alert"] == ""
        assert live["wordsSent"] == live["words"] == len(text.split()), live
        # Audio while the text was still being typed: the first sentence's came before the end of the text.
        assert live["firstAudioAt"] < live["endSentAt"], live
        assert live["lastWordAt"] < live["endSentAt"] < live["finalAt"], live
        assert live["closeCode"] == 1000, live
        assert live["audioMessages"] >= 1, live
        assert 2 < live["samples"] / 24_000 < 12, live
        assert page.text_content("#typed-text") == text
        assert visit.snapshot()["words"] == len(text.split())
        assert visit.problems == []
    finally:
        visit.close()


def test_the_servers_error_message_is_shown(browser: Browser, server: Server) -> None:
    visit = Visit(browser, server)
    try:
        page = visit.page
        speech_requests: list[str] = []
        page.on("request", lambda r: speech_requests.append(r.url) if r.url.endswith("/audio/speech") else None)

        # Every control has a name a screen reader can say, those of a blend's rows too.
        page.click("#blend-add")
        unnamed = page.evaluate(
            """() => [...document.querySelectorAll("input, select, textarea, progress, audio, button")]
              .filter((e) => !(e.labels?.length || e.getAttribute("aria-label") || e.textContent.trim()))
              .map((e) => e.outerHTML)"""
        )
        assert unnamed == []
        page.click("#blend li button.remove")

        # A voice typed by hand into the blend field, which the server does not have; sent with Ctrl+Enter.
        voice = "af_heart(2)+zz_nobody(1)"
        page.fill("#text", "Hello there.")
        page.fill("#voice-expr", voice)
        page.press("#text", "Control+Enter")
        page.wait_for_function(
            "() => ['done', 'error'].includes(document.getElementById('status').dataset.state)", timeout=WAIT_MS
        )
        expected = server.post("/v1/audio/speech", json={"model": "tts-1", "input": "Hello there.", "voice": voice})
        assert expected.status_code == 400
        snapshot = visit.snapshot()
        assert snapshot["state"] == "error"
        assert snapshot["alert"] == expected.json()["error"]["message"]
        assert page.get_attribute("#alert", "role") == "alert" and page.locator("#alert").is_visible()
        assert page.evaluate("() => document.querySelector('audio').getAttribute('src')") is None
        assert page.locator("#download").is_disabled()
        assert len(speech_requests) == 1

        # Text over the server's limit (the field's maxlength taken off) is refused without asking the server.
        limit = json.loads(page.text_content("#server-settings") or "{}")["maxInputChars"]
        page.evaluate("() => document.getElementById('text').removeAttribute('maxlength')")
        page.fill("#text", "a" * (limit + 1))
        page.fill("#voice-expr", "af_heart")
        page.click("#speak")
        page.wait_for_function("() => document.getElementById('alert').textContent.includes('at most')")
        assert visit.snapshot()["state"] == "error"
        assert len(speech_requests) == 1

        # The only console error is the browser's own line about the 400 response.
        assert len(visit.problems) == 1 and "400" in visit.problems[0], visit.problems
    finally:
        visit.close()


def test_sse_events_split_anywhere_are_read_whole(browser: Browser, server: Server) -> None:
    """The page's event reader, fed a real stream cut at every awkward place: inside "\\r\\n", inside a
    base64 string, inside a multi-byte character."""
    body = {
        "model": "tts-1",
        "voice": "af_heart",
        "input": "Hi there.",
        "stream_format": "sse",
        "timestamps": True,
        "response_format": "mp3",
    }
    stream = server.post("/v1/audio/speech", json=body).text
    expected = [json.loads(line[5:]) for line in stream.splitlines() if line.startswith("data:")]
    # The same events with "\r\n" line ends, a comment, a two-line data field and a character of two bytes.
    crlf = (": keep-alive\r\n\r\n" + stream.replace("\n", "\r\n")).replace('"type"', '"é": 1,\r\ndata: "type"')
    data = base64.b64encode(crlf.encode()).decode()
    visit = Visit(browser, server)
    try:
        events = visit.page.evaluate(
            """async (data) => {
              const { readEvents } = await import("/assets/sse.js");
              const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
              const results = [];
              for (const size of [1, 2, 3, 7, 64, bytes.length]) {
                const body = new ReadableStream({
                  start(controller) {
                    for (let i = 0; i < bytes.length; i += size) controller.enqueue(bytes.slice(i, i + size));
                    controller.close();
                  },
                });
                const events = [];
                for await (const event of readEvents(body)) events.push(JSON.parse(event));
                results.push(events);
              }
              return results;
            }""",
            data,
        )
        for got in events:
            assert [{k: v for k, v in e.items() if k != "é"} for e in got] == expected
            assert all(e["é"] == 1 for e in got)
        assert visit.problems == []
    finally:
        visit.close()


# Two chapters of about 150 characters each, as a Markdown file whose top headings are the chapters.
STORY = (
    b"# The Harbour\n\n"
    b"The boats came in at dawn, their decks heavy with the night's catch. Gulls wheeled above the masts "
    b"while the harbour master counted every hull.\n\n"
    b"# The Market\n\n"
    b"By noon the square was full of stalls. Fishmongers called out their prices, and children ran between "
    b"baskets of silver herring and bright oranges.\n"
)


def test_a_book_is_made_as_a_job_followed_and_downloaded(browser: Browser, server: Server) -> None:
    """The Jobs tab: a Markdown file of two chapters uploaded as a job, followed while it is made (its progress
    never going back), its chapters listed with their lengths, its book and chapters downloadable, then deleted."""
    visit = Visit(browser, server)
    try:
        page = visit.page
        page.click("#tab-jobs")
        assert page.locator("#jobs-view").is_visible() and not page.locator("#speech-view").is_visible()
        assert page.get_attribute("#tab-jobs", "aria-selected") == "true"
        page.wait_for_function("() => window.__jobs.loads > 0")
        page.set_input_files("#job-file", {"name": "story.md", "mimeType": "text/markdown", "buffer": STORY})
        page.select_option("#job-voice", "af_heart")
        page.select_option("#job-format", "mp3")
        page.click("#job-submit")
        page.wait_for_function("() => window.__jobs.submitted.length === 1")
        job_id = page.evaluate("() => window.__jobs.submitted[0]")
        item = page.locator(f"#jobs li.job[data-id='{job_id}']")
        page.wait_for_function(
            f"""() => ["completed", "failed", "cancelled"].includes(
              document.querySelector("#jobs li.job[data-id='{job_id}']")?.dataset.status)""",
            timeout=WAIT_MS,
        )
        assert item.get_attribute("data-status") == "completed", item.locator(".job-error").text_content()
        assert visit.page.text_content("#jobs-alert") == ""

        # Followed through its events: its progress only went forward, to the end.
        seen = page.evaluate("(id) => window.__jobs.seen[id]", job_id)
        progress = seen["progress"]
        assert progress == sorted(progress) and progress[-1] == 1, seen
        assert seen["statuses"][-1] == "completed", seen
        assert item.locator("progress").evaluate("(bar) => bar.value") == 1

        # Its chapters, each with its length and a download; the whole book decodes.
        assert item.locator(".chapter-title").all_text_contents() == ["The Harbour", "The Market"]
        lengths = [
            float(s or "nan")
            for s in item.locator(".chapter-length").evaluate_all("(l) => l.map((e) => e.dataset.seconds)")
        ]
        assert all(seconds > 1 for seconds in lengths), lengths
        assert all(re.fullmatch(r"\d+:\d\d", text) for text in item.locator(".chapter-length").all_text_contents())
        chapter_links = item.locator("a.chapter-link").evaluate_all("(links) => links.map((a) => a.href)")
        assert [link.rsplit("?", 1)[-1] for link in chapter_links] == ["chapter=0", "chapter=1"], chapter_links
        assert item.locator("a.job-captions").count() == 2
        book = httpx.get(item.locator("a.job-book").evaluate("(a) => a.href"), timeout=30)
        assert book.status_code == 200, book.text
        assert codec(book.content).startswith("mp3")  # mp3float, as PyAV names FFmpeg's decoder
        seconds = duration(book.content, "mp3")
        assert seconds > 1
        assert seconds == pytest.approx(sum(lengths), abs=0.5)

        # Deleted: it leaves the list, and the server no longer has it.
        assert item.locator("button.job-delete").text_content() == "Delete"
        item.locator("button.job-delete").click()
        item.wait_for(state="detached")
        assert server.get(f"/v1/audio/jobs/{job_id}").status_code == 404

        # The speech form is back as it was.
        page.click("#tab-speech")
        assert page.locator("#compose").is_visible() and not page.locator("#jobs-view").is_visible()
        assert visit.problems == []
    finally:
        visit.close()
