// The network diagram: feature and neuron squares with their maps, links whose colour and
// width show each weight on a fixed scale, bias squares, dead/saturated marks.
// The structure (elements) is built only when the layer sizes change; each snapshot then
// updates maps, and a link's attributes only when its weight changed.
import { state, vocabulary } from "./state.js";
import { diverging, rgb, decode, drawMap } from "./colors.js";
import { openEditor } from "./editor.js";
import { designPixel } from "./canvas.js";

const HEADS = { tanh_mse: "tanh output, squared error", sigmoid_bce: "sigmoid output, cross-entropy",
  softmax_ce: "softmax output, cross-entropy", identity_mse: "linear output, squared error" };
const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";

let structureKey = "", links = [], lastWeights = null, lastScale = 0, lastGrad = false, lastU = 0;
let actions = {};

/** `handlers`: set(key, value), send(message), hover(target or null). */
export function setupNetwork(handlers) {
  actions = handlers;
  new ResizeObserver(() => { if (state.snap) { placeLinks(); updateLinks(state.snap); } }).observe($("network"));
  const tip = $("link-tip");
  const svg = $("links"), net = $("network");
  const linkAt = (el) => el && el.classList && el.classList.contains("hit") ? links[+el.dataset.index] : null;
  // The pointer picks the link nearest to it, wherever the diagram is not a square or a control.
  const pointed = (e) => e.target.closest && e.target.closest(".node, button, select") ? null : nearestLink(e.clientX, e.clientY);
  net.addEventListener("pointermove", (e) => {
    const l = state.snap && pointed(e);
    net.classList.toggle("over-link", Boolean(l));
    // The link a click would pick is lit, so that where links crowd the pointer shows which.
    for (const h of svg.querySelectorAll(".hit.pointed")) if (!l || h !== l.hit) h.classList.remove("pointed");
    if (l) l.hit.classList.add("pointed");
    if (!l) { tip.hidden = true; return; }
    tip.textContent = gradientView() ? `∂L/∂w of the ${describe(l)}: ${weightOf(l).toExponential(3)} — click for the chain rule`
      : `${describe(l)}: ${weightOf(l).toFixed(4)} — click to edit`;
    tip.hidden = false; tip.style.left = e.pageX + 12 + "px"; tip.style.top = e.pageY + 12 + "px";
  });
  net.addEventListener("pointerleave", () => { tip.hidden = true; net.classList.remove("over-link"); for (const h of svg.querySelectorAll(".hit.pointed")) h.classList.remove("pointed"); });
  net.addEventListener("click", (e) => { const l = state.snap && pointed(e); if (l) { tip.hidden = true; rove(links.indexOf(l)); editLink(l, e.clientX, e.clientY, l.hit); } });
  // The links are one tab stop (a 6×6 net has 198): Tab enters at the last one visited, the
  // arrows move between them (Home, End: first and last), Enter edits.
  const steps = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, PageDown: 10, PageUp: -10 };
  svg.addEventListener("keydown", (e) => {
    const l = linkAt(e.target);
    if (!l) return;
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); const r = e.target.getBoundingClientRect(); editLink(l, r.left + r.width / 2, r.top + r.height / 2, e.target); return; }
    const index = links.indexOf(l);
    const next = e.key === "Home" ? 0 : e.key === "End" ? links.length - 1 : e.key in steps ? Math.min(links.length - 1, Math.max(0, index + steps[e.key])) : -1;
    if (next < 0) return;
    e.preventDefault();
    rove(next);
    links[next].hit.focus();
  });
}

