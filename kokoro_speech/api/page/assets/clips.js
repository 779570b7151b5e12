// The last clips of this visit, each replayable with its words; a clip pushed out of the list frees its files.

const KEPT = 5;

export class ClipList {
  constructor(list, emptyNote, onReplay) {
    this.list = list;
    this.emptyNote = emptyNote;
    this.onReplay = onReplay;
    this.clips = [];
  }

  add(clip) {
    this.clips.unshift(clip);
    for (const old of this.clips.splice(KEPT)) URL.revokeObjectURL(old.url);
    this.render();
  }

  render() {
    this.list.replaceChildren(...this.clips.map((clip) => this.#item(clip)));
    this.emptyNote.hidden = this.clips.length > 0;
  }

  #item(clip) {
    const item = document.createElement("li");
    item.className = "clip";
    const text = document.createElement("p");
    text.className = "clip-text";
    text.textContent = clip.excerpt;
    const meta = document.createElement("p");
    meta.className = "clip-meta";
    meta.textContent = `${clip.voice} · ${clip.seconds.toFixed(1)} s · ${clip.words.length} words`;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "quiet";
    button.textContent = "Replay";
    button.setAttribute("aria-label", `Replay “${clip.excerpt}”`);
    button.addEventListener("click", () => this.onReplay(clip));
    item.append(text, meta, button);
    return item;
  }
}

export function excerpt(text, length = 70) {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > length ? `${flat.slice(0, length - 1).trimEnd()}…` : flat;
}
