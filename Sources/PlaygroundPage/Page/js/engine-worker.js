// The page's session inside the browser: the Swift engine compiled to WebAssembly
// (scripts/build-wasm.sh), the same LiveSession the server runs behind its WebSocket, trained
// here in a worker so that drawing never waits for it. Messages in and replies out are the
// WebSocket's JSON texts, one protocol for both transports (worker-connection.js).

// The server's pace (Connection.swift): a frame every 30 ms at most. The module trains 24 ms
// of it (its frameBudget) and makes the snapshot; the page draws on its own thread meanwhile.
const framePeriod = 30;

let wasm = null, session = 0, timer = null;
const waiting = [];

const encoder = new TextEncoder(), decoder = new TextDecoder();
const output = (length) => decoder.decode(new Uint8Array(wasm.memory.buffer, wasm.bp_output(), length));

function post(lines) {
  for (const line of lines.split("\n")) if (line) postMessage(line);
}

function respond(text) {
  const bytes = encoder.encode(text);
  const p = wasm.bp_alloc(bytes.length);
  new Uint8Array(wasm.memory.buffer, p, bytes.length).set(bytes);
  const n = wasm.bp_session_respond(session, p, bytes.length);
  wasm.bp_free(p);
  post(output(n));
  pumpSeeds();
  schedule();
}

// "Run seeds" on every core: helper workers (seed-worker.js), one per core beyond this one,
// each with its own instance of the module, take the seeds this session's frames have not.
const helperCount = Math.max(0, Math.min(7, (navigator.hardwareConcurrency || 2) - 1));
const helpers = [];

function pumpSeeds() {
  for (;;) {
    let h = helpers.find(h => h.seed === null);
    if (!h) {
      if (helpers.length >= helperCount) return;
      h = newHelper();
    }
    const n = wasm.bp_session_seed_task(session);
    if (n === 0) return;
    const task = output(n);
    const { job, seed } = JSON.parse(task);
    h.job = job; h.seed = seed;
    h.worker.postMessage(task);
  }
}

function newHelper() {
  const h = { worker: new Worker(new URL("./seed-worker.js", import.meta.url), { type: "module" }), job: null, seed: null };
  h.worker.onmessage = (e) => helperDone(h, e.data);
  // A helper that failed gives its seed back: the session's frames train it.
  h.worker.onerror = (e) => {
    e.preventDefault();
    const failed = JSON.stringify({ job: h.job, seed: h.seed, error: e.message || "the helper stopped" });
    helpers.splice(helpers.indexOf(h), 1);
    h.worker.terminate();
    helperDone(h, failed);
  };
  helpers.push(h);
  return h;
}

function helperDone(h, text) {
  h.job = null; h.seed = null;
  try {
    const bytes = encoder.encode(text);
    const p = wasm.bp_alloc(bytes.length);
    new Uint8Array(wasm.memory.buffer, p, bytes.length).set(bytes);
    wasm.bp_session_seed_done(session, p, bytes.length);
    wasm.bp_free(p);
    // The page hears the result now: the last seed may end the job after the frames stopped.
    const n = wasm.bp_session_snapshot(session);
    if (n > 0) postMessage(output(n));
    pumpSeeds();
    schedule();
  } catch (error) { crashed(error); }
}

function schedule() {
  if (timer === null && wasm.bp_session_is_training(session)) timer = setTimeout(frame, 0);
}

function frame() {
  timer = null;
  const start = performance.now();
  const n = wasm.bp_session_frame(session);
  if (n > 0) postMessage(output(n));
  if (wasm.bp_session_is_training(session)) timer = setTimeout(frame, Math.max(0, framePeriod - (performance.now() - start)));
}

// A trap is a bug in the engine, never the student's doing: say so and end this worker; the
// page starts a new one and restores its session, as after a lost connection.
function crashed(error) {
  let printed = "";
  try { printed = decoder.decode(new Uint8Array(wasm.memory.buffer, wasm.bp_console(), wasm.bp_console_length())).trim(); } catch (_) {}
  postMessage(JSON.stringify({ type: "crash", message: `the engine stopped (${printed || (error && error.message) || error})` }));
  close();
}

onmessage = (event) => {
  if (!wasm) { waiting.push(event.data); return; }
  try { respond(event.data); } catch (error) { crashed(error); }
};

(async () => {
  try {
    const imports = { env: { now: () => performance.now() } };
    const url = new URL("../backprop.wasm", import.meta.url);
    // Streaming compiles while the bytes arrive, but needs the server to say application/wasm;
    // a web space that does not is served from the bytes instead.
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url.pathname}: HTTP ${response.status}`);
    const { instance } = response.headers.get("Content-Type") === "application/wasm"
      ? await WebAssembly.instantiateStreaming(response, imports)
      : await WebAssembly.instantiate(await response.arrayBuffer(), imports);
    wasm = instance.exports;
    session = wasm.bp_session_new();
    postMessage(JSON.stringify({ type: "ready" }));
    for (const text of waiting.splice(0)) respond(text);
  } catch (error) {
    postMessage(JSON.stringify({ type: "crash", message: `the engine could not start (${error && error.message || error})` }));
    close();
  }
})();

// Frames run from timers: a trap there ends the worker the same way.
self.addEventListener("error", (event) => { event.preventDefault(); crashed(event.error || event.message); });
