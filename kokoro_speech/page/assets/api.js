// The server's OpenAI-shaped API: every failure becomes an ApiError carrying the server's own message.

import { settings, storedKey } from "./settings.js";

export class ApiError extends Error {
  constructor(message, { status = 0, code = null } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

function speechHeaders() {
  const headers = { "Content-Type": "application/json" };
  const key = storedKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  return headers;
}

async function errorOf(response) {
  let detail = null;
  try {
    detail = (await response.json())?.error ?? null;
  } catch {
    // not JSON: a proxy's error page, say; the status still tells something
  }
  const message = detail?.message || `The server answered ${response.status} ${response.statusText}`.trim() + ".";
  return new ApiError(message, { status: response.status, code: detail?.code ?? null });
}

async function send(path, init) {
  let response;
  try {
    response = await fetch(settings.api + path, init);
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(`Could not reach the server (${error.message}).`);
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

// The voice list is open even where speech needs a key, so no key is sent for it.
export async function fetchVoices(signal) {
  const response = await send("/audio/voices", { signal });
  return (await response.json()).voices ?? [];
}

// Server-sent events with each word's time (and WebVTT captions at the end, where the server makes them).
export async function streamSpeech(request, signal) {
  const body = { ...request, stream_format: "sse", timestamps: true, captions: "vtt" };
  const response = await send("/audio/speech", {
    method: "POST",
    headers: speechHeaders(),
    body: JSON.stringify(body),
    signal,
  });
  if (!response.body) throw new ApiError("This browser cannot read a response while it arrives.");
  return response.body;
}

export async function speechFile(request, signal) {
  const response = await send("/audio/speech", {
    method: "POST",
    headers: speechHeaders(),
    body: JSON.stringify(request),
    signal,
  });
  return response.blob();
}
