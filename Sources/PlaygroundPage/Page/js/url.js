// The settings in the page's URL (after #), so a link reproduces a setup — and a teacher's note
// (#note=…), which is the link's, not a setting: shown as text, kept in the URL, never sent.

/** The longest note a link carries; past it the text is cut (a note is a sentence or two). */
export const NOTE_MAX = 280;
let note = "";

function parse(hash) {
  const out = {};
  for (const part of hash.slice(1).split("&")) {
    const i = part.indexOf("=");
    if (i <= 0) continue;
    try { out[decodeURIComponent(part.slice(0, i))] = decodeURIComponent(part.slice(i + 1)); } catch (_) { /* a broken escape: skip it */ }
  }
  return out;
}

/** The link's settings; its note is taken out and kept (`linkNote`). */
export function readHash() {
  const out = parse(location.hash);
  note = (out.note || "").slice(0, NOTE_MAX);
  delete out.note;
  return out;
}
readHash();

/** The link's note, as text (empty: none). */
export function linkNote() { return note; }

export function hashOf(settings) {
  const all = note ? { ...settings, note } : settings;
  return "#" + Object.keys(all).sort().map(k => `${encodeURIComponent(k)}=${encodeURIComponent(all[k])}`).join("&");
}

export function writeHash(settings) {
  const h = hashOf(settings);
  if (h !== location.hash) window.history.replaceState(null, "", h);
}
