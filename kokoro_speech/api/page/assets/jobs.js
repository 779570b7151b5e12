// Long-form jobs (books and articles): a file or a pasted text sent to POST /audio/jobs, and the caller's jobs,
// newest first, each drawn in place while it is made: its progress, the time left, its chapters and, once it is
// completed, its downloads. A job still being made is followed through its event stream, read from a fetch body
// so that the Bearer key goes with it (EventSource sends no headers); a browser keeps only a few connections to
// one server, so at most two jobs are streamed at once and any other is asked for every second.
//
// What a test needs is kept on window.__jobs: the lists loaded, the jobs submitted, and per job id the statuses
// and progress values that came, in the order they came.

import { ApiError, fetchApi } from "./api.js";
import { save } from "./download.js";
import { settings, storedKey, storeKey } from "./settings.js";
import { parseEvent, readEvents } from "./sse.js";

const ENDED = new Set(["completed", "failed", "cancelled"]);
const MAX_STREAMS = 2;
const POLL_MS = 1000;
const RETRY_MS = 2000;
const CAPTION_FORMATS = ["vtt", "srt"];
// A job's state shown with the status dot of the speech: [its data-state, its words].
const STATES = {
  queued: ["waiting", "Queued"],
  running: ["streaming", "Being made"],
  completed: ["done", "Done"],
  failed: ["error", "Failed"],
  cancelled: ["idle", "Cancelled"],
};
const CHAPTER_STATES = { queued: "waiting", running: "being made…", failed: "not made", cancelled: "cancelled" };

window.__jobs = { loads: 0, submitted: [], seen: {} };

function record(job) {
  const seen = (window.__jobs.seen[job.id] ??= { statuses: [], progress: [], updates: 0 });
  seen.updates += 1;
  if (seen.statuses.at(-1) !== job.status) seen.statuses.push(job.status);
  if (job.progress !== null && seen.progress.at(-1) !== job.progress) seen.progress.push(job.progress);
}

// ---- the API: its answers, and its failures as ApiErrors with the server's own message ----

const api = (path) => settings.api + path;
const jobPath = (id) => `/audio/jobs/${encodeURIComponent(id)}`;
const contentUrl = (id, chapter) => api(`${jobPath(id)}/content${chapter === undefined ? "" : `?chapter=${chapter}`}`);
const captionsUrl = (id, format) => api(`${jobPath(id)}/captions?format=${format}`);

async function request(url, { method = "GET", json, body, signal } = {}) {
  const headers = {};
  if (json !== undefined) headers["Content-Type"] = "application/json";
  const key = storedKey();
  if (key) headers.Authorization = `Bearer ${key}`;
  return fetchApi(url, { method, headers, body: json === undefined ? body : JSON.stringify(json), signal });
}

// Resolves after ``ms``, or at once when ``signal`` aborts.
function pause(ms, signal) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

// An answer older than what is shown (a list asked for before an event that came first) is not drawn over it.
function stale(shown, next) {
  if (ENDED.has(shown.status)) return !ENDED.has(next.status);
  if (ENDED.has(next.status)) return false;
  return (shown.progress ?? -1) > (next.progress ?? -1);
}

// ---- words and numbers ----

function nameOf(job) {
  return job.title || job.chapters[0]?.title || job.id;
}

function clock(seconds) {
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor(whole / 60) % 60;
  const rest = String(whole % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}

function timeLeft(seconds) {
  if (typeof seconds !== "number") return "";
  if (seconds < 60) return `about ${Math.max(1, Math.round(seconds))} s left`;
  if (seconds < 3600) return `about ${Math.round(seconds / 60)} min left`;
  return `about ${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min left`;
}

function percent(progress) {
  return `${Math.floor(progress * 100)}%`;
}

function progressText(job) {
  const done = job.progress === null ? null : percent(job.progress);
  switch (job.status) {
    case "queued":
      return "Waiting for a worker";
    case "running":
      return done ? [done, timeLeft(job.estimated_seconds_left)].filter(Boolean).join(" · ") : "Starting";
    case "completed":
      return typeof job.duration === "number" ? `${clock(job.duration)} of speech` : "Done";
    default:
      return done ? `Stopped at ${done}` : "Stopped before it started";
  }
}

function metaText(job) {
  const chapters = job.chapters.length;
  const made = new Date(job.created_at * 1000).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
  return [
    job.response_format,
    job.voice,
    `${job.input_chars.toLocaleString()} characters`,
    `${chapters} ${chapters === 1 ? "chapter" : "chapters"}`,
    `sent ${made}`,
  ].join(" · ");
}

// A name a file system takes: no separators, no characters Windows refuses.
function fileName(text) {
  return text
    .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 80);
}

