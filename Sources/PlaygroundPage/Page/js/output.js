// The output: the network's map over the plane (or a hovered neuron's), the points, and
// a legend saying what the colours mean.
import { state } from "./state.js";
import { diverging, levels, mix, rgb, classColor, labelColor, decode, drawMap, palette } from "./colors.js";
import { chosenSample } from "./backprop.js";
import { fitCanvas } from "./canvas.js";

const $ = (id) => document.getElementById(id);
const off = document.createElement("canvas");

export function renderOutput() {
  const snap = state.snap;
  if (!snap) return;
  const { ctx, W, H, u } = fitCanvas($("output"));
  const h = state.hovered;
  const showNeuron = h && h.layer >= 0 && snap.neurons[h.layer] && snap.neurons[h.layer][h.neuron];
  if (showNeuron) {
    // The server's full-resolution map of this neuron once it has it; the square's until then.
    const fine = snap.focusMap && snap.focused && snap.focused[0] === h.layer && snap.focused[1] === h.neuron;
    if (fine) drawMap(off, decode(snap.focusMap), snap.outputResolution);
    else drawMap(off, decode(snap.neurons[h.layer][h.neuron]), snap.neuronResolution);
  } else {
    const n = snap.outputResolution, bytes = decode(snap.output);
    off.width = off.height = n;
    const octx = off.getContext("2d"), img = octx.createImageData(n, n);
    for (let i = 0; i < n * n; i++) {
      let c;
      if (snap.outputClasses > 0) {
        const cls = bytes[2 * i], conf = bytes[2 * i + 1] / 255, k = snap.outputClasses;
        const t = state.view.discretize ? 0.75 : 0.15 + 0.75 * Math.max(0, (conf - 1 / k) / (1 - 1 / k));
        c = mix([255, 255, 255], classColor(cls), t);
      } else {
        const v = bytes[i] / 255 * 2 - 1;
        c = diverging(state.view.discretize ? (v >= 0 ? 1 : -1) : levels(v, 31));
      }
      img.data[4 * i] = c[0]; img.data[4 * i + 1] = c[1]; img.data[4 * i + 2] = c[2]; img.data[4 * i + 3] = 255;
    }
    octx.putImageData(img, 0, 0);
    // The output square in the diagram shows the same map, small.
    const outNode = document.querySelector(".node.output canvas");
    if (outNode) { const c = outNode.getContext("2d"); c.imageSmoothingEnabled = false; c.drawImage(off, 0, 0, outNode.width, outNode.height); }
  }
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(off, 0, 0, W, H);
  const [x0, x1, y0, y1] = snap.region;
  const px = (x) => (x - x0) / (x1 - x0) * W, py = (y) => (y1 - y) / (y1 - y0) * H;
  const dot = (p, outline) => {
    ctx.beginPath(); ctx.arc(px(p[0]), py(p[1]), 3.2 * u, 0, 2 * Math.PI);
    ctx.fillStyle = rgb(labelColor(p[2], state.data.task)); ctx.fill(); ctx.lineWidth = u; ctx.strokeStyle = outline; ctx.stroke();
  };
  for (const p of state.data.train) dot(p, "#fff");
  if (state.view.showTest) for (const p of state.data.test) dot(p, "#000");
  // Gradient view: the last batch ringed, the chain rule's sample ringed larger.
  if (state.settings.view === "gradients") {
    const ring = (p, r, width) => { ctx.beginPath(); ctx.arc(px(p[0]), py(p[1]), r * u, 0, 2 * Math.PI); ctx.lineWidth = width * u; ctx.strokeStyle = "#222"; ctx.stroke(); };
    for (const k of snap.batchRows) if (state.data.train[k]) ring(state.data.train[k], 5, 1);
    const c = chosenSample();
    if (c != null && state.data.train[c]) ring(state.data.train[c], 8, 2.5);
  }
  $("output-title").textContent = showNeuron
    ? (h.layer === 0 ? `Input ${snap.inputNames[h.neuron]}` : `Neuron ${h.neuron + 1} of layer ${h.layer}`) + " over the plane"
    : "The network's output over the plane";
  renderLegend(snap, showNeuron);
}

let legendKey = "";
function renderLegend(snap, showNeuron) {
  const k = snap.outputClasses;
  const key = JSON.stringify([k, showNeuron, state.data.task, snap.head, palette]);
  if (key === legendKey) return;
  legendKey = key;
  const el = $("output-legend");
  const bar = `<span class="bar" style="background:linear-gradient(90deg,${rgb(diverging(-1))},${rgb(diverging(0))},${rgb(diverging(1))})"></span>`;
  if (showNeuron) { el.innerHTML = `<span>−1</span>${bar}<span>+1</span> <span class="dim">activation (scaled to its largest value when above 1)</span>`; return; }
  if (k > 0) {
    el.innerHTML = Array.from({ length: k }, (_, c) => `<span class="swatch" style="background:${rgb(classColor(c))}"></span>class ${c}`).join(" ") +
      ' <span class="dim">· paler: less sure</span>';
  } else if (state.data.task === "regression") {
    el.innerHTML = `<span>−1</span>${bar}<span>+1</span> <span class="dim">predicted value (dots: targets)</span>`;
  } else {
    const what = snap.head === "sigmoid_bce" ? "2·p(class 1) − 1" : "output";
    el.innerHTML = `<span>class 0</span>${bar}<span>class 1</span> <span class="dim">${what}: −1 … 0 (boundary) … +1</span>`;
  }
}

/** The plane's coordinates under a pointer event on the output canvas. */
export function planeAt(e) {
  const r = $("output").getBoundingClientRect(), [x0, x1, y0, y1] = state.snap.region;
  return { x: x0 + (e.clientX - r.left) / r.width * (x1 - x0), y: y1 - (e.clientY - r.top) / r.height * (y1 - y0) };
}

export function renderConfusion(m) {
  const t = $("confusion");
  if (!m) { t.innerHTML = ""; return; }
  t.innerHTML = "<caption>Test set: actual (rows) × predicted</caption><tr><th></th>" + m.map((_, j) => `<th>${j}</th>`).join("") + "</tr>" +
    m.map((row, i) => `<tr><th>${i}</th>${row.map(v => `<td>${v}</td>`).join("")}</tr>`).join("");
}
