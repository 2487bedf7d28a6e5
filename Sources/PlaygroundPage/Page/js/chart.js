// The loss chart: training and test loss against epochs, with axes, a log option and the
// values under the pointer.
import { state } from "./state.js";
import { palette } from "./colors.js";
import { fitCanvas } from "./canvas.js";
import { pinnedCurves } from "./pinned.js";

const $ = (id) => document.getElementById(id);
let hoverX = null;

export function setupChart() {
  const c = $("loss-chart");
  c.addEventListener("pointermove", (e) => { const r = c.getBoundingClientRect(); hoverX = e.clientX - r.left; renderLossChart(); });
  c.addEventListener("pointerleave", () => { hoverX = null; $("chart-tip").textContent = ""; renderLossChart(); });
}

function niceTicks(lo, hi, count) {
  const span = hi - lo || 1, step0 = span / count, mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map(m => m * mag).find(s => span / s <= count) || 10 * mag;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}
function label(v) { return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(0) : String(+v.toPrecision(3)); }

/**
 * Draws `rows` ([epoch, value, value, …]) as lines over epochs in a framed plot with axes:
 * one line per entry of `series` ({index, color}); `log` for a log-scale y axis (ticks at
 * decades). Returns the plot's geometry (for a hover overlay), or null when there is nothing
 * to draw yet (then `empty` is written in the frame). The loss chart and the gradient-norm
 * chart both draw with it.
 */
export function lineChart(c, rows, series, { log = false, empty = "", overlays = [] } = {}) {
  const { ctx, W, H, u } = fitCanvas(c);
  // Margins for the axes' labels, in design pixels like the font.
  const M = { left: 42 * u, right: 8 * u, top: 6 * u, bottom: 18 * u };
  ctx.clearRect(0, 0, W, H);
  ctx.textAlign = "left"; ctx.textBaseline = "alphabetic";
  ctx.font = `${11 * u}px sans-serif`; ctx.fillStyle = "#777"; ctx.strokeStyle = "#ccc"; ctx.lineWidth = 1;
  const pw = W - M.left - M.right, ph = H - M.top - M.bottom;
  ctx.strokeRect(M.left + 0.5, M.top + 0.5, pw, ph);
  if (rows.length < 2) { ctx.fillText(empty, M.left + 6 * u, M.top + 16 * u); return null; }
  const values = rows.flatMap(r => series.map(s => r[s.index])).concat(overlays.flatMap(o => o.rows.map(r => r[1])))
    .filter(v => isFinite(v) && (!log || v > 0));
  if (!values.length) return null;
  let lo = log ? Math.min(...values) : 0, hi = Math.max(...values);
  if (log) { lo = Math.floor(Math.log10(lo)); hi = Math.ceil(Math.log10(hi)); if (hi <= lo) hi = lo + 1; } else if (hi <= 0) hi = 1;
  const e0 = rows[0][0], e1 = Math.max(rows[rows.length - 1][0], e0 + 1, ...overlays.map(o => o.rows.length ? o.rows[o.rows.length - 1][0] : 0));
  const X = (e) => M.left + (e - e0) / (e1 - e0) * pw;
  const Y = (v) => { const t = log ? Math.log10(Math.max(v, 1e-300)) : v; return M.top + ph - (t - lo) / (hi - lo) * ph; };
  // Axes: y ticks (decades when log), x: first, middle and last epoch.
  ctx.textAlign = "right"; ctx.textBaseline = "middle";
  const yt = log ? niceTicks(lo, hi, 4).map(p => 10 ** p) : niceTicks(0, hi, 4);
  for (const v of yt) {
    const y = Y(v); if (y < M.top - 1 || y > M.top + ph + 1) continue;
    ctx.fillText(label(v), M.left - 4 * u, y); ctx.beginPath(); ctx.moveTo(M.left, y + 0.5); ctx.lineTo(M.left + pw, y + 0.5); ctx.strokeStyle = "#eee"; ctx.stroke();
  }
  ctx.textAlign = "center"; ctx.textBaseline = "top";
  for (const e of [e0, Math.round((e0 + e1) / 2), e1]) ctx.fillText(e.toLocaleString("en-US"), Math.min(W - 20 * u, Math.max(M.left + 10 * u, X(e))), M.top + ph + 4 * u);
  // Overlays (pinned runs): their curve dashed in the test colour, clipped to the frame.
  ctx.save(); ctx.beginPath(); ctx.rect(M.left, M.top, pw, ph); ctx.clip();
  for (const o of overlays) {
    ctx.beginPath(); let started = false;
    for (const r of o.rows) { const v = r[1]; if (!isFinite(v) || (log && !(v > 0))) continue; const x = X(r[0]), y = Y(v); started ? ctx.lineTo(x, y) : ctx.moveTo(x, y); started = true; }
    ctx.setLineDash(o.dash.map(d => d * u)); ctx.strokeStyle = palette.negative; ctx.globalAlpha = 0.6; ctx.lineWidth = 1.5 * u; ctx.stroke();
  }
  ctx.restore();
  for (const { index, color } of series) {
    ctx.beginPath(); let started = false;
    for (const r of rows) { const v = r[index]; if (!isFinite(v) || (log && !(v > 0))) continue; const x = X(r[0]), y = Y(v); started ? ctx.lineTo(x, y) : ctx.moveTo(x, y); started = true; }
    ctx.strokeStyle = color; ctx.lineWidth = 1.5 * u; ctx.stroke();
  }
  return { ctx, X, e0, e1, left: M.left, top: M.top, width: pw, height: ph };
}

export function renderLossChart() {
  const h = state.history;
  const g = lineChart($("loss-chart"), h, [{ index: 1, color: palette.positive }, { index: 2, color: palette.negative }],
    { log: state.view.logLoss, empty: "the loss appears here once training starts", overlays: pinnedCurves() });
  if (g && hoverX !== null && hoverX >= g.left) {
    const e = g.e0 + (hoverX - g.left) / g.width * (g.e1 - g.e0);
    let best = h[0]; for (const r of h) if (Math.abs(r[0] - e) < Math.abs(best[0] - e)) best = r;
    const x = g.X(best[0]), ctx = g.ctx;
    ctx.beginPath(); ctx.moveTo(x + 0.5, g.top); ctx.lineTo(x + 0.5, g.top + g.height); ctx.strokeStyle = "#999"; ctx.lineWidth = 1; ctx.stroke();
    $("chart-tip").textContent = `epoch ${best[0].toLocaleString("en-US")}: training ${fmt(best[1])}, test ${fmt(best[2])}`;
  }
}
export function fmt(v) { return v == null || !isFinite(v) ? String(v) : v.toFixed(3); }
