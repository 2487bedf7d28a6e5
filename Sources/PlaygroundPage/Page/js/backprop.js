// Backpropagation shown: the chain-rule panel for one weight or bias (numbers from the
// server's trace of the last batch: the engine's own buffers), and the chart of gradient
// norms per layer over time, with the fraction of dead units.
import { state } from "./state.js";
import { classColor, rgb } from "./colors.js";
import { lineChart } from "./chart.js";

const $ = (id) => document.getElementById(id);
/** [epoch, ‖∂L/∂W‖ per layer …] rows, thinned like the loss history. */
export let normHistory = [];
let chosen = null;      // {layer, to, from} the panel explains
let opener = null;      // the link or bias square that opened it, to return the focus to
let lastAsked = 0, explainedEpoch = -1;
/** Backprop by hand: the panel asks for the numbers instead of showing them. */
let byHandMode = false, lastExplanation = null, sendByHand = null;


export function addNorms(s) {
  if (!s.gradientNorms.length) return;
  if (normHistory.length && (s.epoch < normHistory[normHistory.length - 1][0] || normHistory[0].length !== s.gradientNorms.length + 1)) normHistory = [];
  if (normHistory.length && normHistory[normHistory.length - 1][0] === s.epoch) return;
  normHistory.push([s.epoch, ...s.gradientNorms]);
  if (normHistory.length > 2000) normHistory = normHistory.filter((_, i, a) => i % 2 === 0 || i === a.length - 1);
}

/** Asks for the chain rule of a parameter (and remembers it, to refresh as training goes). */
export function explain(send, target, from = null) {
  if (from) opener = from;
  chosen = { ...chosen, ...target };
  send({ type: "explain", ...chosen });
}
/** While the panel is open, its numbers follow the training: asked again when the epoch has
 * moved on (at most 5 times a second; every reply comes with a snapshot, so not on each). */
export function refresh(send) {
  if (!chosen || byHandMode || $("chain").hidden || state.settings.view !== "gradients" || state.snap.epoch === explainedEpoch) return;
  const now = performance.now();
  if (now - lastAsked < 200) return;
  lastAsked = now;
  explainedEpoch = state.snap.epoch;
  send({ type: "explain", ...chosen });
}
export function chooseSample(send, sample) { if (chosen) explain(send, { sample }); else chosen = { sample }; }
export function chosenSample() { return chosen && chosen.sample != null ? chosen.sample : null; }
export function closePanel() {
  $("chain").hidden = true; chosen = chosen && chosen.sample != null ? { sample: chosen.sample } : null;
  if (opener && document.contains(opener)) opener.focus();
  opener = null;
}

const f = (v) => (v === 0 ? "0" : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toFixed(4) : v.toExponential(3));
/** A number with its full value kept for whoever checks the arithmetic (the browser test). */
const n = (id, v) => `<b id="chain-${id}" data-value="${v}">${f(v)}</b>`;

/** `send` for the by-hand answers (main.js). */
export function setupByHand(send) { sendByHand = send; }

export function renderExplanation(e) {
  chosen = { layer: e.layer, to: e.to, from: e.from, sample: e.sample };
  lastExplanation = e;
  if (byHandMode) { renderByHand(e); return; }
  const s = state.snap, L = s.sizes.length - 2;
  const unit = (l, k) => l === 0 ? `input ${s.inputNames[k] || k + 1}` : `neuron ${k + 1} of layer ${l}`;
  const target = e.layer === L ? (s.sizes[s.sizes.length - 1] > 1 ? `output ${e.to + 1}` : "the output") : unit(e.layer + 1, e.to);
  const what = e.from < 0 ? `the bias of ${target}` : `the weight from ${unit(e.layer, e.from)} to ${target}`;
  const [px, py, label] = e.samplePoint;
  let deltaLine, headNote = "";
  if (e.layer === L) {
    deltaLine = `${e.formula}: ŷ = ${n("yhat", e.output)}, y = ${n("y", e.target)} → δ = ${n("delta", e.delta)}`;
    if (e.head === "tanh_mse") headNote = "Why not the sheet's δ = ŷ − y: with a tanh output and squared error, L = (ŷ − y)²/2 and ∂L/∂z̃ = (ŷ − y)·tanh'(z̃) = (ŷ − y)(1 − ŷ²), so the output's own slope stays in δ (a sigmoid with cross-entropy cancels it). tanh's range is −1…+1, so the classes are y = −1 (label 0) and y = +1 (label 1).";
    if (e.head === "softmax_ce") headNote = "y here is the one-hot target's entry for this output: 1 for the sample's class, 0 for the others.";
  } else {
    const p = (v) => (v < 0 ? `(${f(v)})` : f(v));
    const terms = e.downstream.map(([w, d]) => `${p(w)}·${p(d)}`).join(" + ");
    deltaLine = `${e.formula}: Σ = ${terms} = ${n("sum", e.sum)}; z̃ = ${f(e.preActivation)}, ${e.activation}'(z̃) = ${n("derivative", e.derivative)} → δ = ${n("delta", e.delta)}`;
  }
  $("chain").innerHTML = `<button type="button" class="close" aria-label="close the chain rule">×</button>
    <button type="button" id="by-hand-toggle" aria-pressed="false" title="Work out δ, ∂L/∂w and the step yourself; the engine checks them">by hand</button>
    <h3>The chain rule for ${what}</h3>
    <p>∂L/∂${e.from < 0 ? "b" : "w"} = mean over the last batch (${e.batchSize} samples) of δ · a = ${n("gradient", e.gradient)}
      <span class="dim">(mean of the products: ${f(e.meanOfProducts)}; finite difference: ${n("fd", e.finiteDifference)})</span></p>
    <p>For training point #${e.sample} (x₁ = ${f(px)}, x₂ = ${f(py)}, label ${label}) — click the output map to choose another:</p>
    <p class="formula">${deltaLine}</p>
    <p class="formula">a = ${e.from < 0 ? "1 (a bias)" : n("input", e.input)}; δ · a = ${n("product", e.product)}</p>
    ${headNote ? `<p class="dim">${headNote}</p>` : ""}
    ${e.note ? `<p class="note">${e.note}</p>` : ""}`;
  // Opened: in view and focused, so a screen reader reads it and Escape closes it; refreshed
  // as training goes: left where the student is.
  openPanel();
}

