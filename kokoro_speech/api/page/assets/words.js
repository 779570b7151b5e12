// The transcript: words as they arrive, the one being heard marked "current" and those before it "spoken".
// Words are buttons with one tab stop for the lot (arrow keys move between them), so a long text is no long
// trail of tab presses.

export class Transcript {
  constructor(element, onPick) {
    this.element = element;
    this.onPick = onPick;
    this.words = [];
    this.buttons = [];
    this.current = -1;
    this.seekable = false;
    element.addEventListener("click", (event) => {
      const button = event.target.closest("button.word");
      if (button && this.seekable) this.onPick(this.words[Number(button.dataset.index)]);
    });
    element.addEventListener("keydown", (event) => this.#move(event));
    // A narrower window rewraps the words: the lit one may have moved out of sight.
    window.addEventListener("resize", () => {
      if (this.current >= 0) this.#keepInView(this.buttons[this.current]);
    });
  }

  clear() {
    this.element.replaceChildren();
    this.words = [];
    this.buttons = [];
    this.current = -1;
    this.setSeekable(false);
  }

  add(words) {
    const fragment = document.createDocumentFragment();
    for (const word of words) {
      const index = this.words.length;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "word";
      button.textContent = word.word;
      button.dataset.index = String(index);
      button.dataset.start = String(word.start);
      button.tabIndex = index === 0 ? 0 : -1;
      button.setAttribute("aria-disabled", String(!this.seekable));
      if (index) fragment.append(" ");
      fragment.append(button);
      this.words.push(word);
      this.buttons.push(button);
    }
    this.element.append(fragment);
  }

  setSeekable(seekable) {
    this.seekable = seekable;
    this.element.classList.toggle("seekable", seekable);
    for (const button of this.buttons) button.setAttribute("aria-disabled", String(!seekable));
  }

  // The current word is the last one that has started: it stays lit through the pause after it. A word lights a
  // hair early (less than a frame): a seek to a word's start may land a rounding error before it.
  highlight(seconds) {
    const index = lastStarted(this.words, seconds + 0.02);
    if (index === this.current) return;
    const previous = this.current;
    this.current = index;
    if (previous >= 0) this.buttons[previous].classList.remove("current");
    // Only the words between the old and the new current one change; a seek back un-speaks them.
    const [from, to] = index > previous ? [Math.max(previous, 0), index] : [index + 1, previous + 1];
    for (let i = from; i < to; i++) this.buttons[i].classList.toggle("spoken", i < index);
    if (index >= 0) {
      const button = this.buttons[index];
      button.classList.replace("spoken", "current") || button.classList.add("current");
      this.#keepInView(button);
    }
  }

  #keepInView(button) {
    const box = this.element; // positioned, so offsetTop counts from its top
    const top = button.offsetTop;
    if (top < box.scrollTop || top + button.offsetHeight > box.scrollTop + box.clientHeight) {
      box.scrollTop = Math.max(0, top - box.clientHeight / 3);
    }
  }

  #move(event) {
    const button = event.target.closest("button.word");
    if (!button) return;
    const here = Number(button.dataset.index);
    const last = this.buttons.length - 1;
    const targets = { ArrowRight: here + 1, ArrowDown: here + 1, ArrowLeft: here - 1, ArrowUp: here - 1, Home: 0, End: last };
    if (!(event.key in targets)) return;
    event.preventDefault();
    const next = Math.min(last, Math.max(0, targets[event.key]));
    button.tabIndex = -1;
    this.buttons[next].tabIndex = 0;
    this.buttons[next].focus();
  }
}

function lastStarted(words, seconds) {
  let low = 0;
  let high = words.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (words[middle].start <= seconds) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}
