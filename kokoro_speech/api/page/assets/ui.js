// What the page says back: the status (with a data-state the tests and styles read), alerts, the playback
// position and the clip's figures.

const $ = (id) => document.getElementById(id);

function clock(seconds) {
  const safe = Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
  const minutes = Math.floor(safe / 60);
  return `${minutes}:${(safe - minutes * 60).toFixed(1).padStart(4, "0")}`;
}

// idle | waiting (sent, no audio yet) | streaming (audio arriving) | done (whole clip in) | error
export function setStatus(state, text) {
  const status = $("status");
  status.dataset.state = state;
  status.textContent = text;
}

export function showAlert(message) {
  $("alert").textContent = message;
}

export function clearAlert() {
  $("alert").textContent = "";
}

export function showPosition(seconds, received) {
  const position = $("position");
  const total = Math.max(received, 0);
  position.max = total > 0 ? total : 1;
  position.value = Math.min(Math.max(seconds, 0), position.max);
  $("position-text").textContent = `${clock(seconds)} / ${clock(total)}`;
}

export function resetFigures() {
  $("ttfa").textContent = "–";
  $("rtf").textContent = "–";
  $("rtf").removeAttribute("title");
  $("length").textContent = "–";
}

export function showFirstAudio(milliseconds) {
  $("ttfa").textContent = `${(milliseconds / 1000).toFixed(2)} s`;
}

// A replayed clip shows the figure it was made with.
export function firstAudioText() {
  return $("ttfa").textContent;
}

export function showFirstAudioText(text) {
  $("ttfa").textContent = text;
}

export function showSynthesis(madeSeconds, audioSeconds) {
  $("rtf").textContent = `RTF ${(madeSeconds / audioSeconds).toFixed(2)}`;
  $("rtf").title = `${madeSeconds.toFixed(1)} s to make ${audioSeconds.toFixed(1)} s of speech`;
  $("length").textContent = `${audioSeconds.toFixed(1)} s`;
}

// A live clip's pace is the typing's, not the synthesis's: only its length is a figure of it.
export function showLength(audioSeconds) {
  $("rtf").textContent = "–";
  $("rtf").title = "Paced by the typing";
  $("length").textContent = `${audioSeconds.toFixed(1)} s`;
}

// Live mode's text as it is typed into the socket; the caret goes once all of it is in.
export function showTyped(text, complete) {
  $("typed-view").hidden = false;
  $("typed-text").textContent = text;
  $("typed").classList.toggle("complete", complete);
  const box = $("typed");
  box.scrollTop = box.scrollHeight;
}

export function endTyped() {
  $("typed").classList.add("complete");
}

export function hideTyped() {
  $("typed-view").hidden = true;
  $("typed-text").textContent = "";
}

export function askForKey(focus) {
  $("key-field").hidden = false;
  if (focus) $("api-key").focus();
}
