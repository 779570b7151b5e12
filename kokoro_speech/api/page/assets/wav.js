// A WAV header around the server's raw pcm, so that the <audio> element can replay, seek and save a clip.

export const PCM_RATE = 24000;

export function wavBlob(parts, rate = PCM_RATE) {
  let size = parts.reduce((sum, part) => sum + (part.byteLength ?? part.size), 0);
  // The bytes came in whole 16-bit samples; were one odd byte left over, a player would read it as noise.
  if (size % 2) {
    parts = [new Blob(parts).slice(0, size - 1)];
    size -= 1;
  }
  const header = new DataView(new ArrayBuffer(44));
  const text = (offset, value) => [...value].forEach((c, i) => header.setUint8(offset + i, c.charCodeAt(0)));
  text(0, "RIFF");
  header.setUint32(4, 36 + size, true);
  text(8, "WAVE");
  text(12, "fmt ");
  header.setUint32(16, 16, true); // size of the fmt chunk
  header.setUint16(20, 1, true); // integer PCM
  header.setUint16(22, 1, true); // mono
  header.setUint32(24, rate, true);
  header.setUint32(28, rate * 2, true); // bytes per second
  header.setUint16(32, 2, true); // bytes per frame
  header.setUint16(34, 16, true); // bits per sample
  text(36, "data");
  header.setUint32(40, size, true);
  return new Blob([header, ...parts], { type: "audio/wav" });
}
