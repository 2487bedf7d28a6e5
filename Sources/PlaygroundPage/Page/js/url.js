// The settings in the page's URL (after #), so a link reproduces a setup.

export function readHash() {
  const out = {};
  for (const part of location.hash.slice(1).split("&")) {
    const i = part.indexOf("=");
    if (i <= 0) continue;
    try { out[decodeURIComponent(part.slice(0, i))] = decodeURIComponent(part.slice(i + 1)); } catch (_) { /* a broken escape: skip it */ }
  }
  return out;
}

export function hashOf(settings) {
  return "#" + Object.keys(settings).sort().map(k => `${encodeURIComponent(k)}=${encodeURIComponent(settings[k])}`).join("&");
}

export function writeHash(settings) {
  const h = hashOf(settings);
  if (h !== location.hash) window.history.replaceState(null, "", h);
}