function weightOf(l) { return valueOf(state.snap, l); }
/** The gradient view shows ∂L/∂w of the last step where the weight view shows w. */
export function gradientView() { return state.settings.view === "gradients" && state.snap && state.snap.gradients; }
function valueOf(s, l) { return (gradientView() ? s.gradients : s.weights)[l.layer][l.to][l.from]; }
function valueName() { return gradientView() ? "∂L/∂w" : "weight"; }
function describe(l) {
  const from = l.layer === 0 ? (state.snap.inputNames[l.from] || `input ${l.from + 1}`) : `neuron ${l.from + 1} of layer ${l.layer}`;
  const to = l.layer === state.snap.weights.length - 1 ? "the output" : `neuron ${l.to + 1} of layer ${l.layer + 1}`;
  return `weight from ${from} to ${to}`;
}
function editLink(l, x, y, from) {
  if (state.connection !== "open") return;
  if (gradientView()) { actions.explain({ layer: l.layer, to: l.to, from: l.from }, from); return; }
  openEditor({ x, y, title: describe(l), value: weightOf(l), from,
    onApply: (v) => actions.send({ type: "setWeight", layer: l.layer, to: l.to, from: l.from, value: v }) });
}

export function layers() { const l = state.settings.layers || "4,2"; return l === "none" ? [] : expand(l); }
function expand(text) {
  const m = /^(\d+)x(\d+)$/.exec(text);
  return m ? Array(+m[2]).fill(+m[1]) : text.split(",").map(Number);
}
export function setLayers(ls) { actions.set("layers", ls.length ? ls.join(",") : "none"); }

/** A button that can do nothing here (a ninth layer, a neuron past the page's width) is
 * disabled and says why; the rest follow the connection. */
export function atLimit(el, limited, why) {
  el.dataset.atLimit = limited ? "1" : "";
  el.disabled = limited || state.connection !== "open";
  if (el.dataset.title === undefined) el.dataset.title = el.title;
  el.title = limited ? why : el.dataset.title;
}

export function renderNetwork(s) {
  const key = JSON.stringify([s.sizes, s.activations, s.inputNames, state.settings.features, state.settings.dataset, s.head]);
  if (key !== structureKey) { structureKey = key; keepingFocus(() => build(s)); }
  const n = s.neuronResolution;
  // Features that are off show their map dimmed (the playground's previews), from the data.
  const maps = state.data.featureMaps || {};
  for (const c of document.querySelectorAll(".node.feature.off canvas")) {
    const m = maps[c.closest(".node").dataset.feature];
    if (m && c.dataset.drawn !== m) { drawMap(c, decode(m), n); c.dataset.drawn = m; }
  }
  s.neurons.forEach((layer, l) => layer.forEach((b64, k) => {
    const c = document.querySelector(`canvas[data-layer="${l}"][data-neuron="${k}"]`);
    if (c) drawMap(c, decode(b64), n);
  }));
  s.dead.forEach((layer, l) => layer.forEach((d, k) => {
    const node = document.querySelector(`.node[data-layer="${l + 1}"][data-neuron="${k}"]`);
    if (!node) return;
    const sat = s.saturated[l][k];
    node.classList.toggle("dead", d); node.classList.toggle("saturated", sat);
    node.setAttribute("aria-label", `neuron ${k + 1} of layer ${l + 1}${d ? ", dead" : sat ? ", saturated" : ""}`);
  }));
  const grad = gradientView(), scale = linkScale(s);
  (grad ? s.biasGradients : s.biases).forEach((layer, l) => layer.forEach((b, k) => {
    const sq = document.querySelector(`.bias[data-layer="${l}"][data-neuron="${k}"]`);
    if (sq) { sq.style.background = rgb(diverging(grad ? b / scale : b)); sq.title = grad ? `∂L/∂b ${b.toExponential(3)} (click for the chain rule)` : `bias ${b.toFixed(3)} (click to edit)`; }
  }));
  // Gradient view: each unit's mean |δ| on the batch as a ring, the thickest for the largest
  // among the hidden units (so a layer whose δ vanished shows none).
  const hiddenDeltas = s.neuronDeltas.slice(0, -1).flat(), most = Math.max(1e-300, ...hiddenDeltas);
  s.neuronDeltas.forEach((layer, l) => layer.forEach((d, k) => {
    const node = document.querySelector(`.node[data-layer="${l + 1}"][data-neuron="${k}"]`);
    if (!node) return;
    const t = Math.min(1, d / most);
    node.style.boxShadow = grad ? `0 0 0 ${(4 * t).toFixed(1)}px rgba(183, 28, 28, ${(0.2 + 0.6 * t).toFixed(2)})` : "";
    node.dataset.delta = d;
  }));
  updateLinks(s);
  $("max-weight").textContent = grad ? maxAbs(s.gradients).toExponential(2) : s.maxWeight.toFixed(2);
  $("max-weight-label").textContent = grad ? "largest |∂L/∂w| now:" : "largest |w| now:";
  renderWeightStats(s);
}

