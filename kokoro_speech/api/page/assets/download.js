// Saving a clip in the chosen format: the bytes already here when they are in that format, else the same
// request again, not streamed, in the format asked for.

import { speechFile } from "./api.js";
import { wavBlob } from "./wav.js";

let lastUrl = null;

export async function clipFile(clip, format) {
  if (format === clip.streamFormat) return clip.bytes;
  // The pcm that came is the WAV's data already: only the header is missing.
  if (format === "wav" && clip.streamFormat === "pcm") return wavBlob([clip.bytes]);
  return speechFile({ ...clip.request, response_format: format });
}

export function save(blob, name) {
  // The previous file's URL is freed here rather than at once: the browser reads it after the click returns.
  if (lastUrl) URL.revokeObjectURL(lastUrl);
  lastUrl = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = lastUrl;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
}
