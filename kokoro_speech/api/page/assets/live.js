// Live mode: the text typed into ElevenLabs' stream-input WebSocket a word at a time, as a language model writes
// it, while the server speaks each sentence as soon as it is complete: the audio starts before the typing ends.
//
// The exchange: a first message ({"text": " "}, with the speed and the key), one message per word, then
// {"text": ""} to end. The server answers {"audio", "alignment"} per piece of speech (raw 16-bit pcm at 24 kHz
// here, in base64; the alignment's times count from that message's own audio), then {"isFinal": true}, and
// closes with 1000; or {"message", "error", "code": 1008} and a close with 1008.
//
// What a test needs of the last live run is kept on window.__live (performance.now() times, null until then).

import { ApiError } from "./api.js";
import { settings, storedKey } from "./settings.js";
import { decodeBase64 } from "./sse.js";

export const WORD_INTERVAL_MS = 150;
export const OUTPUT_FORMAT = "pcm_24000";
const NORMAL_CLOSURE = 1000;
// The protocol's error names that mean the key: the page then asks for one, as after a 401.
const KEY_ERRORS = new Set(["invalid_api_key", "unauthorized"]);

export function newRecord(startedAt) {
  const record = {
    state: "typing", // typing | done | error | stopped
    startedAt,
    wordsSent: 0,
    words: 0,
    lastWordAt: null,
    endSentAt: null,
    firstAudioAt: null,
    audioMessages: 0,
    samples: 0,
    finalAt: null,
    closeCode: null,
    errorShown: false,
    error: null,
  };
  window.__live = record;
  return record;
}

window.__live = null;

// What a model would send: each word with the space after it (a final one added, so the last sentence is seen
// to end as the others are).
export function typedPieces(text) {
  const pieces = text.trimStart().match(/\S+\s*/g) ?? [];
  if (pieces.length && !/\s$/.test(pieces[pieces.length - 1])) pieces[pieces.length - 1] += " ";
  return pieces;
}

// The socket's address: the API's own, on ws: or wss: as the page is on http: or https:.
export function liveUrl(voice) {
  const url = new URL(`${settings.api}/text-to-speech/${encodeURIComponent(voice)}/stream-input`, location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  url.searchParams.set("output_format", OUTPUT_FORMAT);
  return url.href;
}

// The words of one audio message, timed in the clip: each run of characters that are not spaces is a word,
// from its first character's start to its last one's end, ``offset`` (the audio before this message) later.
export function alignedWords(alignment, offset) {
  const words = [];
  const chars = alignment?.chars;
  if (!Array.isArray(chars)) return words;
  const starts = alignment.charStartTimesMs ?? [];
  const durations = alignment.charDurationsMs ?? [];
  let current = null;
  chars.forEach((char, i) => {
    if (/^\s*$/.test(char)) {
      current = null;
      return;
    }
    const start = offset + (starts[i] ?? 0) / 1000;
    const end = offset + ((starts[i] ?? 0) + (durations[i] ?? 0)) / 1000;
    if (!current) {
      current = { word: "", start, end };
      words.push(current);
    }
    current.word += char;
    current.end = end;
  });
  return words;
}

// Types ``pieces`` into the socket and hands over what comes back; settles once the server has closed the socket
// (resolved after isFinal and 1000, else rejected with the server's message). ``on`` is told of each step:
// typed(count, at), ended(at), audio(bytes, alignment, at), final(at).
export function streamLive({ pieces, voice, speed, signal, on }) {
  return new Promise((resolve, reject) => {
    let socket;
    try {
      socket = new WebSocket(liveUrl(voice));
    } catch (error) {
      reject(new ApiError(`Could not open the live stream (${error.message}).`));
      return;
    }
    let timer = 0;
    let next = 0;
    let final = false;
    let failure = null;

    const stopTyping = () => clearTimeout(timer);
    const send = (message) => {
      if (socket.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(message));
      return true;
    };
    // One word per tick, then the end of the text on the tick after the last word.
    const type = () => {
      if (next < pieces.length) {
        if (!send({ text: pieces[next] })) return;
        next += 1;
        on.typed?.(next, performance.now());
        timer = setTimeout(type, WORD_INTERVAL_MS);
      } else if (send({ text: "" })) on.ended?.(performance.now());
    };

    signal.addEventListener(
      "abort",
      () => {
        stopTyping();
        socket.close(NORMAL_CLOSURE);
        reject(new DOMException("The live stream was stopped.", "AbortError"));
      },
      { once: true },
    );

    socket.addEventListener("open", () => {
      const first = { text: " ", voice_settings: { speed } };
      const key = storedKey();
      if (key) first.xi_api_key = key;
      send(first);
      type();
    });

    socket.addEventListener("message", (event) => {
      if (typeof event.data !== "string") return;
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        failure ??= new ApiError("The server sent a message the page cannot read.");
        socket.close(NORMAL_CLOSURE);
        return;
      }
      if (typeof message?.message === "string" && !("audio" in message)) {
        // An error: the server closes (1008) right after it.
        failure ??= new ApiError(message.message || "The server stopped the live stream with an error.", {
          status: KEY_ERRORS.has(message.error) ? 401 : 0,
        });
        stopTyping();
        return;
      }
      const at = performance.now();
      if (typeof message.audio === "string" && message.audio) on.audio?.(decodeBase64(message.audio), message.alignment, at);
      if (message.isFinal === true) {
        final = true;
        on.final?.(at);
      }
    });

    // An error event is always followed by a close event, which says what happened.
    socket.addEventListener("close", (event) => {
      stopTyping();
      on.closed?.(event.code);
      if (signal.aborted) return;
      if (failure) reject(failure);
      else if (final && event.code === NORMAL_CLOSURE) resolve();
      else if (event.reason) reject(new ApiError(event.reason));
      else {
        reject(
          new ApiError(
            next === 0 && !final
              ? `Could not open the live stream (the connection closed with code ${event.code}).`
              : `The live stream ended before it was complete (code ${event.code}).`,
          ),
        );
      }
    });
  });
}
