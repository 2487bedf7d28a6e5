// Colours: the same scales as the PNG plots (palette.json comes from Plots/Color.swift).

let NEG = [245, 147, 34], NEU = [232, 234, 235], POS = [8, 119, 189], CLASSES = [];
export let palette = { negative: "#f59322", neutral: "#e8eaeb", positive: "#0877bd", classes: [] };

function hexToRgb(h) { const v = parseInt(h.slice(1), 16); return [v >> 16, (v >> 8) & 255, v & 255]; }
export function setPalette(p) {
  palette = p; NEG = hexToRgb(p.negative); NEU = hexToRgb(p.neutral); POS = hexToRgb(p.positive);
  CLASSES = (p.classes || []).map(hexToRgb);
}
export function mix(a, b, t) { return [0, 1, 2].map(i => Math.round(a[i] + (b[i] - a[i]) * t)); }
/** −1 orange … 0 grey … +1 blue, clamped. */
export function diverging(v) { v = Math.max(-1, Math.min(1, v)); return v < 0 ? mix(NEU, NEG, -v) : mix(NEU, POS, v); }
export function levels(v, n) { const step = 2 / (n - 1); return Math.round(v / step) * step; }
export function rgb(c) { return `rgb(${c[0]},${c[1]},${c[2]})`; }
export function classColor(k) { return CLASSES.length ? CLASSES[k % CLASSES.length] : [0, 0, 0]; }
export function labelColor(t, task) {
  if (task === "regression") return diverging(t);
  if (task === "multiclass") return classColor(t);
  return t > 0.5 ? POS : NEG;
}
export function decode(b64) { const s = atob(b64); const a = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) a[i] = s.charCodeAt(i); return a; }

/** Draws a map of bytes (0…255 for −1…1) into a canvas of n×n cells. */
export function drawMap(canvas, bytes, n) {
  const ctx = canvas.getContext("2d");
  if (canvas.width !== n) { canvas.width = canvas.height = n; }
  const img = ctx.createImageData(n, n);
  for (let i = 0; i < n * n; i++) {
    const c = diverging(bytes[i] / 255 * 2 - 1);
    img.data[4 * i] = c[0]; img.data[4 * i + 1] = c[1]; img.data[4 * i + 2] = c[2]; img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}
