// The Backprop playground page. It only renders: the network trains in Swift on the
// server, and every change is a message over the WebSocket (see Messages.swift).
"use strict";

const DATASETS = ["circle", "xor", "gauss", "spiral", "moons", "circles", "blobs", "spirals", "plane", "multi-gauss"];
const FEATURES = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"];
const MAX_LAYERS = 8, MAX_NEURONS = 32;
const $ = (id) => document.getElementById(id);

let palette = { negative: "#f59322", neutral: "#e8eaeb", positive: "#0877bd", classes: [] };
let socket = null;
let settings = {};          // the experiment's settings (the command line's keys), mirrored in the URL
let data = { train: [], test: [], task: "binary", classes: 2 };
let snap = null;            // the last snapshot
let history = [];           // [epoch, train loss, test loss]
let hovered = null;         // {layer, neuron} whose map is shown in the output
let structureKey = "";
let frames = [], lastEpoch = -1;

// ---------- colours (the same scales as the PNG plots) ----------
function hexToRgb(h) { const v = parseInt(h.slice(1), 16); return [v >> 16, (v >> 8) & 255, v & 255]; }
function mix(a, b, t) { return [0, 1, 2].map(i => Math.round(a[i] + (b[i] - a[i]) * t)); }
let NEG, NEU, POS, CLASSES;
function setPalette(p) {
  palette = p; NEG = hexToRgb(p.negative); NEU = hexToRgb(p.neutral); POS = hexToRgb(p.positive);
  CLASSES = (p.classes || []).map(hexToRgb);
}
setPalette(palette);
function diverging(v) { v = Math.max(-1, Math.min(1, v)); return v < 0 ? mix(NEU, NEG, -v) : mix(NEU, POS, v); }
function levels(v, n) { const step = 2 / (n - 1); return Math.round(v / step) * step; }
function rgb(c) { return `rgb(${c[0]},${c[1]},${c[2]})`; }
function labelColor(t) {
  if (data.task === "regression") return diverging(t);
  if (data.task === "multiclass") return CLASSES[t % CLASSES.length];
  return t > 0.5 ? POS : NEG;
}
function decode(b64) { const s = atob(b64); const a = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) a[i] = s.charCodeAt(i); return a; }

// ---------- URL ----------
function readHash() {
  const out = {};
  for (const part of location.hash.slice(1).split("&")) {
    if (!part) continue;
    const i = part.indexOf("=");
    if (i > 0) out[decodeURIComponent(part.slice(0, i))] = decodeURIComponent(part.slice(i + 1));
  }
  return out;
}
function writeHash() {
  const h = Object.keys(settings).sort().map(k => `${encodeURIComponent(k)}=${encodeURIComponent(settings[k])}`).join("&");
  history_replace("#" + h);
}
function history_replace(h) { window.history.replaceState(null, "", h); }

// ---------- socket ----------
function send(msg) { if (socket && socket.readyState === 1) socket.send(JSON.stringify(msg)); }
function set(key, value) { settings[key] = String(value); writeHash(); send({ type: "set", key, value: String(value) }); }

