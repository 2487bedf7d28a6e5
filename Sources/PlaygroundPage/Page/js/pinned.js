// Runs side by side: a run pinned keeps its loss curve and its output map; later runs draw their
// curves over it and show its map beside theirs, each labelled by the settings in which it
// differs from the run shown now ("regularization l1" beside an L2 run). Kept in this tab only.
import { state } from "./state.js";

const $ = (id) => document.getElementById(id);
/** Settings that say how the page draws or when it stops, not what was trained. */
const VIEW = new Set(["view", "speed", "stop-when", "epochs"]);
/** At most this many pinned runs: a chart with more dashed curves stops being readable. */
const MOST = 3;
export const pinned = [];

/** Pins the run shown now (its curve, map and settings). */
export function pin() {
  if (!state.snap || !state.history.length) return;
  if (pinned.length === MOST) pinned.shift();
  pinned.push({
    settings: { ...state.settings }, epoch: state.snap.epoch, testLoss: state.snap.testLoss,
    history: state.history.map(r => [r[0], r[2]]), map: $("output").toDataURL("image/png"),
  });
  renderPinned();
}

/** What a pinned run's settings say where they differ from the settings shown now. */
export function difference(p) {
  const keys = [...new Set([...Object.keys(p.settings), ...Object.keys(state.settings)])].filter(k => !VIEW.has(k)).sort();
  const differs = keys.filter(k => (p.settings[k] ?? "") !== (state.settings[k] ?? ""));
  return differs.length ? differs.map(k => `${k} ${p.settings[k] ?? "–"}`).join(", ") : "the same settings";
}

/** The dashed test-loss curves the loss chart draws over the run shown now. */
export function pinnedCurves() { return pinned.map((p, k) => ({ rows: p.history, dash: [4 + 2 * k, 3], label: difference(p) })); }

export function renderPinned() {
  const el = $("pinned");
  el.hidden = !pinned.length;
  el.innerHTML = "";
  pinned.forEach((p, k) => {
    const item = document.createElement("figure");
    item.className = "pinned-run";
    const img = document.createElement("img");
    img.src = p.map; img.alt = `output map of the pinned run: ${difference(p)}`;
    const caption = document.createElement("figcaption");
    caption.textContent = `${difference(p)} · test loss ${p.testLoss.toFixed(3)} at epoch ${p.epoch.toLocaleString("en-US")}`;
    const close = document.createElement("button");
    close.type = "button"; close.textContent = "×"; close.setAttribute("aria-label", "unpin this run");
    close.onclick = () => { pinned.splice(k, 1); renderPinned(); };
    item.append(img, caption, close);
    el.appendChild(item);
  });
}
