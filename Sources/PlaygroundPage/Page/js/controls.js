// The page's controls: header selects and buttons, data set thumbnails and sliders, own
// data, presets, toggles, downloads and keyboard shortcuts. They send settings and
// commands; they show the settings the server confirmed (`syncControls`).
import { state, vocabulary, PAGE_DEFAULT_EPOCHS } from "./state.js";
import { layers, setLayers } from "./network.js";
import { editorIsOpen } from "./editor.js";
import { renderOutput, planeAt } from "./output.js";
import { renderLossChart } from "./chart.js";
import { save } from "./persist.js";
import { pin, renderPinned } from "./pinned.js";

const $ = (id) => document.getElementById(id);
let act = {};

/** `handlers`: set(key, value), send(message), configure(settings), notify(text), openLesson(name). */
export function setupControls(handlers) {
  act = handlers;
  const box = $("datasets");
  for (const a of vocabulary.activations) $("activation").add(new Option(a, a));
  for (const name of vocabulary.datasets) {
    const b = document.createElement("button");
    b.dataset.dataset = name; b.title = name; b.setAttribute("aria-label", `data set ${name}`);
    b.innerHTML = `<img src="thumbnail/${name}.png" alt=""><span>${name}</span>`;
    b.onclick = () => act.set("dataset", name);
    box.appendChild(b);
  }
  for (const el of document.querySelectorAll("select[data-key]")) el.onchange = () => act.set(el.dataset.key, el.value);
  const slider = (id, key, toValue, show) => {
    $(id).oninput = () => { $(show).textContent = $(id).value; };
    $(id).onchange = () => act.set(key, toValue($(id).value));
  };
  slider("ratio", "ratio", v => v / 100, "ratio-value");
  slider("noise", "noise", v => v / 100, "noise-value");
  slider("batch-size", "batch-size", v => v, "batch-value");
  slider("classes", "classes", v => v, "classes-value");
  $("stop-epoch").onchange = () => {
    const field = $("stop-epoch"), v = field.value.trim();
    // A number field reads "abc" as empty: say so rather than quietly stop at no epoch.
    if (field.validity.badInput) {
      act.notifyError("Stop at epoch: that is not a number; give a whole number of epochs, or leave it empty for never.");
      syncControls();   // the field shows the stop epoch in force again, as after any refused value
      return;
    }
    act.set("epochs", v === "" ? PAGE_DEFAULT_EPOCHS : v);
  };
  $("play").onclick = togglePlay;
  for (const b of document.querySelectorAll("[data-step]")) b.onclick = () => act.send({ type: "step", value: Number(b.dataset.step) });
  $("reset").onclick = () => { state.history = []; act.send({ type: "reset" }); };
  $("new-weights").onclick = newWeights;
  $("regenerate").onclick = () => act.send({ type: "regenerate" });
  $("add-layer").onclick = () => { const l = layers(); if (l.length < vocabulary.limits.depth) { l.push(2); setLayers(l); } };
  $("remove-layer").onclick = () => { const l = layers(); if (l.length) { l.pop(); setLayers(l); } };
  $("csv-file").onchange = async (e) => {
    const f = e.target.files[0]; if (!f) return;
    act.send({ type: "uploadCSV", text: await f.text() });
    e.target.value = "";
  };
  // A preset replaces the whole setup, so it is applied when chosen — a click in the open
  // menu, or Enter — not while the arrow keys walk a closed menu past the presets (each arrow
  // fires "change" there). Leaving the menu without Enter leaves the setup as it was.
  const preset = $("preset");
  let walking = false;
  const applyPreset = () => {
    walking = false;
    const chosen = preset.value;
    preset.value = "";
    if (chosen.startsWith("lesson:")) { act.openLesson(chosen.slice(7)); return; }
    const p = state.presets.find(p => p.name === chosen);
    if (!p) return;
    state.history = [];
    act.configure(p.settings);
    act.notify(`${p.title}: ${p.note}`);
  };
  preset.addEventListener("keydown", (e) => {
    if (["ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown"].includes(e.key)) walking = true;
    else if (e.key === "Enter" && walking) { e.preventDefault(); applyPreset(); }
  });
  preset.onchange = () => { if (!walking) applyPreset(); };
  preset.addEventListener("blur", () => { if (walking) { walking = false; preset.value = ""; } });
  $("show-test").onchange = () => { state.view.showTest = $("show-test").checked; renderOutput(); };
  $("discretize").onchange = () => { state.view.discretize = $("discretize").checked; renderOutput(); };
  $("log-loss").onchange = () => { state.view.logLoss = $("log-loss").checked; renderLossChart(); };
  $("link-scale").onchange = () => { state.view.linkScale = Number($("link-scale").value); if (state.snap) handlers.redraw(); };
  $("copy-command").onclick = async () => {
    const text = state.snap ? state.snap.command : "";
    $("command-text").textContent = text;
    const caveat = state.snap && state.snap.unreproduced ? " It does not reproduce this run: see below." : "";
    try { await navigator.clipboard.writeText(text); act.notify("Copied: " + text + caveat); } catch (_) { act.notify("Select the command below to copy it." + caveat); }
  };
  for (const b of document.querySelectorAll("[data-download]")) b.onclick = () => act.send({ type: "download", format: b.dataset.download });
  $("pin").onclick = () => { pin(); handlers.redraw(); };
  for (const b of document.querySelectorAll("[data-picture]")) b.onclick = () => savePicture($(b.dataset.picture), b.textContent.trim());
  $("output").onclick = (e) => {
    if (!state.snap) return;
    const v = $("add-class").value, { x, y } = planeAt(e);
    if (v !== "") { const test = v.startsWith("test:"); act.send({ type: "addPoint", x, y, label: Number(test ? v.slice(5) : v), test }); return; }
    // In the gradient view a click chooses the training point the chain rule is shown for.
    if (state.settings.view === "gradients" && state.data.train.length) {
      let best = 0, bestD = Infinity;
      state.data.train.forEach((p, k) => { const d = (p[0] - x) ** 2 + (p[1] - y) ** 2; if (d < bestD) { bestD = d; best = k; } });
      act.chooseSample(best);
    }
  };
  document.addEventListener("keydown", shortcut);
  window.addEventListener("pagehide", () => save(true));
}

