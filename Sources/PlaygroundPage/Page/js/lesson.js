// Lessons (lessons.json, from Lessons/*.md): a pane beside the network that walks a student
// through steps — each sets up the playground, hides what does not matter, asks for a
// prediction before training, and shows its check on the live numbers, judged by the session
// (LiveSession+Lesson) in every snapshot. Progress (step, passed steps, predictions) is kept in
// this tab; the URL names the lesson and step, so a link opens it there.
import { state } from "./state.js";
import { linkParams, setLesson, writeHash } from "./url.js";
import { fmt } from "./chart.js";

const $ = (id) => document.getElementById(id);
const PROGRESS = "backprop-lessons";
let lessons = [], act = null;
/** The lesson shown and its step (0-based), or null. */
let current = null;

function progress() { try { return JSON.parse(sessionStorage.getItem(PROGRESS) || "{}"); } catch (_) { return {}; } }
function saveProgress(p) { try { sessionStorage.setItem(PROGRESS, JSON.stringify(p)); } catch (_) { /* storage off: progress lasts the page */ } }
function mine(name) { const p = progress(); return p[name] || { step: 1, passed: [], predictions: {} }; }
function keep(name, update) { const p = progress(); p[name] = update(mine(name)); saveProgress(p); }

/** Opens a lesson at the step the tab was last at in it. */
export function openLesson(name) { enter(name, mine(name).step, true); }

/** `handlers`: configure(settings), post(message), notify(text). */
export function setupLessons(list, handlers) {
  lessons = Array.isArray(list) ? list : [];
  act = handlers;
  // The lessons are in the experiments' menu, after the presets (controls.js applies a choice).
  const group = document.createElement("optgroup");
  group.label = "Lessons";
  for (const l of lessons) group.appendChild(new Option(l.title, "lesson:" + l.name));
  $("preset").appendChild(group);
  $("lesson-back").onclick = () => go(-1);
  $("lesson-next").onclick = () => go(1);
  $("lesson-close").onclick = leave;
  $("lesson-commit").onclick = commit;
  applyHidden();
}

/** Opens the lesson step the URL names, if any, without a message: the connection's first
 * message starts it (`lessonSetup`), or restores what the tab kept of it. */
export function openLinkedLesson() {
  const { lesson, step } = linkParams();
  const l = lessons.find(l => l.name === lesson);
  if (!l) return;
  current = { lesson: l, step: Math.min(step, l.steps.length) - 1 };
  keep(l.name, p => ({ ...p, step: current.step + 1 }));
  render();
}

/** The settings the lesson step shown starts from (null: no lesson). */
export function lessonSetup() { return current ? firstSetup(current.lesson, current.step) : null; }

/** The setup a step starts from: its own, or the last one before it (a step without one goes on
 * from there; opened by a link, it starts where that one did). */
function firstSetup(l, k) {
  for (let i = k; i >= 0; i--) if (l.steps[i].setup) return l.steps[i].setup;
  return {};
}

/** After a (re)connection: the session is new, so it is told the step's check again. */
export function lessonConnected() { if (current) sendCheck(); }

/** The URL changed by hand or a followed link: opens the lesson it names (true), or leaves one. */
export function lessonFromLink(linkSettings) {
  const { lesson, step } = linkParams();
  if (lesson && lessons.some(l => l.name === lesson)) { enter(lesson, step, true, linkSettings); return true; }
  if (current) { current = null; render(); act.post({ type: "check", expression: "" }); }
  applyHidden();
  return false;
}

/** Shows step `step` (from 1) of lesson `name`; `applySetup`: configures the step's setup
 * (with `overrides`, a followed link's own settings, over it). */
export function enter(name, step, applySetup, overrides = {}) {
  const l = lessons.find(l => l.name === name);
  if (!l) return;
  const k = Math.max(0, Math.min(step, l.steps.length) - 1);
  current = { lesson: l, step: k };
  setLesson(name, k + 1);
  keep(name, p => ({ ...p, step: k + 1 }));
  const s = l.steps[k];
  if (applySetup) {
    state.history = [];
    act.configure({ ...(s.setup || (state.snap ? state.settings : firstSetup(l, k))), ...overrides });
  } else if (state.snap) writeHash(state.settings);
  sendCheck();
  render();
}

function go(delta) {
  if (!current) return;
  const k = current.step + delta;
  // Past the last step: the lesson that follows, if the lesson names one.
  const following = lessons.find(l => l.name === current.lesson.next);
  if (k === current.lesson.steps.length && following) { enter(following.name, 1, true); return; }
  if (k < 0 || k >= current.lesson.steps.length) return;
  // A step without a setup goes on from what the last one left: nothing is reconfigured.
  enter(current.lesson.name, k + 1, Boolean(current.lesson.steps[k].setup));
}

function leave() {
  current = null;
  setLesson("", 0);
  if (state.snap) writeHash(state.settings);
  act.post({ type: "check", expression: "" });
  render();
}

function sendCheck() {
  const s = current && current.lesson.steps[current.step];
  act.post({ type: "check", expression: (s && s.check) || "" });
}

function commit() {
  if (!current) return;
  const chosen = document.querySelector('#lesson-predict input[name="prediction"]:checked');
  if (!chosen) { act.notify("Choose an answer first: a prediction is made before the run."); return; }
  const { lesson, step } = current;
  keep(lesson.name, p => ({ ...p, predictions: { ...p.predictions, [step + 1]: chosen.value } }));
  render();
}

