// A helper of the engine's worker for "run seeds" on every core: its own instance of the
// module, which trains one seed task (LiveSession.runSeedTask) at a time to its end and sends
// the result back. The seed's run is the one the session would train itself, to the bit.
let wasm = null;
const waiting = [];
const encoder = new TextEncoder(), decoder = new TextDecoder();

function run(task) {
  const bytes = encoder.encode(task);
  const p = wasm.bp_alloc(bytes.length);
  new Uint8Array(wasm.memory.buffer, p, bytes.length).set(bytes);
  const n = wasm.bp_seed_run(p, bytes.length);
  wasm.bp_free(p);
  postMessage(decoder.decode(new Uint8Array(wasm.memory.buffer, wasm.bp_output(), n)));
}

onmessage = (event) => { if (wasm) run(event.data); else waiting.push(event.data); };

(async () => {
  const imports = { env: { now: () => performance.now() } };
  const bytes = await fetch(new URL("../backprop.wasm", import.meta.url)).then(r => {
    if (!r.ok) throw new Error(`backprop.wasm: HTTP ${r.status}`);
    return r.arrayBuffer();
  });
  wasm = (await WebAssembly.instantiate(bytes, imports)).instance.exports;
  for (const task of waiting.splice(0)) run(task);
})().catch((error) => { throw error; });   // the engine's worker hears it as an error and takes the seed back
