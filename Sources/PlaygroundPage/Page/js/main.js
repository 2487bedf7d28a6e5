// The Backprop playground page. It only renders: the network trains in Swift — on the server,
// or in this tab's worker as WebAssembly — and every change is a message to it (Messages.swift). This module wires
// the parts: the connection, the state, the views and the controls.
import { state, vocabulary, addHistory } from "./state.js";
import { readHash, writeHash, linkNote } from "./url.js";
import { setPalette } from "./colors.js";
import { Connection } from "./socket.js";
import { WorkerConnection } from "./worker-connection.js";
import { save, load, restoreMessage } from "./persist.js";
import { setupNetwork, renderNetwork, linkPoint } from "./network.js";
import { pinnedCurves } from "./pinned.js";
import { setupSeeds, renderSeeds } from "./seeds.js";
import { renderOutput, renderConfusion } from "./output.js";
import { setupChart, renderLossChart, fmt } from "./chart.js";
import { setupControls, syncControls, setEnabled } from "./controls.js";
import { addNorms, renderNormChart, renderExplanation, refresh, explain, chooseSample, setupByHand, renderByHandResult } from "./backprop.js";
import { setupLessons, openLinkedLesson, openLesson, lessonSetup, lessonConnected, lessonFromLink, renderCheck, awaitingPrediction } from "./lesson.js";

const $ = (id) => document.getElementById(id);
const frames = [];
let settingsKey = "", lastState = null;
/** The newest snapshot's number; each connection (a new session) counts from 1. */
let lastSeq = -1;

/** The transport: the WebSocket to `backprop serve`, or — in a static copy of the page
 * (`backprop site`, whose engine.json says so) — the engine in a worker of this tab. */
let connection = null;
const transport = {
  // A first connection restores what this tab kept for this URL, else reads the URL; a
  // reconnection restores the session the page was showing.
  // A lesson's link without a kept session starts from its step's setup (the link's own settings over it).
  hello: () => state.snap ? restoreMessage()
    : (load() || (lessonSetup() ? { type: "configure", settings: { ...lessonSetup(), ...readHash() } } : { type: "configure", settings: readHash() })),
  onMessage,
  onStatus,
};
async function connect() {
  let engine = "server";
  try { engine = (await fetch("engine.json").then(r => r.ok ? r.json() : {})).engine || "server"; } catch (_) {}
  connection = engine === "browser" ? new WorkerConnection(transport) : new Connection(transport);
  // ONNX is written by the server's executable (swift-protobuf); the WebAssembly engine has none.
  $("download-onnx").hidden = engine === "browser";
  window.backprop.connection = connection;
  connection.open();
}

/** Sends a message. An error shown for the last one goes as the student acts again: a refused
 * value corrected, a good file after a bad one — if this one fails too, its own error replaces it. */
function send(msg) {
  if (banner.error) showBanner("");
  // A lesson step that asks for a prediction trains only once the student has made one.
  if (["play", "step", "seeds"].includes(msg.type) && awaitingPrediction()) {
    showBanner("Commit to your prediction in the lesson first: training waits for it.");
    return false;
  }
  return post(msg);
}
/** Sends what the page asks by itself (the chain-rule panel following training): no action of the student's. */
function post(msg) { return connection ? connection.send(msg) : false; }
function set(key, value) { send({ type: "set", key, value: String(value) }); }
function configure(settings) { send({ type: "configure", settings }); }