function openPanel() {
  const panel = $("chain"), opening = panel.hidden;
  panel.hidden = false;
  panel.querySelector(".close").onclick = closePanel;
  const toggle = $("by-hand-toggle");
  toggle.onclick = () => { byHandMode = !byHandMode; if (lastExplanation) renderExplanation(lastExplanation); $("by-hand-toggle").focus(); };
  if (opening) { panel.scrollIntoView({ block: "nearest" }); panel.focus({ preventScroll: true }); }
}

/** What a student needs to work the chain rule out for this point, and nothing it gives: the
 * forward pass's numbers (ŷ, y, z̃, a, the weights out of the unit), η; the answers go to the
 * session, which checks them against the engine's trace (LiveSession+ByHand). */
function renderByHand(e) {
  const s = state.snap, L = s.sizes.length - 2, out = e.layer === L, single = s.sizes[s.sizes.length - 1] === 1;
  const [px, py, label] = e.samplePoint;
  const g = (v) => f(v);
  const known = [`x₁ = ${g(px)}, x₂ = ${g(py)}, label ${label}`];
  if (out) known.push(`ŷ = ${g(e.output)}, y = ${g(e.target)} (${e.formula})`);
  else {
    known.push(`this unit: z̃ = ${g(e.preActivation)}, ${e.activation}(z̃) = ${g(e.output)}`);
    const aboveIsOutput = e.layer + 1 === L;
    known.push(`weights out of it wₖⱼ: ${e.downstream.map(([w]) => g(w)).join(", ")}` + (aboveIsOutput ? "" : `; δₖ of the layer above: ${e.downstream.map(([, d]) => g(d)).join(", ")}`));
    if (single) known.push(`the output: ŷ = ${g(e.outputs[0])}, y = ${g(e.targetRow)} (${e.outputFormula})`);
  }
  known.push(`a = ${e.from < 0 ? "1 (a bias)" : g(e.input)}; ${e.from < 0 ? "b" : "w"} now = ${g(e.value)}; η = ${e.rate}`);
  const fields = [];
  if (out || single) fields.push(["outputDelta", "δ at the output"]);
  if (!out) fields.push(["delta", "δ of this unit"]);
  fields.push(["gradient", e.from < 0 ? "∂L/∂b for this point" : "∂L/∂w for this point"], ["weight", `${e.from < 0 ? "b" : "w"} after a gradient-descent step on this point`]);
  $("chain").innerHTML = `<button type="button" class="close" aria-label="close the chain rule">×</button>
    <button type="button" id="by-hand-toggle" aria-pressed="true" title="Back to the engine's numbers">engine's numbers</button>
    <h3>Backprop by hand: training point #${e.sample}</h3>
    ${known.map(k => `<p class="formula">${k}</p>`).join("")}
    <form id="by-hand">${fields.map(([name, text]) => `<label>${text} <input name="${name}" inputmode="decimal" autocomplete="off" size="9"></label>`).join("")}
      <button type="submit">check</button></form>
    <p id="by-hand-result" role="status"></p>`;
  $("by-hand").onsubmit = (ev) => {
    ev.preventDefault();
    const answers = {};
    for (const [name] of fields) answers[name] = $("by-hand").elements[name].value;
    if (sendByHand) sendByHand({ type: "byHand", layer: e.layer, to: e.to, from: e.from, sample: e.sample, answers });
  };
  openPanel();
}

/** The session's verdict on the answers: each term marked, the first that differs named. */
export function renderByHandResult(m) {
  const form = $("by-hand");
  if (!form) return;
  for (const t of m.terms) {
    const input = form.elements[t.name];
    if (!input) continue;
    input.classList.toggle("right", t.verdict === "right");
    input.classList.toggle("wrong", t.verdict !== "right");
    input.title = t.verdict === "right" ? `right: the engine has ${t.expected}` : t.verdict;
  }
  $("by-hand-result").textContent = m.firstWrong ? `First to look at: ${m.firstWrong}.` : `All right: that is the engine's backpropagation.`;
  $("by-hand-result").className = m.firstWrong ? "note" : "passed";
}

export function renderNormChart() {
  const s = state.snap, h = normHistory;
  $("dead-fraction").textContent = s && s.deadFraction.some(v => v > 0)
    ? "dead ReLU units: " + s.deadFraction.map((v, l) => `layer ${l + 1} ${Math.round(100 * v)} %`).join(", ") : "";
  const layers = h.length ? h[0].length - 1 : 0;
  const series = Array.from({ length: layers }, (_, l) => ({ index: l + 1, color: rgb(classColor(l)) }));
  lineChart($("grad-chart"), h, series, { log: true, empty: "gradient norms appear once training starts" });
  const legend = series.map(({ color }, l) => `<span class="swatch" style="background:${color}"></span>${l === layers - 1 ? "output" : "layer " + (l + 1)}`).join(" ");
  if ($("grad-legend").dataset.key !== legend) { $("grad-legend").innerHTML = legend; $("grad-legend").dataset.key = legend; }
}

document.getElementById("chain").addEventListener("keydown", (e) => { if (e.key === "Escape") { e.preventDefault(); closePanel(); } });