/**
 * The weights' mean |w|, how many are exactly zero (L1 in the playground's style sets them so),
 * and a histogram over the links' scale (−scale … +scale in 21 bins, the middle one holding the
 * exact zeros in red; beyond the scale counted in the end bins). Biases are not weights here, as
 * for the regulariser.
 */
function renderWeightStats(s) {
  const all = s.weights.flat(2), n = all.length || 1;
  const zeros = all.filter(w => w === 0).length;
  $("mean-weight").textContent = (all.reduce((a, w) => a + Math.abs(w), 0) / n).toFixed(3);
  $("zero-weights").textContent = `${zeros} of ${all.length}`;
  const scale = Number($("link-scale").value) || 4, bins = new Array(21).fill(0);
  for (const w of all) {
    if (w === 0) continue;
    bins[Math.max(0, Math.min(20, Math.floor((w + scale) / (2 * scale) * 21)))]++;
  }
  const most = Math.max(1, zeros, ...bins), svg = $("weight-histogram");
  const bar = (k, count, cls) => count ? `<rect${cls ? ` class="${cls}"` : ""} x="${k * 6}" y="${(24 - 24 * count / most).toFixed(2)}" width="${cls ? 2 : 5}" height="${(24 * count / most).toFixed(2)}"><title>${count}</title></rect>` : "";
  svg.innerHTML = bins.map((c, k) => bar(k, c, "")).join("") + bar(10, zeros, "zero").replace('x="60"', 'x="62"');
  for (const el of document.querySelectorAll(".histogram-scale")) el.textContent = String(scale);
}

function maxAbs(nested) { let m = 0; for (const a of nested) for (const r of a) for (const v of r) m = Math.max(m, Math.abs(v)); return m; }

/** Weights: the chosen fixed scale. Gradients: the first of 1, 2, 5 × 10ᵏ at or above the
 * largest |∂L/∂w| (shown in the legend), since gradients span decades as training goes. */
function linkScale(s) {
  if (!gradientView()) return state.view.linkScale;
  const m = maxAbs(s.gradients);
  if (!(m > 0)) return 1;
  const decade = 10 ** Math.floor(Math.log10(m));
  return [1, 2, 5, 10].map(f => f * decade).find(v => v >= m);
}

