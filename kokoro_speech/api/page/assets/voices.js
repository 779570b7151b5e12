// The voice picker: the server's voices grouped by language, and blends of several with weights, written out
// as the server reads them ("af_bella(2)+af_sky(1)") in a field that may also be edited by hand.

import { fetchVoices } from "./api.js";

const PREFERRED = "af_heart";
const ALIAS_GROUP = "OpenAI voice names";

export class VoicePicker {
  constructor({ select, weight, blend, add, expression }) {
    this.select = select;
    this.weight = weight;
    this.blend = blend;
    this.add = add;
    this.expression = expression;
    this.voices = [];
    this.rowsMade = 0; // numbers each blend row's ids
    select.addEventListener("change", () => this.compose());
    weight.addEventListener("input", () => this.compose());
    add.addEventListener("click", () => this.#addRow());
  }

  async load() {
    this.voices = await fetchVoices();
    fillOptions(this.select, this.voices);
    const real = this.voices.filter((voice) => !voice.alias_of);
    this.select.value = real.some((voice) => voice.id === PREFERRED) ? PREFERRED : (real[0]?.id ?? "");
    this.select.disabled = false;
    this.add.disabled = false;
    this.compose();
  }

  value() {
    return this.expression.value.trim();
  }

  // The first voice of a blend decides the language the text is read in.
  language() {
    const first = this.value().split("+")[0].replace(/\(.*$/, "").trim();
    return this.voices.find((voice) => voice.id === first)?.language ?? "en";
  }

  compose() {
    const rows = [...this.blend.querySelectorAll("li")];
    this.weight.closest(".field").hidden = rows.length === 0;
    if (!rows.length) {
      this.expression.value = this.select.value;
      return;
    }
    const terms = [[this.select.value, this.weight.value]];
    for (const row of rows) terms.push([row.querySelector("select").value, row.querySelector("input").value]);
    this.expression.value = terms.map(([id, weight]) => `${id}(${cleanWeight(weight)})`).join("+");
  }

  #addRow() {
    this.rowsMade += 1;
    const n = this.blend.children.length + 2;
    const row = document.createElement("li");
    row.className = "voice-row";
    const voiceId = `blend-voice-${this.rowsMade}`;
    const weightId = `blend-weight-${this.rowsMade}`;

    const voiceField = field(voiceId, `Voice ${n}`, "grow");
    const select = document.createElement("select");
    select.id = voiceId;
    fillOptions(select, this.voices);
    // A different voice from the first, or the blend would mix a voice with itself.
    const other = this.voices.find((voice) => !voice.alias_of && voice.id !== this.select.value);
    if (other) select.value = other.id;
    voiceField.append(select);

    const weightField = field(weightId, `Weight ${n}`, "weight");
    const weight = document.createElement("input");
    Object.assign(weight, { id: weightId, type: "number", min: "0", max: "100", step: "0.5", value: "1" });
    weight.inputMode = "decimal";
    weightField.append(weight);

    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "quiet remove";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", `Remove voice ${n}`);
    remove.addEventListener("click", () => {
      row.remove();
      this.#renumber();
      this.compose();
      this.add.focus();
    });

    select.addEventListener("change", () => this.compose());
    weight.addEventListener("input", () => this.compose());
    row.append(voiceField, weightField, remove);
    this.blend.append(row);
    this.compose();
    select.focus();
  }

  #renumber() {
    [...this.blend.children].forEach((row, i) => {
      const n = i + 2;
      const [voiceLabel, weightLabel] = row.querySelectorAll("label");
      voiceLabel.textContent = `Voice ${n}`;
      weightLabel.textContent = `Weight ${n}`;
      row.querySelector("button").setAttribute("aria-label", `Remove voice ${n}`);
    });
  }
}

function field(id, text, kind) {
  const wrapper = document.createElement("div");
  wrapper.className = `field ${kind}`;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = text;
  wrapper.append(label);
  return wrapper;
}

function cleanWeight(text) {
  const weight = Number(text);
  return text.trim() !== "" && Number.isFinite(weight) && weight >= 0 ? String(weight) : "1";
}

function fillOptions(select, voices) {
  const groups = new Map();
  for (const voice of voices) {
    const name = voice.alias_of ? ALIAS_GROUP : voice.language_name;
    if (!groups.has(name)) groups.set(name, []);
    groups.get(name).push(voice);
  }
  // The OpenAI names are another way to say voices listed above: they come last.
  const names = [...groups.keys()].filter((name) => name !== ALIAS_GROUP);
  if (groups.has(ALIAS_GROUP)) names.push(ALIAS_GROUP);
  select.replaceChildren(
    ...names.map((name) => {
      const group = document.createElement("optgroup");
      group.label = name;
      for (const voice of groups.get(name)) {
        const option = document.createElement("option");
        option.value = voice.id;
        option.textContent = voice.alias_of
          ? `${voice.id} → ${voice.alias_of} (${voice.gender})`
          : `${voice.name} · ${voice.gender} (${voice.id})`;
        group.append(option);
      }
      return group;
    }),
  );
}
