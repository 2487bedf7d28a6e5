// The engine's WebAssembly module under node, for the checks (engine.mjs) and the benchmark
// (scripts/wasm-bench.mjs): the module loaded as a page loads it, its trainer entry points, and
// the golden workloads W1–W3 as Backprop's bench defines them (Sources/BackpropBench/Workload.swift).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, '..', 'Fixtures');
export const loadFixture = (name) => JSON.parse(fs.readFileSync(path.join(fixtures, `${name}.json`), 'utf8'));

/** W1–W3: the fixture, the trainer's settings, the epochs the bench trains. */
export const workloads = {
  w1: { file: 'w1_moons', epochs: 10000, options: { activation: 'tanh', head: 'sigmoid_bce', batch: 0, rate: 3 } },
  w2: { file: 'w2_spiral', epochs: 5000, options: { activation: 'relu', head: 'tanh_mse', batch: 10, rate: 0.003, changeEpoch: 4000, rateAfter: 0.001 } },
  w3: { file: 'w3_digits', epochs: 50, options: { activation: 'relu', head: 'softmax_ce', batch: 32, rate: 0.1, orders: 'fixture' } },
};

export function loadModule(wasmPath) {
  const module = new WebAssembly.Module(fs.readFileSync(wasmPath));
  // A page gives the module one function, its clock (a session's frame budget); nothing else.
  const imports = WebAssembly.Module.imports(module);
  if (imports.length !== 1 || imports[0].module !== 'env' || imports[0].name !== 'now') {
    console.error(`the module imports ${JSON.stringify(imports)}; a page gives it only env.now`);
    process.exit(1);
  }
  const e = new WebAssembly.Instance(module, { env: { now: () => performance.now() } }).exports;

  // Views are made afresh after every call: memory may grow, which detaches the old buffer.
  const put = (Type, values) => {
    const p = e.bp_alloc(values.length * Type.BYTES_PER_ELEMENT);
    new Type(e.memory.buffer, p, values.length).set(values);
    return p;
  };
  const bytes = (text) => { const b = new TextEncoder().encode(text); return [put(Uint8Array, b), b.length]; };
  const errorMessage = () => {
    const p = e.bp_alloc(1024), n = e.bp_error_message(p, 1024);
    const text = new TextDecoder().decode(new Uint8Array(e.memory.buffer, p, Math.min(n, 1024)));
    e.bp_free(p);
    return text;
  };
  const flat = (layers) => layers.flatMap((l) => [...l.weight.flat(), ...l.bias]);

  function trainer(g, { activation, head, batch, rate, changeEpoch = 0, rateAfter = 0, orders = null }) {
    if (orders === 'fixture') orders = g.epoch_permutations;
    const [actP, actN] = bytes(activation), [headP, headN] = bytes(head);
    const sizes = put(Int32Array, g.layer_sizes), params = put(Float64Array, flat(g.initial));
    const x = put(Float64Array, g.x_train.flat()), y = put(Float64Array, g.y_train);
    const o = orders ? put(Int32Array, orders.flat()) : 0;
    const h = e.bp_trainer_new(sizes, g.layer_sizes.length, actP, actN, headP, headN, params, x, y, g.y_train.length,
                               batch, rate, changeEpoch, rateAfter, o, orders ? orders.length : 0);
    if (!h) throw new Error(errorMessage());
    return h;
  }

  function parameters(h, count) {
    const p = e.bp_alloc(count * 8);
    const n = e.bp_trainer_parameters(h, p);
    const out = Array.from(new Float64Array(e.memory.buffer, p, n));
    e.bp_free(p);
    return out;
  }

  function loss(h, xs, ys) {
    const x = put(Float64Array, xs.flat()), y = put(Float64Array, ys);
    const l = e.bp_trainer_loss(h, x, y, ys.length);
    e.bp_free(x); e.bp_free(y);
    return l;
  }

  return { e, put, bytes, errorMessage, flat, trainer, parameters, loss };
}
