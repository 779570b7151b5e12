// The server's OpenAI-shaped API: every failure becomes an ApiError carrying the server's own message.

import { settings, storedKey } from "./settings.js";

export class ApiError extends Error {
  constructor(message, { status = 0, retryAfter = null } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.retryAfter = retryAfter; // seconds, where the server said when to try again (503, 429)
  }
}

function headers() {
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
  const retryAfter = Number.parseFloat(response.headers.get("Retry-After") ?? "");
  return new ApiError(message, { status: response.status, retryAfter: Number.isFinite(retryAfter) ? retryAfter : null });
}

async function send(path, init) {
  return fetchApi(settings.api + path, init);
}

// fetch(), with the server's failures (and an unreachable server) as ApiErrors.
export async function fetchApi(url, init) {
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(`Could not reach the server (${error.message}).`);
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

// The voice list is open by default, but an operator may close it behind the keys too.
export async function fetchVoices() {
  const response = await send("/audio/voices", { headers: headers() });
  return (await response.json()).voices ?? [];
}

// Server-sent events, with each word's time and the clip's WebVTT captions where the server times words.
export async function streamSpeech(request, signal) {
  const timed = settings.wordTimings ? { timestamps: true, captions: "vtt" } : {};
  const body = { ...request, stream_format: "sse", ...timed };
  const response = await send("/audio/speech", {
    method: "POST",
    headers: headers(),
    body: JSON.stringify(body),
    signal,
  });
  if (!response.body) throw new ApiError("This browser cannot read a response while it arrives.");
  return response.body;
}

export async function speechFile(request) {
  const response = await send("/audio/speech", {
    method: "POST",
    headers: headers(),
    body: JSON.stringify(request),
  });
  return response.blob();
}