function togglePlay() { act.send({ type: state.snap && state.snap.state === "running" ? "pause" : "play" }); }
function newWeights() { state.history = []; act.set("seed", String((Number(state.settings.seed) || 0) + 1)); }

/** Space play/pause, → one epoch (shift: 10), r reset, n new weights — unless typing. */
function shortcut(e) {
  if (e.ctrlKey || e.metaKey || e.altKey || editorIsOpen() || state.connection !== "open") return;
  const t = e.target, tag = t && t.tagName;
  if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") return;
  // Space and Enter keep their meaning on buttons and other focused controls.
  const onControl = tag === "BUTTON" || (t && t.getAttribute && t.getAttribute("role"));
  if (e.key === " " && !onControl) { e.preventDefault(); togglePlay(); }
  else if (e.key === "ArrowRight") { e.preventDefault(); act.send({ type: "step", value: e.shiftKey ? 10 : 1 }); }
  else if (e.key === "r") { state.history = []; act.send({ type: "reset" }); }
  else if (e.key === "n") newWeights();
}

/** A canvas as a PNG file, on white (the charts draw on a transparent ground), at its pixels. */
function savePicture(canvas, name) {
  const out = document.createElement("canvas");
  out.width = canvas.width; out.height = canvas.height;
  const ctx = out.getContext("2d");
  ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, out.width, out.height); ctx.drawImage(canvas, 0, 0);
  out.toBlob((blob) => {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob); a.download = name; a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  }, "image/png");
}

/** Shows the confirmed settings in every control (a refused value goes back). */
export function syncControls() {
  const s = state.settings;
  renderPinned();   // each pinned run is labelled by how it differs from these settings
  for (const el of document.querySelectorAll("select[data-key]")) {
    const key = el.dataset.key; let v = s[key];
    if (key === "activation") v = (v || "tanh").split(",")[0];
    if (key === "lr-schedule" && !v) v = "constant";
    if (key === "stop-when" && !v) v = "";
    if (v == null) continue;
    if (![...el.options].some(o => o.value === v)) el.add(new Option(v, v));
    el.value = v;
  }
  const range = (id, show, v) => { $(id).value = v; $(show).textContent = $(id).value; };
  range("ratio", "ratio-value", Math.round(parseFloat(s.ratio || "0.5") * 100));
  range("noise", "noise-value", Math.round(parseFloat(s.noise || "0") * 100));
  range("batch-size", "batch-value", s["batch-size"] || "10");
  // Full batch (0) has no place on the slider: say it in words.
  if (s["batch-size"] === "0") $("batch-value").textContent = "full";
  range("classes", "classes-value", s.classes || "3");
  $("stop-epoch").value = !s.epochs || s.epochs === PAGE_DEFAULT_EPOCHS ? "" : s.epochs;
  $("seed").textContent = s.seed || "0";
  $("data-seed").textContent = s["data-seed"] || "0";
  $("download-data").hidden = s.dataset !== "csv";
  for (const b of document.querySelectorAll("#datasets button")) {
    const on = b.dataset.dataset === s.dataset;
    b.classList.toggle("selected", on); b.setAttribute("aria-pressed", String(on));
  }
  // Click-to-add: the classes of this data; the chosen one stays chosen.
  const add = $("add-class"), k = state.data.task === "multiclass" ? state.data.classes : 2;
  if (add.dataset.classes !== String(k)) {
    const chosen = add.value;
    const classes = Array.from({ length: k }, (_, c) => c);
    add.innerHTML = '<option value="">nothing</option>' + classes.map(c => `<option value="${c}">class ${c}</option>`).join("")
      + classes.map(c => `<option value="test:${c}">a test point of class ${c}</option>`).join("");
    add.dataset.classes = String(k);
    if ([...add.options].some(o => o.value === chosen)) add.value = chosen;
  }
}

/** While disconnected nothing can be sent: every control says so by being disabled. */
export function setEnabled(on) {
  for (const el of document.querySelectorAll("header button, header select, header input, main button, main select, main input")) el.disabled = !on || el.dataset.atLimit === "1";
  document.body.classList.toggle("offline", !on);
}
