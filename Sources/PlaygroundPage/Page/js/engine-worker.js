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
  schedule();
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