/** Whether training waits for a prediction (play, steps and seeds are locked until then). */
export function awaitingPrediction() {
  if (!current) return false;
  const s = current.lesson.steps[current.step];
  return Boolean(s.predict) && mine(current.lesson.name).predictions[current.step + 1] == null;
}

/** The link's hidden controls and the step's: a style rule, so elements the page draws later
 * (a layer's menu, a neuron's buttons) are hidden as well. */
function applyHidden() {
  const names = new Set(linkParams().hide);
  if (current) for (const n of current.lesson.steps[current.step].hide) names.add(n);
  $("lesson-hide").textContent = [...names].map(n => `[data-hide~="${n}"] { display: none !important; }`).join("\n");
}

/** Text with `code` spans, as text nodes (a lesson's text is never markup). */
function paragraph(text, cls) {
  const p = document.createElement("p");
  if (cls) p.className = cls;
  text.split("`").forEach((part, i) => {
    if (i % 2) { const c = document.createElement("code"); c.textContent = part; p.appendChild(c); }
    else p.appendChild(document.createTextNode(part));
  });
  return p;
}

function render() {
  const pane = $("lesson-pane");
  document.body.classList.toggle("in-lesson", Boolean(current));
  pane.hidden = !current;
  applyHidden();
  document.body.classList.toggle("predicting", awaitingPrediction());
  if (!current) return;
  const { lesson, step } = current, s = lesson.steps[step], p = mine(lesson.name);
  $("lesson-title").textContent = lesson.title;
  $("lesson-step").textContent = `Step ${step + 1} of ${lesson.steps.length}: ${s.title}`;
  const dots = $("lesson-dots");
  dots.innerHTML = "";
  lesson.steps.forEach((_, k) => {
    const b = document.createElement("button");
    b.textContent = String(k + 1);
    b.className = (k === step ? "here " : "") + (p.passed.includes(k + 1) ? "passed" : "");
    b.setAttribute("aria-label", `step ${k + 1}${p.passed.includes(k + 1) ? ", passed" : ""}`);
    b.onclick = () => enter(lesson.name, k + 1, Boolean(lesson.steps[k].setup));
    dots.appendChild(b);
  });
  const task = $("lesson-task");
  task.innerHTML = "";
  for (const t of s.task) task.appendChild(paragraph(t));
  const predict = $("lesson-predict"), answer = p.predictions[step + 1];
  predict.hidden = !s.predict;
  if (s.predict) {
    $("lesson-question").textContent = s.predict.question;
    const options = $("lesson-options");
    options.innerHTML = "";
    s.predict.options.forEach((o, i) => {
      const label = document.createElement("label"), input = document.createElement("input");
      input.type = "radio"; input.name = "prediction"; input.value = o; input.id = `prediction-${i}`;
      input.checked = answer === o; input.disabled = answer != null;
      label.append(input, document.createTextNode(" " + o));
      options.appendChild(label);
    });
    $("lesson-commit").hidden = answer != null;
    $("lesson-committed").textContent = answer != null ? `Your prediction: ${answer}.` : "Commit to an answer before you train: play waits for it.";
  }
  $("lesson-back").disabled = step === 0;
  const last = step === lesson.steps.length - 1, following = lessons.find(l => l.name === lesson.next);
  $("lesson-next").disabled = last && !following;
  $("lesson-next").textContent = last && following ? `next lesson: ${following.title} ▶` : "next step ▶";
  renderCheck();
}

/** `test-accuracy>=0.97` as "test accuracy ≥ 0.97". */
function termText(text) {
  const m = /^(.*?)(<=|>=|<|>)(.*)$/.exec(text);
  if (!m) return text;
  return `${m[1].replace(/-/g, " ")} ${{ "<=": "≤", ">=": "≥" }[m[2]] || m[2]} ${m[3]}`;
}
/** A count as a count (epoch 1,000), a measure to three decimals (accuracy 1.000). */
const COUNTS = /^(epoch|zero-weights|seeds-run|by-hand)\b/;
function number(text, v) { return COUNTS.test(text) ? v.toLocaleString("en-US") : fmt(v); }

/** The step's check as the last snapshot judged it; a pass is kept (the step stays done). */
export function renderCheck() {
  if (!current) return;
  const { lesson, step } = current, s = lesson.steps[step];
  const judged = state.snap && state.snap.check && state.snap.check.expression === s.check ? state.snap.check : null;
  if (judged && judged.passed && !mine(lesson.name).passed.includes(step + 1) && !awaitingPrediction()) {
    keep(lesson.name, p => ({ ...p, passed: [...p.passed, step + 1] }));
    const dot = $("lesson-dots").children[step];
    if (dot) { dot.classList.add("passed"); dot.setAttribute("aria-label", `step ${step + 1}, passed`); }
  }
  const passed = mine(lesson.name).passed.includes(step + 1);
  const list = $("lesson-check");
  list.innerHTML = "";
  for (const t of judged ? judged.terms : []) {
    const li = document.createElement("li");
    li.className = t.holds ? "holds" : "";
    li.textContent = `${t.holds ? "✓" : "✗"} ${termText(t.text)}` + (t.value != null ? ` — now ${number(t.text, t.value)}` : t.missing ? ` — ${t.missing}` : "");
    list.appendChild(li);
  }
  $("lesson-status").textContent = passed ? "Passed." : s.check ? "Not yet:" : "";
  $("lesson-status").className = passed ? "passed" : "";
  const notice = $("lesson-notice");
  notice.innerHTML = "";
  if (passed) for (const t of s.notice) notice.appendChild(paragraph(t));
  notice.hidden = !passed || !s.notice.length;
  $("lesson-next").classList.toggle("ready", passed);
}
