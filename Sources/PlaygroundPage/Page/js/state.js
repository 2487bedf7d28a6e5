// The page's one state: what the server last said, and the page's own view choices.
// Modules read it; only main.js (messages) and controls (view choices) write it.

export const PAGE_DEFAULT_EPOCHS = "1000000";   // the page's "never stop" (LiveSession.defaults)

/** The settings' vocabulary, from the server (`GET /api/settings`, LiveSession+Vocabulary.swift):
 *  the lists the menus offer and the page's limits, filled in before anything is drawn. */
export const vocabulary = { settings: [], datasets: [], features: [], activations: [], limits: { depth: 8, width: 32 } };

export const state = {
  /** Settings in force, as the server last confirmed them; the URL mirrors them. */
  settings: {},
  /** The points: [x, y, label] rows, the task and class count. */
  data: { train: [], test: [], task: "binary", classes: 2 },
  /** The last snapshot (see Messages.swift). */
  snap: null,
  /** [epoch, train loss, test loss] rows, thinned when long. */
  history: [],
  /** The neuron whose map the output shows instead of the network's ({layer, neuron}). */
  hovered: null,
  /** "connecting", "open" or "closed". */
  connection: "connecting",
  presets: [],
  view: { logLoss: false, linkScale: 4, showTest: false, discretize: false },
};

/** Appends history rows, thinning old ones so a long run stays cheap to draw. Rows that start
 * at or before the last one kept are the session's whole curve again (after a reset, a rebuild,
 * a restore after a reload or reconnect, points added): they replace it. */
export function addHistory(rows, epoch) {
  const last = state.history.length ? state.history[state.history.length - 1][0] : -1;
  if (epoch < last || (rows.length && rows[0][0] <= last)) state.history = [];
  state.history.push(...rows);
  if (state.history.length > 4000) state.history = state.history.filter((_, i, a) => i % 2 === 0 || i === a.length - 1);
}