function build(s) {
  const cols = $("columns"); cols.innerHTML = "";
  const hidden = s.sizes.length - 2;
  $("layer-count").textContent = `${hidden} hidden layer${hidden === 1 ? "" : "s"}`;
  atLimit($("add-layer"), hidden >= vocabulary.limits.depth, `At most ${vocabulary.limits.depth} hidden layers here`);
  atLimit($("remove-layer"), hidden === 0, "No hidden layer to remove");
  // Inputs: every feature (on or off) for 2-D data; the model's own inputs otherwise.
  const input = column("Features");
  const active = s.inputNames;
  const names = state.data.train.length && (state.settings.dataset !== "csv" || active.every(a => vocabulary.features.includes(a))) ? vocabulary.features : active;
  names.forEach((name) => {
    const k = active.indexOf(name);
    const node = nodeElement(k >= 0 ? 0 : -1, k, name);
    node.classList.add("feature"); node.dataset.feature = name; if (k < 0) node.classList.add("off");
    node.setAttribute("role", "switch"); node.setAttribute("aria-checked", String(k >= 0));
    node.setAttribute("aria-label", `feature ${name}`); node.title = `${name}: click to turn ${k >= 0 ? "off" : "on"}`;
    const toggle = () => toggleFeature(name);
    node.addEventListener("click", toggle);
    node.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggle(); } });
    input.appendChild(node);
  });
  cols.appendChild(input);
  for (let l = 0; l < hidden; l++) {
    const col = column(`${s.sizes[l + 1]} neuron${s.sizes[l + 1] === 1 ? "" : "s"}`);
    const buttons = document.createElement("div"); buttons.className = "neuron-buttons"; buttons.dataset.hide = "layers";
    buttons.innerHTML = `<button class="add-neuron" data-layer="${l}" title="Add a neuron to layer ${l + 1}">+</button><button class="remove-neuron" data-layer="${l}" title="Remove a neuron from layer ${l + 1}">−</button>`;
    buttons.children[0].onclick = () => { const ls = layers(); if (ls[l] < vocabulary.limits.width) { ls[l]++; setLayers(ls); } };
    buttons.children[1].onclick = () => { const ls = layers(); if (ls[l] > 1) { ls[l]--; setLayers(ls); } };
    atLimit(buttons.children[0], s.sizes[l + 1] >= vocabulary.limits.width, `At most ${vocabulary.limits.width} neurons a layer here`);
    atLimit(buttons.children[1], s.sizes[l + 1] <= 1, "A layer keeps at least one neuron");
    col.appendChild(buttons);
    const sel = document.createElement("select"); sel.className = "layer-activation"; sel.dataset.layer = l; sel.dataset.hide = "activation";
    sel.setAttribute("aria-label", `activation of layer ${l + 1}`);
    for (const a of vocabulary.activations) sel.add(new Option(a, a));
    sel.value = s.activations[l];
    sel.onchange = () => { const acts = s.activations.slice(); acts[l] = sel.value; actions.set("activation", acts.every(a => a === acts[0]) ? acts[0] : acts.join(",")); };
    col.appendChild(sel);
    for (let k = 0; k < s.sizes[l + 1]; k++) col.appendChild(nodeElement(l + 1, k, null, true));
    cols.appendChild(col);
  }
  const out = column(HEADS[s.head] || s.head);
  out.appendChild(nodeElement(hidden + 1, 0, null, true, true));
  cols.appendChild(out);
  buildLinks(s);
}

function column(title) {
  const c = document.createElement("div"); c.className = "column";
  const t = document.createElement("div"); t.className = "title"; t.textContent = title;
  c.appendChild(t);
  return c;
}

/** Runs `rebuild` (which replaces the diagram's elements) and gives focus back to the element
 * that had it — the feature just toggled with Space, the + of the layer just widened — so a
 * keyboard user stays where they were instead of at the top of the page. */
function keepingFocus(rebuild) {
  const a = document.activeElement, cols = $("columns");
  const selector = a && cols.contains(a)
    ? (a.dataset.feature ? `.node.feature[data-feature="${CSS.escape(a.dataset.feature)}"]`
      : a.classList.contains("add-neuron") || a.classList.contains("remove-neuron") ? `.${a.className}[data-layer="${a.dataset.layer}"]`
      : a.classList.contains("layer-activation") ? `.layer-activation[data-layer="${a.dataset.layer}"]` : null)
    : null;
  rebuild();
  const again = selector && cols.querySelector(selector);
  if (again) again.focus();
}

/** A feature's name as a formula: x1^2 as x1², x1*x2 as x1·x2 (the setting keeps its ASCII). */
const shown = (name) => name.replace(/\^2/g, "²").replace(/\*/g, "·");

function nodeElement(layer, neuron, label, withBias, isOutput) {
  const node = document.createElement("div"); node.className = "node";
  node.dataset.layer = layer; node.dataset.neuron = neuron;
  node.tabIndex = 0;
  const c = document.createElement("canvas"); c.width = c.height = 24;
  if (!isOutput) {
    c.dataset.layer = layer; c.dataset.neuron = neuron;
    const show = () => actions.hover({ layer, neuron }), hide = () => actions.hover(null);
    node.addEventListener("pointerenter", show); node.addEventListener("pointerleave", hide);
    node.addEventListener("focus", show); node.addEventListener("blur", hide);
    if (layer > 0) node.setAttribute("aria-label", `neuron ${neuron + 1} of layer ${layer}`);
  } else {
    node.classList.add("output"); node.setAttribute("aria-label", "the output");
  }
  node.appendChild(c);
  if (label) { const t = document.createElement("span"); t.className = "label"; t.textContent = shown(label); node.appendChild(t); }
  if (withBias) {
    const b = document.createElement("button"); b.className = "bias";
    const bl = layer - 1, bn = neuron;
    b.dataset.layer = bl; b.dataset.neuron = bn;
    b.setAttribute("aria-label", isOutput ? "bias of the output" : `bias of neuron ${bn + 1} in layer ${bl + 1}`);
    b.onclick = (e) => {
      e.stopPropagation();
      if (state.connection !== "open" || !state.snap) return;
      if (gradientView()) { actions.explain({ layer: bl, to: bn, from: -1 }, b); return; }
      const r = b.getBoundingClientRect();
      openEditor({ x: r.right, y: r.bottom, title: b.getAttribute("aria-label"), value: state.snap.biases[bl][bn], from: b,
        onApply: (v) => actions.send({ type: "setBias", layer: bl, neuron: bn, value: v }) });
    };
    node.appendChild(b);
  }
  return node;
}

