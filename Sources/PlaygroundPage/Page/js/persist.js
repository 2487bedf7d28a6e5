// What the tab keeps across a reload: the session's settings, weights, epoch, own data and loss curve,
// in sessionStorage (this tab only), so a reload or a server restart loses nothing.
import { state } from "./state.js";
import { hashOf } from "./url.js";

const KEY = "backprop-session";
let last = 0;

/** Saves at most once a second (and always when `now`). */
export function save(now = false) {
  const s = state.snap;
  if (!s || (!now && performance.now() - last < 1000)) return;
  last = performance.now();
  const kept = { hash: hashOf(state.settings), message: restoreMessage() };
  try { sessionStorage.setItem(KEY, JSON.stringify(kept)); } catch (_) { /* storage full or off: a reload starts from the link */ }
}

/** The restore message for the server: what the page was last shown. */
export function restoreMessage() {
  const s = state.snap;
  const m = { type: "restore", settings: state.settings, weights: s.weights, biases: s.biases, epoch: s.epoch,
              history: state.history.filter(r => r[0] <= s.epoch && r.every(Number.isFinite)) };
  if (state.settings.dataset === "csv") {
    Object.assign(m, { trainPoints: state.data.train, testPoints: state.data.test, task: state.data.task, classes: state.data.classes, region: s.region });
  }
  return m;
}

/** The kept session if it belongs to this URL (a changed link starts from the link). */
export function load() {
  try {
    const kept = JSON.parse(sessionStorage.getItem(KEY) || "null");
    return kept && kept.hash === location.hash ? kept.message : null;
  } catch (_) { return null; }
}
