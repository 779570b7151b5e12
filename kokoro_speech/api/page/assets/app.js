// The page's wiring: one speech request at a time, from the Speak button to a clip in the recent list. The
// request is the whole text (server-sent events) or, in Live mode, the text typed word by word into the
// stream-input WebSocket. A second tab holds the long-form jobs (books and articles).

import { ApiError, streamSpeech } from "./api.js";
import { Captions } from "./captions.js";
import { ClipList, excerpt } from "./clips.js";
import { clipFile, save } from "./download.js";
import { Jobs } from "./jobs.js";
import { alignedWords, newRecord, streamLive, typedPieces } from "./live.js";
import { detach, FilePlayer, MsePlayer, PcmPlayer, streamsMp3 } from "./players.js";
import { PCM_RATE } from "./wav.js";
import { settings, storedKey, storeKey } from "./settings.js";
import { decodeBase64, parseEvent, readEvents } from "./sse.js";
import * as ui from "./ui.js";
import { VoicePicker } from "./voices.js";
import { Transcript } from "./words.js";

const $ = (id) => document.getElementById(id);
const els = {
  form: $("compose"),
  text: $("text"),
  count: $("text-count"),
  speed: $("speed"),
  speedOut: $("speed-out"),
  format: $("format"),
  key: $("api-key"),
  live: $("mode-live"),
  modes: document.querySelectorAll("input[name='mode']"),
  speak: $("speak"),
  stop: $("stop"),
  audio: $("audio"),
  download: $("download"),
  tabs: [...document.querySelectorAll("[role='tab']")],
};

const FORMAT_NAMES = { mp3: "MP3", opus: "Opus", aac: "AAC", flac: "FLAC", wav: "WAV", pcm: "PCM (raw 16-bit, 24 kHz)", ulaw: "μ-law (raw, 8 kHz)", alaw: "A-law (raw, 8 kHz)" };

const voices = new VoicePicker({
  select: $("voice"),
  weight: $("voice-weight"),
  blend: $("blend"),
  add: $("blend-add"),
  expression: $("voice-expr"),
});
const transcript = new Transcript($("transcript"), (word) => seekTo(word.start));
const captions = new Captions(els.audio, $("cue"), $("download-captions"));
const clips = new ClipList($("clips"), $("clips-empty"), replay);
// A key typed in the jobs view is the same stored key: the speech form shows it, and the voices may wait for it.
const jobs = new Jobs({
  onKey() {
    els.key.value = storedKey();
    if (voicesWaitForKey) loadVoices();
  },
});

let session = null; // the request being streamed: { controller, player, request, startedAt, live }
let loaded = null; // what the player holds: { player, clip }
let context = null; // one AudioContext for the visit, made in a click so autoplay rules let it sound
let frame = 0;
let voicesWaitForKey = false;

function setUp() {
  els.text.maxLength = settings.maxInputChars;
  els.speed.min = String(settings.minSpeed);
  els.speed.max = String(settings.maxSpeed);
  els.speed.value = "1";
  els.format.replaceChildren(
    ...settings.formats.map((format) => new Option(FORMAT_NAMES[format] ?? format, format)),
  );
  els.format.value = settings.formats.includes("mp3") ? "mp3" : settings.formats[0];
  els.key.value = storedKey();
  // Shown whenever the server wants a key, so a stored one can be changed too; and after any 401.
  if (settings.keysRequired) ui.askForKey(false);

  els.text.addEventListener("input", countText);
  els.text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      speak();
    }
  });
  els.form.addEventListener("submit", (event) => {
    event.preventDefault();
    speak();
  });
  els.stop.addEventListener("click", stop);
  els.speed.addEventListener("input", showSpeed);
  els.format.addEventListener("change", labelDownload);
  for (const mode of els.modes) mode.addEventListener("change", labelSpeak);
  // Stored as typed: Enter in the field sends the form before a change event would have come.
  els.key.addEventListener("input", () => storeKey(els.key.value.trim()));
  els.key.addEventListener("change", () => {
    if (voicesWaitForKey) loadVoices();
  });
  els.download.addEventListener("click", download);
  for (const name of ["play", "playing", "seeked", "loadedmetadata", "timeupdate"]) {
    els.audio.addEventListener(name, wake);
  }

  countText();
  showSpeed();
  labelDownload();
  labelSpeak();
  ui.showPosition(0, 0);
  setUpTabs();
  loadVoices();
}