function toggleFeature(name) {
  const on = (state.settings.features || "x1,x2").split(",");
  const next = on.includes(name) ? on.filter(f => f !== name) : vocabulary.features.filter(f => on.includes(f) || f === name);
  if (next.length) actions.set("features", next.join(","));
}

/** The link that takes the diagram's one tab stop for links. */
let roving = 0;
function rove(index) {
  if (index < 0 || !links.length) return;
  if (links[roving]) links[roving].hit.setAttribute("tabindex", "-1");
  roving = index;
  links[roving].hit.setAttribute("tabindex", "0");
}

/** One visible path and one wide transparent path (easy to point at, focusable) per weight. */
function buildLinks(s) {
  const svg = $("links"); svg.innerHTML = "";
  const visible = document.createElementNS(SVG, "g"), hits = document.createElementNS(SVG, "g");
  links = [];
  s.weights.forEach((m, l) => m.forEach((row, o) => row.forEach((_, i) => {
    const index = links.length;
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("class", "link"); path.dataset.layer = l; path.dataset.to = o; path.dataset.from = i;
    const hit = document.createElementNS(SVG, "path");
    hit.setAttribute("class", "hit"); hit.dataset.index = index; hit.dataset.layer = l; hit.dataset.to = o; hit.dataset.from = i;
    hit.setAttribute("tabindex", "-1"); hit.setAttribute("role", "button");
    visible.appendChild(path); hits.appendChild(hit);
    links.push({ layer: l, to: o, from: i, path, hit });
  })));
  svg.append(visible, hits);
  rove(Math.min(roving, links.length - 1));
  lastWeights = null;
  placeLinks();
}

function placeLinks() {
  const box = $("network").getBoundingClientRect();
  const nodes = (layer) => [...document.querySelectorAll(`.node[data-layer="${layer}"]`)].sort((a, b) => a.dataset.neuron - b.dataset.neuron);
  const rects = new Map();
  const rect = (layer, k) => { const key = layer * 1000 + k; if (!rects.has(key)) { const n = nodes(layer)[k]; rects.set(key, n && n.getBoundingClientRect()); } return rects.get(key); };
  for (const l of links) {
    const a = rect(l.layer, l.from), b = rect(l.layer + 1, l.to);
    if (!a || !b) continue;
    const x1 = a.right - box.left, y1 = a.top + a.height / 2 - box.top, x2 = b.left - box.left, y2 = b.top + b.height / 2 - box.top;
    const mx = (x1 + x2) / 2, d = `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`;
    l.path.setAttribute("d", d); l.hit.setAttribute("d", d);
    l.curve = bezier(x1, y1, x2, y2);
  }
}