function connect() {
  socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`);
  socket.onopen = () => send({ type: "configure", settings: readHash() });
  socket.onmessage = (e) => {
    const m = JSON.parse(e.data);
    if (m.type === "snapshot") onSnapshot(m);
    else if (m.type === "data") onData(m);
    else if (m.type === "error") showBanner(m.message, true);
    else if (m.type === "file") download(m);
  };
  socket.onclose = () => showBanner("Disconnected from the server. Reload the page to start a new session.", true);
}

function showBanner(text, isError) {
  const b = $("banner");
  b.textContent = text; b.hidden = !text;
  b.style.background = isError ? "#b71c1c" : "#183d4e";
  if (isError && !text.startsWith("Training diverged") && !text.startsWith("Disconnected")) {
    clearTimeout(showBanner.t); showBanner.t = setTimeout(() => { if (b.textContent === text) b.hidden = true; }, 6000);
  }
}

function download(m) {
  const blob = new Blob([decode(m.base64)], { type: m.mime });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob); a.download = m.name; a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

// ---------- messages ----------
function onData(m) {
  data = m; settings = m.settings; writeHash();
  history = []; lastEpoch = -1;
  syncControls();
}

function onSnapshot(s) {
  if (s.epoch < lastEpoch) history = [];
  lastEpoch = s.epoch;
  history.push(...s.history);
  snap = s;
  const now = performance.now();
  frames.push(now); while (frames.length && now - frames[0] > 1000) frames.shift();
  $("epoch").textContent = s.epoch.toLocaleString("en-US");
  $("test-loss").textContent = fmt(s.testLoss);
  $("train-loss").textContent = fmt(s.trainLoss);
  $("test-accuracy").textContent = s.testAccuracy == null ? (s.r2 == null ? "–" : "R² " + fmt(s.r2)) : fmt(s.testAccuracy);
  $("train-accuracy").textContent = s.trainAccuracy == null ? "–" : fmt(s.trainAccuracy);
  $("eps").textContent = Math.round(s.epochsPerSecond).toLocaleString("en-US");
  $("fps").textContent = s.state === "running" ? frames.length : 0;
  $("play").textContent = s.state === "running" ? "❚❚" : "▶";
  $("command-text").textContent = s.command;
  if (s.state === "diverged") showBanner("Training diverged: " + s.message + ". Lower the learning rate and press reset.", true);
  else if ($("banner").textContent.startsWith("Training diverged")) showBanner("", false);
  renderNetwork(s);
  renderOutput();
  renderLossChart();
  renderConfusion(s.confusion);
}
function fmt(v) { return v == null || !isFinite(v) ? String(v) : v.toFixed(3); }

// ---------- controls ----------
function syncControls() {
  for (const el of document.querySelectorAll("header select[data-key]")) {
    const key = el.dataset.key; let v = settings[key];
    if (key === "activation") v = (v || "tanh").split(",")[0];
    if (key === "lr-schedule" && !v) v = "constant";
    if (v != null && ![...el.options].some(o => o.value === v)) el.add(new Option(v, v));
    if (v != null) el.value = v;
  }
  $("ratio").value = Math.round(parseFloat(settings.ratio || "0.5") * 100); $("ratio-value").textContent = $("ratio").value;
  $("noise").value = Math.round(parseFloat(settings.noise || "0") * 100); $("noise-value").textContent = $("noise").value;
  $("batch-size").value = settings["batch-size"] || "10"; $("batch-value").textContent = $("batch-size").value;
  $("classes").value = settings.classes || "3"; $("classes-value").textContent = $("classes").value;
  for (const b of document.querySelectorAll("#datasets button")) b.classList.toggle("selected", b.dataset.dataset === settings.dataset);
  const add = $("add-class"); const k = data.task === "multiclass" ? data.classes : 2;
  add.innerHTML = '<option value="">nothing</option>' + Array.from({ length: k }, (_, c) => `<option value="${c}">class ${c}</option>`).join("")
    + '<option value="test">(as test point: class 0)</option>';
}

function layers() { const l = settings.layers || "4,2"; return l === "none" ? [] : l.split(",").map(Number); }
function setLayers(ls) { set("layers", ls.length ? ls.join(",") : "none"); }
function activations() { return (settings.activation || "tanh").split(","); }

function setupControls() {
  const box = $("datasets");
  for (const name of DATASETS) {
    const b = document.createElement("button");
    b.dataset.dataset = name; b.title = name;
    b.innerHTML = `<img src="thumbnail/${name}.png" alt="${name}"><span>${name}</span>`;
    b.onclick = () => set("dataset", name);
    box.appendChild(b);
  }
  for (const el of document.querySelectorAll("header select[data-key]")) {
    el.onchange = () => {
      if (el.dataset.key === "activation") set("activation", el.value);
      else set(el.dataset.key, el.value);
    };
  }
  $("ratio").oninput = () => $("ratio-value").textContent = $("ratio").value;
  $("ratio").onchange = () => set("ratio", $("ratio").value / 100);
  $("noise").oninput = () => $("noise-value").textContent = $("noise").value;
  $("noise").onchange = () => set("noise", $("noise").value / 100);
  $("batch-size").oninput = () => $("batch-value").textContent = $("batch-size").value;
  $("batch-size").onchange = () => set("batch-size", $("batch-size").value);
  $("classes").oninput = () => $("classes-value").textContent = $("classes").value;
  $("classes").onchange = () => set("classes", $("classes").value);
  $("play").onclick = () => send({ type: snap && snap.state === "running" ? "pause" : "play" });
  $("step").onclick = () => send({ type: "step" });
  $("reset").onclick = () => { history = []; send({ type: "reset" }); };
  $("regenerate").onclick = () => send({ type: "regenerate" });
  $("add-layer").onclick = () => { const l = layers(); if (l.length < MAX_LAYERS) { l.push(2); setLayers(l); } };
  $("remove-layer").onclick = () => { const l = layers(); if (l.length) { l.pop(); setLayers(l); } };
  $("csv-file").onchange = async (e) => {
    const f = e.target.files[0]; if (!f) return;
    send({ type: "uploadCSV", text: await f.text() });
    e.target.value = "";
  };
  $("show-test").onchange = renderOutput;
  $("discretize").onchange = renderOutput;
  $("copy-command").onclick = async () => {
    const text = snap ? snap.command : "";
    $("command-text").textContent = text;
    try { await navigator.clipboard.writeText(text); showBanner("Copied: " + text, false); } catch (_) { showBanner("Select the command below to copy it.", false); }
  };
  for (const b of document.querySelectorAll("[data-download]")) b.onclick = () => send({ type: "download", format: b.dataset.download });
  $("output").onclick = (e) => {
    const v = $("add-class").value; if (v === "" || !snap) return;
    const r = e.target.getBoundingClientRect(), [x0, x1, y0, y1] = snap.region;
    const x = x0 + (e.clientX - r.left) / r.width * (x1 - x0), y = y1 - (e.clientY - r.top) / r.height * (y1 - y0);
    send({ type: "addPoint", x, y, label: v === "test" ? 0 : Number(v), test: v === "test" });
  };
}

// ---------- network ----------
function renderNetwork(s) {
  const key = JSON.stringify([s.sizes, s.activations, s.inputNames, settings.features]);
  if (key !== structureKey) { structureKey = key; buildNetwork(s); }
  // Neuron maps.
  const n = s.neuronResolution;
  s.neurons.forEach((layer, l) => layer.forEach((b64, k) => {
    const c = document.querySelector(`canvas[data-layer="${l}"][data-neuron="${k}"]`);
    if (c) drawMap(c, decode(b64), n);
  }));
  // Dead / saturated marks and bias squares.
  s.dead.forEach((layer, l) => layer.forEach((d, k) => {
    const node = document.querySelector(`.node[data-layer="${l + 1}"][data-neuron="${k}"]`);
    if (node) { node.classList.toggle("dead", d); node.classList.toggle("saturated", s.saturated[l][k]);
      node.title = d ? "dead: never active on the training data" : (s.saturated[l][k] ? "saturated on the training data" : ""); }
  }));
  const maxB = Math.max(1e-9, ...s.biases.flat().map(Math.abs));
  s.biases.forEach((layer, l) => layer.forEach((b, k) => {
    const sq = document.querySelector(`.bias[data-layer="${l}"][data-neuron="${k}"]`);
    if (sq) { sq.style.background = rgb(diverging(b / maxB)); sq.title = `bias ${b.toFixed(3)} (click to edit)`; }
  }));
  drawLinks(s);
}

function buildNetwork(s) {
  const cols = $("columns"); cols.innerHTML = "";
  const hidden = s.sizes.length - 2;
  $("layer-count").textContent = `${hidden} hidden layer${hidden === 1 ? "" : "s"}`;
  // Inputs: every feature (on or off) for 2-D data; the model's inputs otherwise.
  const input = column("Features");
  const active = s.inputNames;
  const names = data.train.length && (settings.dataset !== "csv" || active.every(a => FEATURES.includes(a))) ? FEATURES : active;
  names.forEach((name) => {
    const k = active.indexOf(name);
    const node = nodeElement(k >= 0 ? 0 : -1, k, name);
    node.classList.add("feature"); if (k < 0) node.classList.add("off");
    node.onclick = () => toggleFeature(name);
    input.appendChild(node);
  });
  cols.appendChild(input);
  for (let l = 0; l < hidden; l++) {
    const col = column(`${s.sizes[l + 1]} neuron${s.sizes[l + 1] === 1 ? "" : "s"}`);
    const buttons = document.createElement("div"); buttons.className = "neuron-buttons";
    buttons.innerHTML = `<button class="add-neuron" data-layer="${l}">+</button><button class="remove-neuron" data-layer="${l}">−</button>`;
    buttons.children[0].onclick = () => { const ls = layers(); if (ls[l] < MAX_NEURONS) { ls[l]++; setLayers(ls); } };
    buttons.children[1].onclick = () => { const ls = layers(); if (ls[l] > 1) { ls[l]--; setLayers(ls); } };
    col.insertBefore(buttons, col.children[1]);
    const sel = document.createElement("select"); sel.className = "layer-activation"; sel.dataset.layer = l;
    for (const a of ["relu", "tanh", "sigmoid", "linear", "leaky_relu", "elu", "gelu", "softplus", "swish", "sine"]) sel.add(new Option(a, a));
    sel.value = s.activations[l];
    sel.onchange = () => { const acts = s.activations.slice(); acts[l] = sel.value; set("activation", acts.every(a => a === acts[0]) ? acts[0] : acts.join(",")); };
    col.appendChild(sel);
    for (let k = 0; k < s.sizes[l + 1]; k++) col.appendChild(nodeElement(l + 1, k, null, true));
    cols.appendChild(col);
  }
  const out = column(s.head);
  out.appendChild(nodeElement(hidden + 1, 0, null, true, true));
  cols.appendChild(out);
}

function column(title) {
  const c = document.createElement("div"); c.className = "column";
  c.innerHTML = `<div class="title">${title}</div>`;
  return c;
}

function nodeElement(layer, neuron, label, withBias, isOutput) {
  const node = document.createElement("div"); node.className = "node";
  node.dataset.layer = layer; node.dataset.neuron = neuron;
  if (!isOutput) {
    const c = document.createElement("canvas"); c.width = c.height = 24;
    c.dataset.layer = layer; c.dataset.neuron = neuron; node.appendChild(c);
    node.onmouseenter = () => { hovered = { layer, neuron }; renderOutput(); };
    node.onmouseleave = () => { hovered = null; renderOutput(); };
  } else {
    node.innerHTML = "<canvas width=24 height=24></canvas>";
  }
  if (label) { const t = document.createElement("span"); t.className = "label"; t.textContent = label; node.appendChild(t); }
  if (withBias) {
    const b = document.createElement("div"); b.className = "bias";
    const bl = layer - 1, bn = neuron;
    b.dataset.layer = bl; b.dataset.neuron = bn;
    b.onclick = (e) => {
      e.stopPropagation();
      const current = snap ? snap.biases[bl][bn] : 0;
      const v = prompt(`Bias of neuron ${bn + 1} in layer ${bl + 1}`, current.toFixed(4));
      if (v !== null && v.trim() !== "") send({ type: "setBias", layer: bl, neuron: bn, value: Number(v) });
    };
    node.appendChild(b);
  }
  return node;
}

function toggleFeature(name) {
  const on = (settings.features || "x1,x2").split(",");
  const next = on.includes(name) ? on.filter(f => f !== name) : FEATURES.filter(f => on.includes(f) || f === name);
  if (next.length) set("features", next.join(","));
}

function drawLinks(s) {
  const svg = $("links"); const box = $("network").getBoundingClientRect();
  const nodes = (layer) => [...document.querySelectorAll(`.node[data-layer="${layer}"]`)].filter(n => +n.dataset.neuron >= 0)
    .sort((a, b) => a.dataset.neuron - b.dataset.neuron);
  const maxW = Math.max(1e-9, ...s.weights.flat(2).map(Math.abs));
  let html = "";
  for (let l = 0; l < s.weights.length; l++) {
    const from = nodes(l), to = nodes(l + 1);
    s.weights[l].forEach((row, o) => row.forEach((w, i) => {
      const a = from[i] && from[i].getBoundingClientRect(), b = to[o] && to[o].getBoundingClientRect();
      if (!a || !b) return;
      const x1 = a.right - box.left, y1 = a.top + a.height / 2 - box.top, x2 = b.left - box.left, y2 = b.top + b.height / 2 - box.top;
      const mx = (x1 + x2) / 2;
      const width = Math.max(0.5, 6 * Math.abs(w) / maxW);
      html += `<path class="link" data-layer="${l}" data-to="${o}" data-from="${i}" d="M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}" stroke="${rgb(diverging(w / maxW))}" stroke-width="${width.toFixed(2)}"><title>weight ${w.toFixed(4)} (click to edit)</title></path>`;
    }));
  }
  svg.innerHTML = html;
}

document.addEventListener("click", (e) => {
  const p = e.target.closest && e.target.closest("path.link");
  if (!p || !snap) return;
  const l = +p.dataset.layer, o = +p.dataset.to, i = +p.dataset.from;
  const v = prompt(`Weight from neuron ${i + 1} (layer ${l}) to neuron ${o + 1} (layer ${l + 1})`, snap.weights[l][o][i].toFixed(4));
  if (v !== null && v.trim() !== "") send({ type: "setWeight", layer: l, to: o, from: i, value: Number(v) });
});

function drawMap(canvas, bytes, n) {
  const ctx = canvas.getContext("2d");
  if (canvas.width !== n) { canvas.width = canvas.height = n; }
  const img = ctx.createImageData(n, n);
  for (let i = 0; i < n * n; i++) {
    const c = diverging(bytes[i] / 255 * 2 - 1);
    img.data[4 * i] = c[0]; img.data[4 * i + 1] = c[1]; img.data[4 * i + 2] = c[2]; img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

// ---------- output ----------
function renderOutput() {
  if (!snap) return;
  const canvas = $("output"), ctx = canvas.getContext("2d");
  const W = canvas.width, H = canvas.height;
  const off = document.createElement("canvas");
  const discretize = $("discretize").checked;
  if (hovered && hovered.layer >= 0 && snap.neurons[hovered.layer] && snap.neurons[hovered.layer][hovered.neuron]) {
    const n = snap.neuronResolution; off.width = off.height = n; drawMap(off, decode(snap.neurons[hovered.layer][hovered.neuron]), n);
  } else {
    const n = snap.outputResolution, bytes = decode(snap.output);
    off.width = off.height = n;
    const octx = off.getContext("2d"), img = octx.createImageData(n, n);
    for (let i = 0; i < n * n; i++) {
      let c;
      if (snap.outputClasses > 0) {
        const cls = bytes[2 * i], conf = bytes[2 * i + 1] / 255, k = snap.outputClasses;
        const t = discretize ? 0.75 : 0.15 + 0.75 * Math.max(0, (conf - 1 / k) / (1 - 1 / k));
        c = mix([255, 255, 255], CLASSES[cls % CLASSES.length], t);
      } else {
        const v = bytes[i] / 255 * 2 - 1;
        c = diverging(discretize ? (v >= 0 ? 1 : -1) : levels(v, 31));
      }
      img.data[4 * i] = c[0]; img.data[4 * i + 1] = c[1]; img.data[4 * i + 2] = c[2]; img.data[4 * i + 3] = 255;
    }
    octx.putImageData(img, 0, 0);
  }
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(off, 0, 0, W, H);
  // The output neuron's own square shows the same map, small.
  const outNode = document.querySelector(`.node[data-layer="${snap.sizes.length - 1}"] canvas`);
  if (outNode && !hovered) { const c = outNode.getContext("2d"); c.imageSmoothingEnabled = false; c.drawImage(off, 0, 0, outNode.width, outNode.height); }
  const [x0, x1, y0, y1] = snap.region;
  const px = (x) => (x - x0) / (x1 - x0) * W, py = (y) => (y1 - y) / (y1 - y0) * H;
  const dot = (p, outline) => {
    ctx.beginPath(); ctx.arc(px(p[0]), py(p[1]), 3.2, 0, 2 * Math.PI);
    ctx.fillStyle = rgb(labelColor(p[2])); ctx.fill(); ctx.lineWidth = 1; ctx.strokeStyle = outline; ctx.stroke();
  };
  for (const p of data.train) dot(p, "#fff");
  if ($("show-test").checked) for (const p of data.test) dot(p, "#000");
}

function renderLossChart() {
  const c = $("loss-chart"), ctx = c.getContext("2d"), W = c.width, H = c.height;
  ctx.clearRect(0, 0, W, H);
  if (history.length < 2) return;
  const finite = history.flatMap(h => [h[1], h[2]]).filter(isFinite);
  const maxY = Math.max(1e-9, ...finite), x0 = history[0][0], x1 = history[history.length - 1][0] || 1;
  const line = (idx, color) => {
    ctx.beginPath();
    history.forEach((h, i) => { const x = (h[0] - x0) / Math.max(1, x1 - x0) * (W - 4) + 2, y = H - 4 - (isFinite(h[idx]) ? h[idx] : maxY) / maxY * (H - 10);
      i ? ctx.lineTo(x, y) : ctx.moveTo(x, y); });
    ctx.strokeStyle = color; ctx.lineWidth = 1.5; ctx.stroke();
  };
  line(1, palette.positive); line(2, palette.negative);
  ctx.fillStyle = "#888"; ctx.font = "10px sans-serif"; ctx.fillText(`max ${maxY.toFixed(3)} · blue train, orange test`, 4, 10);
}

function renderConfusion(m) {
  const t = $("confusion");
  if (!m) { t.innerHTML = ""; return; }
  t.innerHTML = "<tr><th>actual \\ predicted</th>" + m.map((_, j) => `<th>${j}</th>`).join("") + "</tr>" +
    m.map((row, i) => `<tr><th>${i}</th>${row.map(v => `<td>${v}</td>`).join("")}</tr>`).join("");
}

window.addEventListener("resize", () => snap && drawLinks(snap));
fetch("palette.json").then(r => r.json()).then(setPalette).catch(() => {}).finally(() => { setupControls(); connect(); });