// Speech and Jobs, as tabs: arrow keys move between them; #jobs in the address opens the jobs.
function setUpTabs() {
  els.tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => showTab(tab));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      event.preventDefault();
      const next = els.tabs[(i + step + els.tabs.length) % els.tabs.length];
      showTab(next);
      next.focus();
    });
  });
  if (location.hash === "#jobs") showTab($("tab-jobs"));
}

function showTab(chosen) {
  for (const tab of els.tabs) {
    const selected = tab === chosen;
    tab.setAttribute("aria-selected", String(selected));
    tab.tabIndex = selected ? 0 : -1;
    $(tab.getAttribute("aria-controls")).hidden = !selected;
  }
  const url = new URL(location.href);
  url.hash = chosen.id === "tab-jobs" ? "jobs" : "";
  history.replaceState(null, "", url);
  if (chosen.id === "tab-jobs") jobs.open();
  else els.key.value = storedKey();
}

// The list may wait for the model to load (503, with when to ask again) or, where an operator closed it, for a key.
async function loadVoices() {
  try {
    await voices.load();
    jobs.useVoices($("voice"));
    if (voicesWaitForKey) ui.clearAlert();
    voicesWaitForKey = false;
  } catch (error) {
    ui.showAlert(`Could not load the voices: ${error.message}`);
    if (error.status === 401) {
      voicesWaitForKey = true;
      ui.askForKey(true);
    } else if (error.status === 503) {
      setTimeout(loadVoices, (error.retryAfter ?? 5) * 1000);
    } else ui.setStatus("error", "The voices could not be loaded.");
  }
}

// The server counts characters (code points); the string's length counts UTF-16 units, two for an emoji.
function characters(text) {
  return [...text].length;
}

function countText() {
  const length = characters(els.text.value);
  els.count.textContent = `${length.toLocaleString()} / ${settings.maxInputChars.toLocaleString()}`;
  els.count.classList.toggle("over", length > settings.maxInputChars);
}

function showSpeed() {
  els.speedOut.textContent = `${Number(els.speed.value).toFixed(2)}×`;
}

function labelDownload() {
  els.download.textContent = `Download .${els.format.value}`;
}

function labelSpeak() {
  els.speak.textContent = els.live.checked ? "Speak live" : "Speak";
}

function audioContext() {
  context ??= newAudioContext();
  // On iPhones Web Audio follows the ring/silent switch unless the page says it plays media.
  if (navigator.audioSession) navigator.audioSession.type = "playback";
  if (context.state !== "running") context.resume().catch(() => {});
  return context;
}

// At the speech's own rate the browser resamples the whole output once, not each buffer at its edges.
function newAudioContext() {
  const Context = window.AudioContext || window.webkitAudioContext;
  try {
    return new Context({ sampleRate: PCM_RATE });
  } catch {
    return new Context(); // a browser that cannot run at that rate resamples each buffer instead
  }
}

function refuse(message, focus) {
  ui.setStatus("error", "Nothing was sent.");
  ui.showAlert(message);
  focus?.focus();
}

