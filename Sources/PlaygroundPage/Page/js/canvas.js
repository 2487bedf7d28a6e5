// Canvases drawn at the size they are shown. The page scales with the window (style.css's
// --u), so a canvas with a fixed backing store would be stretched: blurred text and dots on a
// projector, wasted pixels on a phone. Each draw sizes the store to the element's box times the
// device's pixel ratio and draws in CSS pixels.

/** One design pixel of style.css in CSS pixels (1 up to 2; the body's font is 13 of them). */
export function designPixel() { return parseFloat(getComputedStyle(document.body).fontSize) / 13 || 1; }

/** The canvas's 2-D context set to draw in CSS pixels over its shown box: {ctx, W, H, u}. */
export function fitCanvas(c) {
  const ratio = window.devicePixelRatio || 1;
  const W = c.clientWidth || c.width, H = c.clientHeight || c.height;
  const w = Math.max(1, Math.round(W * ratio)), h = Math.max(1, Math.round(H * ratio));
  if (c.width !== w || c.height !== h) { c.width = w; c.height = h; }
  const ctx = c.getContext("2d");
  ctx.setTransform(w / W, 0, 0, h / H, 0, 0);
  return { ctx, W, H, u: designPixel() };
}