function onStatus(status, retryIn) {
  state.connection = status;
  setEnabled(status === "open");
  const el = $("status");
  el.className = status;
  if (status === "open") {
    lastSeq = -1;
    lessonConnected();
    el.textContent = connection instanceof WorkerConnection ? "in this browser" : "connected";
    if (banner.sticky === "disconnected") showBanner("");
  }
  else if (status === "closed") {
    el.textContent = "disconnected";
    // Nothing trains while the engine is away: the play button and the pace say so.
    $("play").textContent = "▶"; $("play").setAttribute("aria-label", "play");
    $("eps").textContent = "0"; $("fps").textContent = "0";
    showBanner(connection instanceof WorkerConnection
      ? `The engine stopped: starting it again in ${retryIn} s. Training, settings and weights come back.`
      : `Disconnected from the server: reconnecting in ${retryIn} s. Training, settings and weights come back when it is up again.`, "disconnected");
  } else el.textContent = "connecting…";
}

function onMessage(m) {
  if (m.type === "snapshot") onSnapshot(m);
  else if (m.type === "data") onData(m);
  else if (m.type === "error") showBanner(m.message);
  else if (m.type === "file") download(m);
  else if (m.type === "explanation") renderExplanation(m);
  else if (m.type === "byHand") renderByHandResult(m);
}

function onData(m) {
  state.data = m;
  acceptSettings(m.settings, true);
}

/** The server's settings are the page's: the URL and the controls follow them. */
function acceptSettings(settings, force) {
  const key = JSON.stringify(settings);
  if (!force && key === settingsKey) return;
  settingsKey = key; state.settings = settings;
  writeHash(settings);
  syncControls();
}

function onSnapshot(s) {
  // Two server tasks send snapshots; one made earlier can arrive later: keep the newest.
  if (s.seq <= lastSeq) return;
  lastSeq = s.seq;
  addHistory(s.history, s.epoch);
  addNorms(s);
  if (s.seeds) renderSeeds(s.seeds);
  state.snap = s;
  acceptSettings(s.settings, false);
  const now = performance.now();
  frames.push([now, s.epoch]); while (frames.length && now - frames[0][0] > 1000) frames.shift();
  const running = s.state === "running";
  $("epoch").textContent = s.epoch.toLocaleString("en-US");
  $("test-loss").textContent = fmt(s.testLoss);
  $("train-loss").textContent = fmt(s.trainLoss);
  // Regression has no accuracy: its row is the test R² (the training one beside it stays "–").
  $("accuracy-label").textContent = s.testAccuracy == null && s.r2 != null ? "Test R²" : "Test accuracy";
  $("test-accuracy").textContent = s.testAccuracy == null ? (s.r2 == null ? "–" : fmt(s.r2)) : fmt(s.testAccuracy);
  $("train-accuracy").textContent = s.trainAccuracy == null ? "–" : fmt(s.trainAccuracy);
  const span = frames.length > 1 ? (frames[frames.length - 1][0] - frames[0][0]) / 1000 : 0;
  $("eps").textContent = running && span > 0 ? Math.round((frames[frames.length - 1][1] - frames[0][1]) / span).toLocaleString("en-US") : "0";
  $("fps").textContent = running ? frames.length : 0;
  const play = $("play");
  play.textContent = running ? "❚❚" : "▶"; play.setAttribute("aria-label", running ? "pause" : "play");
  $("command-text").textContent = s.command;
  // What the link and the command will not reproduce (a change mid-run no setting can say).
  $("unreproduced").textContent = s.unreproduced || "";
  $("unreproduced").hidden = !s.unreproduced;
  // The rate in force, where the schedule has moved it from the first rate the menu shows.
  const rateNow = s.learningRate != null && s.learningRate !== Number(s.settings.lr) ? s.learningRate : null;
  $("lr-now").textContent = rateNow == null ? "" : `(now ${Number(rateNow.toPrecision(6))})`;
  // Divergence: one banner when it happens, gone after a reset.
  if (s.state === "diverged" && lastState !== "diverged") showBanner(`Training diverged: ${s.message}. Lower the learning rate and press reset.`, "diverged");
  if (s.state !== "diverged" && banner.sticky === "diverged") showBanner("");
  lastState = s.state;
  showNotices([s.stopped, ...s.notices].filter(Boolean));
  redraw();
  refresh(post);
  renderCheck();
  save();
}