/** A link's curve as 25 points along it (24 segments of the cubic through its two ends, level at each). */
function bezier(x1, y1, x2, y2) {
  const points = [];
  for (let i = 0; i <= 24; i++) {
    const t = i / 24, s = 1 - t, a = s * s * s + 3 * s * s * t, b = 3 * s * t * t + t * t * t;
    points.push([s * s * s * x1 + 3 * s * s * t * (x1 + x2) / 2 + 3 * s * t * t * (x1 + x2) / 2 + t * t * t * x2, a * y1 + b * y2]);
  }
  return points;
}
function distanceToCurve(points, x, y) {
  let best = Infinity;
  for (let i = 1; i < points.length; i++) {
    const [ax, ay] = points[i - 1], [bx, by] = points[i], dx = bx - ax, dy = by - ay;
    const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy || 1)));
    best = Math.min(best, Math.hypot(x - ax - t * dx, y - ay - t * dy));
  }
  return best;
}
/**
 * The link nearest to a point of the window, if one passes within 8 design pixels (or its own
 * half-width). Where links cross, under a square's edge or beside a thicker neighbour, no
 * stacking order of wide transparent paths can be right — 91 of a 6×6 net's 198 links could
 * not be hit that way — but the nearest curve is the one the pointer means.
 */
export function nearestLink(clientX, clientY) {
  const box = $("network").getBoundingClientRect(), x = clientX - box.left, y = clientY - box.top, reach = 8 * designPixel();
  let best = null, bestDistance = Infinity;
  for (const l of links) {
    if (!l.curve) continue;
    const d = distanceToCurve(l.curve, x, y);
    if (d < bestDistance) { best = l; bestDistance = d; }
  }
  return best && bestDistance <= Math.max(reach, Number(best.path.getAttribute("stroke-width") || 0) / 2) ? best : null;
}
/** Where a link's point at `t` (0…1 along its curve) is in the window: for tests and tools. */
export function linkPoint(index, t) {
  const l = links[index]; if (!l || !l.curve) return null;
  const [x, y] = l.curve[Math.round(t * 24)], box = $("network").getBoundingClientRect();
  return { x: x + box.left, y: y + box.top, layer: l.layer, to: l.to, from: l.from };
}

/** Colour saturates at |w| = 1 (as in the playground); width grows to 8 px at the scale. */
function updateLinks(s) {
  const grad = gradientView(), scale = linkScale(s), values = grad ? s.gradients : s.weights, u = designPixel();
  const force = scale !== lastScale || grad !== lastGrad || u !== lastU; lastScale = scale; lastGrad = grad; lastU = u;
  for (const l of links) {
    const w = values[l.layer][l.to][l.from];
    if (!force && lastWeights && lastWeights[l.layer] && lastWeights[l.layer][l.to] && lastWeights[l.layer][l.to][l.from] === w) continue;
    l.path.setAttribute("stroke", rgb(diverging(grad ? w / scale : w)));
    l.path.setAttribute("stroke-width", (u * linkWidth(w, scale)).toFixed(2));
    l.hit.setAttribute("aria-label", `${grad ? "∂L/∂w of the " : ""}${describe(l)}: ${grad ? w.toExponential(2) : w.toFixed(3)}`);
  }
  lastWeights = values;
  drawLegend(scale, grad);
}

export function linkWidth(w, scale) { return 0.5 + 7.5 * Math.min(1, Math.abs(w) / scale); }

function drawLegend(scale, grad) {
  const svg = $("link-legend");
  const key = `${scale} ${grad}`;
  if (svg.dataset.key === key) return;
  svg.dataset.key = key;
  const colour = (w) => rgb(diverging(grad ? w / scale : w));
  const samples = (grad ? [-scale, -scale / 4, 0, scale / 4, scale] : [-scale, -1, -scale / 4, 0, scale / 4, 1, scale])
    .filter((v, i, a) => a.indexOf(v) === i).sort((a, b) => a - b);
  svg.innerHTML = samples.map((w, i) => {
    const x = 8 + i * 40;
    return `<line x1="${x}" y1="10" x2="${x + 30}" y2="10" stroke="${colour(w)}" stroke-width="${linkWidth(w, scale)}"/>` +
      `<text x="${x + 15}" y="28" text-anchor="middle">${grad && w !== 0 ? w.toExponential(0) : +w.toFixed(2)}</text>`;
  }).join("");
  svg.setAttribute("viewBox", `0 0 ${16 + samples.length * 40} 32`);
  $("link-scale-label").hidden = grad;
  $("scale-note").textContent = grad ? `full width and colour at |∂L/∂w| = ${scale.toExponential(0)} (just above the largest); red rings: each neuron's mean |δ| (thickest: the largest among hidden neurons)` : "";
}