function element(tag, className, text) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

function link(href, text, download, className, label) {
  const made = element("a", className, text);
  made.href = href;
  made.download = download;
  if (label) made.setAttribute("aria-label", label);
  return made;
}

// ---- one job in the list ----

class JobItem {
  constructor(job, onRemove) {
    this.job = null;
    this.follower = null; // the AbortController of the stream or polling that follows it
    this.since = performance.now();
    this.element = element("li", "job");
    const head = element("div", "job-head");
    this.title = element("h3", "job-title");
    this.state = element("p", "status job-state");
    head.append(this.title, this.state);
    const position = element("div", "position");
    this.progress = element("progress");
    this.progress.max = 1;
    this.progressText = element("span", "position-text");
    position.append(this.progress, this.progressText);
    this.meta = element("p", "hint job-meta");
    this.error = element("p", "alert job-error");
    this.chapters = element("ol", "chapters");
    const actions = element("div", "downloads job-actions");
    this.files = element("span", "job-files");
    this.remove = element("button", "quiet job-delete");
    this.remove.type = "button";
    this.remove.addEventListener("click", () => onRemove(this));
    actions.append(this.files, this.remove);
    this.element.append(head, position, this.meta, this.error, this.chapters, actions);
    this.update(job);
  }

  update(job) {
    const before = this.job;
    this.job = job;
    const name = nameOf(job);
    this.element.dataset.id = job.id;
    this.element.dataset.status = job.status;
    this.title.textContent = name;
    const [state, words] = STATES[job.status] ?? ["idle", job.status];
    this.state.dataset.state = state;
    this.state.textContent = words;
    this.progress.setAttribute("aria-label", `Progress of “${name}”`);
    // Without a value the bar is indeterminate: a queued job has no progress yet.
    if (job.progress === null) this.progress.removeAttribute("value");
    else this.progress.value = job.progress;
    this.progressText.textContent = progressText(job);
    this.meta.textContent = metaText(job);
    this.error.textContent = job.error?.message ?? "";
    const changed = !before || before.status !== job.status || before.title !== job.title;
    if (changed || JSON.stringify(before.chapters) !== JSON.stringify(job.chapters)) this.#drawChapters(job);
    if (changed) this.#drawFiles(job);
    const ended = ENDED.has(job.status);
    this.remove.textContent = ended ? "Delete" : "Cancel";
    this.remove.setAttribute("aria-label", `${ended ? "Delete" : "Cancel"} “${name}”`);
  }

  #drawChapters(job) {
    const completed = job.status === "completed";
    const base = fileName(nameOf(job)) || job.id;
    const width = String(job.chapters.length).length;
    this.chapters.replaceChildren(
      ...job.chapters.map((chapter) => {
        const item = element("li", "chapter");
        item.dataset.status = chapter.status;
        const title = element("span", "chapter-title", chapter.title);
        title.title = chapter.title;
        const made = typeof chapter.duration === "number";
        const length = element("span", "chapter-length", made ? clock(chapter.duration) : CHAPTER_STATES[chapter.status]);
        if (made) length.dataset.seconds = String(chapter.duration);
        item.append(title, length);
        if (completed) {
          const number = String(chapter.index + 1).padStart(width, "0");
          item.append(
            link(
              contentUrl(job.id, chapter.index),
              `.${job.response_format}`,
              `${base} ${number} ${fileName(chapter.title)}.${job.response_format}`,
              "chapter-link",
              `Download chapter ${chapter.index + 1}, “${chapter.title}” (.${job.response_format})`,
            ),
          );
        }
        return item;
      }),
    );
  }

  #drawFiles(job) {
    if (job.status !== "completed") {
      this.files.replaceChildren();
      return;
    }
    const base = fileName(nameOf(job)) || job.id;
    const format = job.response_format;
    this.files.replaceChildren(
      link(contentUrl(job.id), `Download .${format}`, `${base}.${format}`, "button job-book"),
      ...CAPTION_FORMATS.map((captions) =>
        link(captionsUrl(job.id, captions), `Captions (.${captions})`, `${base}.${captions}`, "button quiet job-captions"),
      ),
    );
  }
}

// ---- the view: the form and the list ----

