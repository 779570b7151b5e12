// Server-sent events read from a fetch body (EventSource cannot POST): yields each event's data once the blank
// line that ends it has arrived, wherever the network cut the bytes.

import { ApiError } from "./api.js";

const LINE_BREAK = /\r\n|\r|\n/;

export async function* readEvents(body) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let pending = "";
  let data = [];
  let finished = false;
  try {
    while (!finished) {
      const { value, done } = await reader.read();
      finished = done;
      pending += done ? decoder.decode() : decoder.decode(value, { stream: true });
      // A "\r" at the very end may be the first half of a "\r\n": cut there only once the next read shows which.
      const cut = !done && pending.endsWith("\r") ? pending.length - 1 : pending.length;
      const lines = pending.slice(0, cut).split(LINE_BREAK);
      pending = lines.pop() + pending.slice(cut);
      for (const line of lines) {
        if (line === "") {
          if (data.length) yield data.join("\n");
          data = [];
          continue;
        }
        if (line.startsWith(":")) continue; // a comment, such as a keep-alive
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        if (field !== "data") continue; // the event's type is inside its JSON
        const value = colon < 0 ? "" : line.slice(colon + 1);
        data.push(value.startsWith(" ") ? value.slice(1) : value);
      }
    }
    // An event not closed by its blank line is incomplete: the standard drops it, and so does this reader.
  } finally {
    if (!finished) reader.cancel().catch(() => {});
  }
}

export function parseEvent(data) {
  try {
    return JSON.parse(data);
  } catch {
    throw new ApiError("The server sent an event the page cannot read.");
  }
}

// The audio of a delta event: base64 in the JSON.
export function decodeBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