// Called straight from the click or key press: the audio must be unlocked before the first await.
function speak() {
  const text = els.text.value;
  if (!text.trim()) return refuse("Type some text to speak first.", els.text);
  if (characters(text) > settings.maxInputChars) {
    return refuse(
      `The text has ${characters(text).toLocaleString()} characters; this server takes at most ` +
        `${settings.maxInputChars.toLocaleString()}.`,
      els.text,
    );
  }
  const voice = voices.value();
  if (!voice) return refuse("Choose a voice first.", $("voice"));

  const live = els.live.checked;
  stop();
  ui.clearAlert();
  // Live audio is pcm played through Web Audio as each piece comes, whatever the browser's MSE.
  const player = streamsMp3() && !live ? new MsePlayer(els.audio) : new PcmPlayer(els.audio, audioContext());
  // Inside the click: WebKit lets an element start only from a user's gesture; it waits here for its data.
  player.play();
  const request = { model: "tts-1", input: text, voice, speed: Number(els.speed.value), response_format: player.streamFormat };
  const current = { controller: new AbortController(), player, request, startedAt: performance.now(), live };
  session = current;
  load(player, null);
  ui.resetFigures();
  if (live) {
    ui.showTyped("", false);
    ui.setStatus("waiting", "Typing; the first sentence is spoken once it is complete…");
  } else {
    ui.hideTyped();
    ui.setStatus("waiting", "Waiting for the first audio…");
  }
  els.stop.disabled = false;
  player.onFirstAudio = (at) => ui.showFirstAudio(at - current.startedAt);
  player.onBlocked = () => ui.showAlert("The browser held the audio back: press play to listen.");
  if (live) runLive(current);
  else run(current);
}

async function run(current) {
  const { controller, player, request, startedAt } = current;
  let done = null;
  try {
    const body = await streamSpeech(request, controller.signal);
    for await (const data of readEvents(body)) {
      const event = parseEvent(data);
      if (event.type === "speech.audio.delta") {
        if (event.words?.length) transcript.add(event.words);
        const first = !player.hasAudio();
        player.append(decodeBase64(event.audio));
        if (first) {
          ui.setStatus("streaming", "Speaking while the rest is made…");
          player.play();
        }
        wake();
      } else if (event.type === "speech.audio.done") {
        if (event.words?.length) transcript.add(event.words);
        done = event;
      } else if (event.type === "error") {
        throw new ApiError(event.error?.message || "The server stopped the speech with an error.");
      }
    }
    if (!done) throw new ApiError("The speech ended before it was complete: the server stopped sending it.");
    const madeIn = (performance.now() - startedAt) / 1000;
    await player.finish();
    if (session !== current) return;
    finished(current, done, madeIn);
  } catch (error) {
    if (controller.signal.aborted) return; // replaced by a newer request, or stopped
    failed(current, error);
  } finally {
    if (session === current) session = null;
    wake();
  }
}

// Live mode: a word every tick into the socket, shown as it goes; each audio message scheduled right behind the
// previous one, its words timed in the clip from its alignment.
async function runLive(current) {
  const { controller, player, request, startedAt } = current;
  const record = newRecord(startedAt);
  const pieces = typedPieces(request.input);
  record.words = pieces.length;
  let ended = false;
  try {
    await streamLive({
      pieces,
      voice: request.voice,
      speed: request.speed,
      signal: controller.signal,
      on: {
        typed(count, at) {
          record.wordsSent = count;
          record.lastWordAt = at;
          ui.showTyped(pieces.slice(0, count).join("").trimEnd(), count === pieces.length);
        },
        ended(at) {
          record.endSentAt = at;
          ended = true;
          if (player.hasAudio()) ui.setStatus("streaming", "All typed: speaking the rest…");
        },
        audio(bytes, alignment, at) {
          record.audioMessages += 1;
          record.firstAudioAt ??= at;
          record.samples += bytes.length >> 1;
          const words = alignedWords(alignment, player.received());
          if (words.length) transcript.add(words);
          const first = !player.hasAudio();
          player.append(bytes);
          if (first) {
            ui.setStatus("streaming", ended ? "All typed: speaking the rest…" : "Speaking while the text is still typed…");
            player.play();
          }
          wake();
        },
        final(at) {
          record.finalAt = at;
        },
        closed(code) {
          record.closeCode = code;
        },
      },
    });
    if (!player.hasAudio()) throw new ApiError("The live stream ended without any audio.");
    await player.finish();
    if (session !== current) return;
    finished(current, { captions: null }, null);
    record.state = "done";
  } catch (error) {
    if (controller.signal.aborted) {
      record.state = "stopped";
      return;
    }
    failed(current, error);
    record.state = "error";
    record.errorShown = true;
    record.error = error.message || String(error);
  } finally {
    ui.endTyped();
    if (session === current) session = null;
    wake();
  }
}