export class Jobs {
  constructor({ onKey }) {
    const $ = (id) => document.getElementById(id);
    this.els = {
      form: $("job-form"),
      file: $("job-file"),
      fileClear: $("job-file-clear"),
      text: $("job-text"),
      inputFormat: $("job-input-format"),
      title: $("job-title"),
      voice: $("job-voice"),
      format: $("job-format"),
      keyField: $("jobs-key-field"),
      key: $("jobs-api-key"),
      alert: $("jobs-alert"),
      submit: $("job-submit"),
      refresh: $("jobs-refresh"),
      note: $("jobs-note"),
      list: $("jobs"),
    };
    this.items = new Map(); // job id → JobItem
    this.streams = 0;
    this.turn = 0; // the latest list asked for
    this.loaded = false;

    const { els } = this;
    if (settings.keysRequired) els.keyField.hidden = false;
    els.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#submit();
    });
    els.text.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.#submit();
      }
    });
    els.file.addEventListener("change", () => {
      els.fileClear.hidden = els.file.files.length === 0;
    });
    els.fileClear.addEventListener("click", () => {
      this.#clearFile();
      els.file.focus();
    });
    els.key.addEventListener("input", () => storeKey(els.key.value.trim()));
    els.key.addEventListener("change", () => {
      onKey?.();
      this.refresh(); // the jobs listed are those of the key
    });
    els.refresh.addEventListener("click", () => this.refresh());
    // Without a key the browser fetches a link itself; a key must go as a header, which only fetch can send.
    els.list.addEventListener("click", (event) => {
      const target = event.target.closest("a[download]");
      if (target && storedKey()) {
        event.preventDefault();
        this.#download(target);
      }
    });
  }

  // Called each time the view is shown: the key may have changed in the speech form, the jobs elsewhere.
  open() {
    this.els.key.value = storedKey();
    this.refresh();
  }

  // The speech form's voices, once they are loaded.
  useVoices(select) {
    const chosen = this.els.voice.disabled ? select.value : this.els.voice.value;
    this.els.voice.replaceChildren(...[...select.children].map((child) => child.cloneNode(true)));
    this.els.voice.value = chosen;
    this.els.voice.disabled = false;
  }

  async refresh() {
    const turn = ++this.turn;
    const asked = performance.now();
    if (!this.loaded) this.els.note.textContent = "Loading your jobs…";
    try {
      const { data } = await (await request(api("/audio/jobs"))).json();
      if (turn !== this.turn) return;
      const listed = new Set(data.map((job) => job.id));
      // Gone from the list: deleted or expired, unless it was sent after the list was asked for.
      for (const item of [...this.items.values()]) {
        if (!listed.has(item.job.id) && item.since < asked) this.#drop(item);
      }
      for (const job of data) this.#show(job);
      this.#order(data);
      this.loaded = true;
      window.__jobs.loads += 1;
    } catch (error) {
      if (turn === this.turn) this.#problem(error, "Could not load your jobs");
    } finally {
      if (turn === this.turn) this.#note();
    }
  }

  async #submit() {
    const { els } = this;
    const file = els.file.files[0] ?? null;
    const text = els.text.value;
    if (!file && !text.trim()) return this.#refuse("Choose a file or paste a text first.", els.file);
    if (els.voice.disabled || !els.voice.value) return this.#refuse("Wait for the voices to load.", els.voice);
    const fields = { model: "tts-1", voice: els.voice.value, response_format: els.format.value };
    const title = els.title.value.trim();
    if (title) fields.title = title;
    let init;
    if (file) {
      // The form's fields are the JSON's; the server reads the file's kind from its name.
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.append(name, value);
      form.append("file", file, file.name);
      init = { method: "POST", body: form };
    } else {
      init = { method: "POST", json: { ...fields, input: text, input_format: els.inputFormat.value } };
    }
    this.#clearAlert();
    els.submit.disabled = true;
    els.submit.textContent = file ? "Uploading…" : "Sending…";
    try {
      const job = await (await request(api("/audio/jobs"), init)).json();
      window.__jobs.submitted.push(job.id);
      this.#show(job);
      this.#clearFile();
      els.text.value = "";
      els.title.value = "";
      this.#note(`“${nameOf(job)}” was sent: it is at the top of your jobs.`);
    } catch (error) {
      this.#problem(error);
    } finally {
      els.submit.disabled = false;
      els.submit.textContent = "Submit";
    }
  }

  // Draws an answer about a job (new, or newer than the one shown), and follows it while it is being made.
  #show(job) {
    record(job);
    let item = this.items.get(job.id);
    if (!item) {
      item = new JobItem(job, (it) => this.#remove(it));
      this.items.set(job.id, item);
      this.els.list.prepend(item.element);
      this.#note();
    } else if (!stale(item.job, job)) item.update(job);
    if (!ENDED.has(item.job.status) && !item.follower) this.#follow(item);
    return item;
  }

  // The list's order: the server's, newest first, after any job sent since it was asked for.
  #order(data) {
    const listed = new Set(data.map((job) => job.id));
    const wanted = [
      ...[...this.items.values()].filter((item) => !listed.has(item.job.id)),
      ...data.map((job) => this.items.get(job.id)),
    ].map((item) => item.element);
    const shown = [...this.els.list.children];
    // Moving an element takes its focus away: only when the order changed.
    if (wanted.some((item, i) => shown[i] !== item)) this.els.list.append(...wanted);
  }

  async #follow(item) {
    const controller = new AbortController();
    item.follower = controller;
    const { signal } = controller;
    const { id } = item.job;
    while (!signal.aborted && !ENDED.has(item.job.status)) {
      try {
        if (this.streams < MAX_STREAMS) await this.#stream(id, signal);
        else await this.#poll(id, signal);
      } catch (error) {
        if (signal.aborted) break;
        if (error.status === 404) {
          this.#drop(item); // deleted elsewhere
          break;
        }
        if (error.status === 401) {
          this.#problem(error, "Could not follow a job");
          break;
        }
        await pause(RETRY_MS, signal); // the connection dropped, the server restarted: look again shortly
      }
    }
    if (item.follower === controller) item.follower = null;
  }

  async #stream(id, signal) {
    this.streams += 1;
    try {
      const response = await request(api(`${jobPath(id)}/events`), { signal });
      if (!response.body) throw new ApiError("This browser cannot read a response while it arrives.");
      for await (const data of readEvents(response.body)) {
        const job = parseEvent(data);
        if (job?.id === id) this.#show(job);
      }
    } finally {
      this.streams -= 1;
    }
    // Closed before the job ended (a proxy's time limit, say): a pause before the next look.
    if (!ENDED.has(this.items.get(id)?.job.status)) await pause(POLL_MS, signal);
  }

  async #poll(id, signal) {
    await pause(POLL_MS, signal);
    if (signal.aborted) return;
    this.#show(await (await request(api(jobPath(id)), { signal })).json());
  }

  // Cancel a job being made (the answer is the job, now cancelled), or delete an ended one.
  async #remove(item) {
    const { id } = item.job;
    const verb = ENDED.has(item.job.status) ? "delete" : "cancel";
    item.remove.disabled = true;
    this.#clearAlert();
    try {
      const answer = await (await request(api(jobPath(id)), { method: "DELETE" })).json();
      if (answer.deleted) this.#drop(item, true);
      else this.#show(answer);
    } catch (error) {
      if (error.status === 404) this.#drop(item, true);
      else this.#problem(error, `Could not ${verb} the job`);
    } finally {
      item.remove.disabled = false;
    }
  }

  #drop(item, moveFocus = false) {
    item.follower?.abort();
    item.follower = null;
    const next = item.element.nextElementSibling ?? item.element.previousElementSibling;
    item.element.remove();
    this.items.delete(item.job.id);
    if (moveFocus) (next?.querySelector(".job-delete") ?? this.els.file).focus();
    this.#note();
  }

  async #download(target) {
    if (target.getAttribute("aria-busy") === "true") return;
    target.setAttribute("aria-busy", "true");
    try {
      save(await (await request(target.href)).blob(), target.download);
    } catch (error) {
      this.#problem(error, "The download failed");
    } finally {
      target.removeAttribute("aria-busy");
    }
  }

  #note(text) {
    const count = this.items.size;
    this.els.note.textContent =
      text ?? (count ? `${count} ${count === 1 ? "job" : "jobs"}, newest first.` : "No jobs yet: what you submit is listed here.");
  }

  #clearFile() {
    this.els.file.value = "";
    this.els.fileClear.hidden = true;
  }

  #refuse(message, focus) {
    this.#showAlert(message);
    focus?.focus();
  }

  #problem(error, what) {
    const message = error.message || String(error);
    this.#showAlert(what ? `${what}: ${message}` : message);
    if (error.status === 401) {
      this.els.keyField.hidden = false;
      this.els.key.focus();
    }
  }

  #showAlert(message) {
    this.els.alert.textContent = message;
  }

  #clearAlert() {
    this.els.alert.textContent = "";
  }
}
