// Three ways to feed the one <audio> element the page shows. Each player answers the same questions (what is
// heard now, how much has arrived, is it still sounding) so the words and the position need not know which runs.
//   MsePlayer:  mp3 pieces appended to Media Source Extensions while they arrive.
//   PcmPlayer:  raw pcm scheduled on Web Audio (browsers without MSE, such as Safari on iPhones), then a WAV file.
//   FilePlayer: a whole clip from the list of recent ones.

import { PCM_RATE, wavBlob } from "./wav.js";

export function streamsMp3() {
  return typeof window.MediaSource === "function" && window.MediaSource.isTypeSupported("audio/mpeg");
}

function startPlaying(audio, onBlocked) {
  audio.play().catch((error) => {
    // AbortError: a newer clip took the element over, nothing to say. NotAllowedError: autoplay rules.
    if (error.name === "NotAllowedError") onBlocked?.();
  });
}

export function detach(audio) {
  audio.pause();
  audio.removeAttribute("src");
  for (const track of audio.querySelectorAll("track")) track.remove();
  audio.load(); // so the controls forget the previous clip's length
}

// A player whose clip the <audio> element holds and sounds itself: the element's time, seeking and playing.
class ElementPlayer {
  onBlocked = null;

  constructor(audio) {
    this.audio = audio;
    detach(audio);
  }

  play() {
    startPlaying(this.audio, this.onBlocked);
  }

  time() {
    return this.audio.currentTime;
  }

  sounding() {
    return !this.audio.paused && !this.audio.ended;
  }

  seek(seconds) {
    this.audio.currentTime = seconds;
    startPlaying(this.audio, this.onBlocked);
    return true;
  }

  close() {
    this.audio.pause();
  }
}

export class MsePlayer extends ElementPlayer {
  streamFormat = "mp3";
  onFirstAudio = null;

  constructor(audio) {
    super(audio);
    this.parts = [];
    this.queue = [];
    this.buffer = null;
    this.ending = false;
    this.failure = null;
    this.ended = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.ended.catch(() => {}); // a failed append is reported by finish(), not as an unhandled rejection
    this.source = new MediaSource();
    this.url = URL.createObjectURL(this.source);
    this.source.addEventListener(
      "sourceopen",
      () => {
        URL.revokeObjectURL(this.url); // the element holds the source now
        // The event is queued: by now the element may have been given another clip (a request that failed at
        // once, a newer Speak), which closed this source.
        if (this.source.readyState !== "open") return;
        try {
          this.buffer = this.source.addSourceBuffer("audio/mpeg");
        } catch (error) {
          this.#fail(error);
          return;
        }
        this.buffer.addEventListener("updateend", () => this.#pump());
        this.#pump();
      },
      { once: true },
    );
    // A decoding error ends the source from the browser's side: finish() must not wait for an end it will not see.
    this.onError = () => this.#fail(new Error(this.audio.error?.message || "it could not be decoded"));
    audio.addEventListener("error", this.onError);
    this.firstPlaying = () => this.onFirstAudio?.(performance.now());
    audio.addEventListener("playing", this.firstPlaying, { once: true });
    audio.src = this.url;
  }

  append(bytes) {
    this.parts.push(bytes);
    this.queue.push(bytes);
    this.#pump();
  }

  // A SourceBuffer takes one append at a time: the next waits for the previous one's updateend.
  #pump() {
    if (this.failure || !this.buffer || this.buffer.updating) return;
    if (this.source.readyState !== "open") {
      // Ended already (by the browser, or by close()): what was appended is all there will be.
      if (this.ending) this.settle.resolve();
      return;
    }
    try {
      if (this.queue.length) this.buffer.appendBuffer(this.queue.shift());
      else if (this.ending) {
        this.source.endOfStream();
        this.settle.resolve();
      }
    } catch (error) {
      this.#fail(error);
    }
  }

  #fail(error) {
    if (this.failure) return;
    this.failure = error;
    this.settle.reject(new Error(`The browser could not play the audio (${error.message}).`));
  }

  finish() {
    this.ending = true;
    this.#pump();
    return this.ended;
  }

  received() {
    const ranges = this.audio.buffered;
    return ranges.length ? ranges.end(ranges.length - 1) : 0;
  }

  bytes() {
    return new Blob(this.parts, { type: "audio/mpeg" });
  }

  playable() {
    return this.bytes();
  }

  hasAudio() {
    return this.parts.length > 0;
  }

  close() {
    this.audio.removeEventListener("playing", this.firstPlaying);
    this.audio.removeEventListener("error", this.onError);
    super.close();
    URL.revokeObjectURL(this.url); // where the source never opened
    // A stream stopped halfway is ended where it is, so what came plays to its end instead of waiting for more.
    if (this.source.readyState === "open" && this.buffer && !this.buffer.updating) {
      try {
        this.source.endOfStream();
      } catch {
        // closed meanwhile: nothing left to end
      }
    }
  }
}

// Scheduling a buffer for "now" would clip its first samples: the audio thread is already past that instant.
const LEAD_S = 0.05;

