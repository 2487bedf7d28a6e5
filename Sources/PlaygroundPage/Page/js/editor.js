// A small in-page editor for one number (a weight or a bias): opened by a click or Enter,
// applied with Enter or OK, dismissed with Escape or a click elsewhere.

const box = document.getElementById("editor");
const label = box.querySelector("label");
const input = box.querySelector("input");
let apply = null, opener = null;

export function openEditor({ x, y, title, value, onApply, from }) {
  apply = onApply; opener = from || null;
  label.textContent = title;
  input.value = value.toFixed(4);
  input.setCustomValidity("");
  box.hidden = false;
  const r = box.getBoundingClientRect();
  box.style.left = Math.max(4, Math.min(window.innerWidth - r.width - 4, x + 8)) + window.scrollX + "px";
  box.style.top = Math.max(4, Math.min(window.innerHeight - r.height - 4, y + 8)) + window.scrollY + "px";
  input.focus(); input.select();
}

export function closeEditor() {
  box.hidden = true; apply = null;
  if (opener && document.contains(opener)) opener.focus();
  opener = null;
}

export function editorIsOpen() { return !box.hidden; }

// A refused entry is refused until it changes: the browser blocks every later submit while the
// input carries a custom error, so the error goes with the next keystroke (and on opening).
input.addEventListener("input", () => input.setCustomValidity(""));
box.addEventListener("submit", (e) => {
  e.preventDefault();
  const v = Number(input.value);
  if (input.value.trim() === "" || !isFinite(v)) { input.setCustomValidity("a finite number"); input.reportValidity(); return; }
  input.setCustomValidity("");
  const f = apply; closeEditor(); if (f) f(v);
});
box.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.preventDefault(); closeEditor(); } });
box.querySelector("button[type=button]").addEventListener("click", closeEditor);
document.addEventListener("pointerdown", (e) => { if (!box.hidden && !box.contains(e.target)) closeEditor(); });