function finished(current, done, madeIn) {
  const { player, request } = current;
  const seconds = player.received();
  const clip = {
    excerpt: excerpt(request.input),
    voice: request.voice,
    seconds,
    url: URL.createObjectURL(player.playable()),
    bytes: player.bytes(),
    streamFormat: player.streamFormat,
    words: transcript.words.slice(),
    captions: typeof done.captions === "string" ? done.captions : null,
    language: voices.language(),
    request: { model: request.model, input: request.input, voice: request.voice, speed: request.speed },
    firstAudio: ui.firstAudioText(),
    madeIn,
  };
  loaded.clip = clip;
  clips.add(clip);
  ui.setStatus("done", `Done: ${seconds.toFixed(1)} s of speech.`);
  showFigures(madeIn, seconds);
  transcript.setSeekable(true);
  captions.show(clip.captions, clip.language);
  els.download.disabled = false;
}

// A live clip (made in no time of its own: the typing paced it) has its length alone.
function showFigures(madeIn, seconds) {
  if (madeIn === null) ui.showLength(seconds);
  else ui.showSynthesis(madeIn, seconds);
}

function failed(current, error) {
  const { player } = current;
  ui.setStatus("error", "Stopped by an error.");
  ui.showAlert(error.message || String(error));
  if (error.status === 401) ui.askForKey(true);
  if (player.hasAudio()) {
    // What arrived before the failure stays playable; the player is never left half-open.
    player.finish().then(
      () => transcript.setSeekable(true),
      () => loaded?.player === player && load(null, null),
    );
  } else load(null, null);
}

function stop() {
  if (session) {
    session.controller.abort();
    session = null;
    ui.setStatus("idle", "Stopped.");
  }
  els.stop.disabled = true;
  loaded?.player.close();
}

function load(player, clip) {
  if (loaded && loaded.player !== player) loaded.player.close();
  loaded = player ? { player, clip } : null;
  transcript.clear();
  captions.clear();
  els.download.disabled = !clip;
  if (!player) detach(els.audio);
  ui.showPosition(0, 0);
}

function replay(clip) {
  stop();
  ui.clearAlert();
  ui.hideTyped();
  const player = new FilePlayer(els.audio, clip.url);
  load(player, clip);
  transcript.add(clip.words);
  transcript.setSeekable(true);
  captions.show(clip.captions, clip.language);
  ui.setStatus("done", `Replaying “${clip.excerpt}”`);
  ui.showFirstAudioText(clip.firstAudio);
  showFigures(clip.madeIn, clip.seconds);
  player.play();
}

function seekTo(seconds) {
  if (loaded?.player.seek(seconds)) wake();
}

async function download() {
  const clip = loaded?.clip;
  if (!clip) return;
  const format = els.format.value;
  els.download.disabled = true;
  els.download.textContent = `Preparing .${format}…`;
  try {
    save(await clipFile(clip, format), `speech.${format}`);
  } catch (error) {
    ui.showAlert(`The download failed: ${error.message}`);
    if (error.status === 401) ui.askForKey(true);
  } finally {
    els.download.disabled = !loaded?.clip;
    labelDownload();
  }
}

// One loop draws the words and the position while something sounds or arrives, and sleeps otherwise.
function wake() {
  if (!frame) frame = requestAnimationFrame(draw);
}

function draw() {
  frame = 0;
  if (!loaded) return;
  const { player } = loaded;
  const seconds = player.time();
  transcript.highlight(seconds);
  captions.update(seconds);
  ui.showPosition(seconds, player.received());
  // Web Audio may go on sounding long after the whole clip has arrived: Stop stays until it is quiet.
  const busy = Boolean(session) || player.sounding();
  els.stop.disabled = !busy;
  if (busy) wake();
}

setUp();
