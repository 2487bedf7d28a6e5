// The settings in the page's URL (after #), so a link reproduces a setup — and what belongs to
// the link rather than to the setup: a teacher's note (#note=…), the controls it hides
// (#hide=lr,activation) and the lesson step it opens (#lesson=sheet&step=2). Those are kept in
// the URL, never sent as settings; a note is shown as text.

/** The longest note a link carries; past it the text is cut (a note is a sentence or two). */
export const NOTE_MAX = 280;
const LINK_KEYS = ["note", "hide", "lesson", "step"];
const link = { note: "", hide: [], lesson: "", step: 0 };

function parse(hash) {
  const out = {};
  for (const part of hash.slice(1).split("&")) {
    const i = part.indexOf("=");
    if (i <= 0) continue;
    try { out[decodeURIComponent(part.slice(0, i))] = decodeURIComponent(part.slice(i + 1)); } catch (_) { /* a broken escape: skip it */ }
  }
  return out;
}

/** The link's settings; what belongs to the link itself is taken out and kept (`linkParams`). */
export function readHash() {
  const out = parse(location.hash);
  link.note = (out.note || "").slice(0, NOTE_MAX);
  link.hide = (out.hide || "").split(",").map(s => s.trim()).filter(s => /^[a-z0-9-]{1,30}$/.test(s)).slice(0, 40);
  link.lesson = /^[a-z0-9-]{1,40}$/.test(out.lesson || "") ? out.lesson : "";
  link.step = link.lesson ? Math.max(1, Math.min(100, parseInt(out.step, 10) || 1)) : 0;
  for (const k of LINK_KEYS) delete out[k];
  return out;
}
readHash();

/** The link's note, as text (empty: none). */
export function linkNote() { return link.note; }
/** The link's own parameters: note, hidden controls, lesson and step. */
export function linkParams() { return { ...link, hide: link.hide.slice() }; }
/** Sets the lesson and step the URL names (empty lesson: none); the URL follows at the next write. */
export function setLesson(name, step) { link.lesson = name || ""; link.step = name ? step : 0; }

export function hashOf(settings) {
  const all = { ...settings };
  if (link.note) all.note = link.note;
  if (link.hide.length) all.hide = link.hide.join(",");
  if (link.lesson) { all.lesson = link.lesson; all.step = String(link.step); }
  return "#" + Object.keys(all).sort().map(k => `${encodeURIComponent(k)}=${encodeURIComponent(all[k])}`).join("&");
}

export function writeHash(settings) {
  const h = hashOf(settings);
  if (h !== location.hash) window.history.replaceState(null, "", h);
}