export class PcmPlayer {
  streamFormat = "pcm";
  onFirstAudio = null;
  onBlocked = null;

  constructor(audio, context) {
    this.audio = audio;
    this.context = context;
    this.parts = [];
    this.odd = null; // a sample's first byte whose second byte is in the next piece
    this.segments = []; // where each buffer sits both on the context's clock and in the clip
    this.sources = new Set();
    this.until = 0; // the context time at which everything scheduled has sounded
    this.seconds = 0;
    this.live = true; // Web Audio sounds the clip; once false, the <audio> element does
    this.whole = false;
    this.url = null;
    this.onPlay = () => this.#handOver(this.time(), false);
    this.onSeeking = () => this.#handOver(null, true);
    detach(audio);
  }

  append(bytes) {
    this.parts.push(bytes);
    let data = bytes;
    if (this.odd !== null) {
      data = new Uint8Array(bytes.length + 1);
      data[0] = this.odd;
      data.set(bytes, 1);
      this.odd = null;
    }
    const usable = data.length - (data.length % 2);
    if (usable < data.length) this.odd = data[data.length - 1];
    if (!usable) return;
    const count = usable / 2;
    const buffer = this.context.createBuffer(1, count, PCM_RATE);
    const channel = buffer.getChannelData(0);
    const view = new DataView(data.buffer, data.byteOffset, usable);
    for (let i = 0; i < count; i++) channel[i] = view.getInt16(i * 2, true) / 32768;
    this.#schedule(buffer);
  }

  #schedule(buffer) {
    const start = this.seconds;
    this.seconds += buffer.duration;
    if (!this.live) return;
    const now = this.context.currentTime;
    // Back to back with what is scheduled; after a gap (audio came slower than it plays) from now on.
    const at = Math.max(this.until, now + LEAD_S);
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.context.destination);
    source.onended = () => this.sources.delete(source);
    source.start(at);
    this.sources.add(source);
    if (!this.segments.length) this.onFirstAudio?.(performance.now() + (at - now + this.#latency()) * 1000);
    this.segments.push({ at, start, duration: buffer.duration });
    this.until = at + buffer.duration;
    this.lastSource = source;
  }

  #latency() {
    const latency = this.context.outputLatency;
    return Number.isFinite(latency) && latency > 0 && latency < 1 ? latency : 0;
  }

  play() {
    if (this.context.state !== "running") {
      this.context.resume().catch(() => this.onBlocked?.());
    }
  }

  finish() {
    this.whole = true;
    const wav = wavBlob(this.parts);
    this.file = wav;
    this.url = URL.createObjectURL(wav);
    this.audio.src = this.url;
    if (!this.live) return Promise.resolve();
    // Playing or seeking in the element's own controls takes the clip over from Web Audio, where it was.
    this.audio.addEventListener("play", this.onPlay);
    this.audio.addEventListener("seeking", this.onSeeking);
    // Once Web Audio has sounded all of it, the element holds the clip, paused at its end, for replays.
    if (!this.lastSource || this.context.currentTime >= this.until) this.#handOver(this.seconds, false);
    else this.lastSource.onended = () => this.#handOver(this.seconds, false);
    return Promise.resolve();
  }

  #handOver(at, thenPlay) {
    if (!this.live) return;
    this.live = false;
    this.#silence();
    if (at !== null) this.audio.currentTime = at;
    if (thenPlay) startPlaying(this.audio, this.onBlocked);
  }

  #silence() {
    this.audio.removeEventListener("play", this.onPlay);
    this.audio.removeEventListener("seeking", this.onSeeking);
    for (const source of this.sources) {
      source.onended = null;
      try {
        source.stop();
      } catch {
        // never started: nothing to stop
      }
    }
    this.sources.clear();
  }

  time() {
    if (!this.live) return this.audio.currentTime;
    const heard = this.context.currentTime - this.#latency();
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const segment = this.segments[i];
      if (heard >= segment.at) return segment.start + Math.min(heard - segment.at, segment.duration);
    }
    return 0;
  }

  received() {
    return this.seconds;
  }

  sounding() {
    if (this.live) return !this.whole || this.context.currentTime < this.until;
    return !this.audio.paused && !this.audio.ended;
  }

  seek(seconds) {
    if (!this.whole) return false;
    if (this.live) this.#handOver(seconds, true);
    else {
      this.audio.currentTime = seconds;
      startPlaying(this.audio, this.onBlocked);
    }
    return true;
  }

  bytes() {
    return new Blob(this.parts, { type: "application/octet-stream" });
  }

  playable() {
    return this.file ?? wavBlob(this.parts);
  }

  hasAudio() {
    return this.seconds > 0;
  }

  close() {
    this.live = false;
    this.#silence();
    this.audio.pause();
    if (this.url) URL.revokeObjectURL(this.url);
  }
}

export class FilePlayer extends ElementPlayer {
  constructor(audio, url) {
    super(audio);
    audio.src = url;
  }

  received() {
    return Number.isFinite(this.audio.duration) ? this.audio.duration : 0;
  }
}
