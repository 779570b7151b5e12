// WebVTT captions from the server, as a hidden text track (the browser parses the cues but draws nothing: an
// <audio> element has no place to). The page shows the cue of the moment under the player itself, from the
// same clock as the words, since while Web Audio sounds a clip the element's own time stands still.

export class Captions {
  constructor(audio, cueElement, link) {
    this.audio = audio;
    this.cueElement = cueElement;
    this.link = link;
    this.element = null;
    this.url = null;
    this.shown = "";
  }

  show(vtt, language) {
    this.clear();
    if (!vtt) return;
    this.url = URL.createObjectURL(new Blob([vtt], { type: "text/vtt" }));
    const element = document.createElement("track");
    element.kind = "captions";
    element.label = "Captions";
    element.srclang = language || "en";
    element.src = this.url;
    this.audio.append(element);
    element.track.mode = "hidden";
    this.element = element;
    this.cueElement.hidden = false; // its room is kept between cues, so the page does not jump
    this.link.href = this.url;
    this.link.hidden = false;
  }

  update(seconds) {
    const cues = this.element?.track.cues;
    if (!cues) return;
    const active = [];
    for (const cue of cues) if (cue.startTime <= seconds && seconds < cue.endTime) active.push(cue);
    // getCueAsHTML drops a cue's markup (voice spans, inner timestamps) and keeps its words.
    const text = active.map((cue) => (cue.getCueAsHTML ? cue.getCueAsHTML().textContent : cue.text)).join(" ");
    if (text === this.shown) return;
    this.shown = text;
    this.cueElement.textContent = text;
  }

  clear() {
    this.element?.remove();
    this.element = null;
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = null;
    this.link.hidden = true;
    this.link.removeAttribute("href");
    this.shown = "";
    this.cueElement.textContent = "";
    this.cueElement.hidden = true;
  }
}
