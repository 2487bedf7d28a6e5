// One seed task (LiveSession.runSeedTask) in the WebAssembly module, as the browser's helper
// workers run it (Sources/PlaygroundPage/Page/js/seed-worker.js); prints its result.
//   node Tests/Wasm/seed.mjs .build-wasm/backprop.wasm TASK-JSON
import fs from 'node:fs';

const [wasmPath, task] = process.argv.slice(2);
if (!wasmPath || !task) { console.error("usage: node seed.mjs BACKPROP.wasm TASK-JSON"); process.exit(2); }
const { instance } = await WebAssembly.instantiate(fs.readFileSync(wasmPath), { env: { now: () => performance.now() } });
const e = instance.exports;
const bytes = new TextEncoder().encode(task);
const p = e.bp_alloc(bytes.length);
new Uint8Array(e.memory.buffer, p, bytes.length).set(bytes);
const n = e.bp_seed_run(p, bytes.length);
console.log(new TextDecoder().decode(new Uint8Array(e.memory.buffer, e.bp_output(), n)));