function redraw() {
  const s = state.snap; if (!s) return;
  renderNetwork(s);
  renderOutput();
  renderLossChart();
  renderNormChart();
  renderConfusion(s.confusion);
}

let noticeKey = "";
function showNotices(list) {
  const key = list.join("\n");
  if (key === noticeKey) return;
  noticeKey = key;
  const el = $("notices");
  el.innerHTML = "";
  for (const text of list) { const p = document.createElement("p"); p.textContent = text; el.appendChild(p); }
  el.hidden = !list.length;
}

/** Errors go away after a while; `sticky` ones (diverged, disconnected) stay until resolved. */
const banner = { sticky: null, timer: null, error: false };
function showBanner(text, sticky = null, info = false) {
  const b = $("banner");
  b.textContent = text; b.hidden = !text; b.classList.toggle("info", info);
  banner.sticky = text ? sticky : null;
  banner.error = Boolean(text) && !sticky && !info;
  clearTimeout(banner.timer);
  if (text && !sticky) banner.timer = setTimeout(() => { if (b.textContent === text) b.hidden = true; }, info ? 10000 : 8000);
}
function notify(text) { showBanner(text, null, true); }

function download(m) {
  const bytes = Uint8Array.from(atob(m.base64), c => c.charCodeAt(0));
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([bytes], { type: m.mime })); a.download = m.name; a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

// A link edited by hand (or followed) within the page: its settings, read as any link is.
window.addEventListener("hashchange", () => {
  const settings = readHash();
  showNote();
  if (!lessonFromLink(settings)) { state.history = []; configure(settings); }
});

/** A teacher's note from the link, in the messages' slot: text only, never markup. */
function showNote() {
  const el = $("link-note"), text = linkNote();
  el.textContent = text ? `Note with this link: ${text}` : "";
  el.hidden = !text;
}
showNote();

// The menus come from the server's vocabulary; without it the page cannot offer a choice,
// so it waits for it (and says so) before building its controls.
async function start() {
  for (;;) {
    try {
      Object.assign(vocabulary, await fetch("api/settings").then(r => { if (!r.ok) throw new Error(r.status); return r.json(); }));
      break;
    } catch {
      showBanner("Waiting for the server (backprop serve) …", "vocabulary");
      await new Promise(r => setTimeout(r, 1000));
    }
  }
  if (banner.sticky === "vocabulary") showBanner("");
  setupNetwork({ set, send, explain: (t, from) => explain(send, t, from),
    hover: (h) => { state.hovered = h; post(h ? { type: "focus", layer: h.layer, neuron: h.neuron } : { type: "focus" }); renderOutput(); } });
  setupChart();
  setupSeeds(send);
  setupByHand(send);
  // In a narrow window the settings fold behind one button (style.css); it says which way.
  const toggle = $("settings-toggle");
  toggle.onclick = () => { const open = document.querySelector("header").classList.toggle("open"); toggle.setAttribute("aria-expanded", String(open)); };
  setupControls({ set, send, configure, notify, notifyError: (text) => showBanner(text), redraw, openLesson,
    chooseSample: (k) => { chooseSample(send, k); renderOutput(); } });
  setEnabled(false);
  await Promise.all([
    fetch("palette.json").then(r => r.json()).then(setPalette).catch(() => {}),
    fetch("presets.json").then(r => r.json()).then(p => {
      state.presets = p;
      for (const preset of p) $("preset").add(new Option(preset.title, preset.name));
    }).catch(() => {}),
    fetch("lessons.json").then(r => r.ok ? r.json() : []).catch(() => []).then(l => { state.lessons = l; }),
  ]);
  setupLessons(state.lessons, { configure, post, notify });
  openLinkedLesson();
  await connect();
}
start();

// For the browser test: the connection (to send a malformed message as a broken page would).
window.backprop = { connection: null, state, linkPoint, pinnedCurves };
