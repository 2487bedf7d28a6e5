// The page's session in the WebAssembly module (scripts/build-wasm.sh), driven as the page's
// worker drives it (Sources/PlaygroundServer/Page/js/engine-worker.js): each message answered,
// then frames until training stops. Prints every reply's type (a download's name and base64)
// (an explanation whole) and, last, the final snapshot.
//   node Tests/Wasm/session.mjs .build-wasm/backprop.wasm '[{"type":"configure","settings":{…}},{"type":"play"}]'
import fs from 'node:fs';

const [wasmPath, script] = process.argv.slice(2);
if (!wasmPath || !script) { console.error("usage: node session.mjs BACKPROP.wasm MESSAGES-JSON"); process.exit(2); }
const { instance } = await WebAssembly.instantiate(fs.readFileSync(wasmPath), { env: { now: () => performance.now() } });
const e = instance.exports;
const encoder = new TextEncoder(), decoder = new TextDecoder();
const output = (n) => decoder.decode(new Uint8Array(e.memory.buffer, e.bp_output(), n));
const session = e.bp_session_new();
let last = null;
const take = (text) => {
  for (const line of text.split("\n")) {
    if (!line) continue;
    const m = JSON.parse(line);
    if (m.type === "snapshot") last = line;
    else if (m.type === "file") console.log(`file ${m.name} ${m.base64}`);
    else if (m.type === "explanation") console.log(`explanation ${line}`);
    else console.log(`reply ${m.type}${m.message ? ": " + m.message : ""}`);
  }
};
for (const message of JSON.parse(script)) {
  const bytes = encoder.encode(JSON.stringify(message));
  const p = e.bp_alloc(bytes.length);
  new Uint8Array(e.memory.buffer, p, bytes.length).set(bytes);
  take(output(e.bp_session_respond(session, p, bytes.length)));
  e.bp_free(p);
  while (e.bp_session_is_training(session)) take(output(e.bp_session_frame(session)));
}
console.log(`final ${last}`);
