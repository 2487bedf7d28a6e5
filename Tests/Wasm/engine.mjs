// The WebAssembly engine (scripts/build-wasm.sh) on the golden trajectories, under node:
// W1–W3 from numpy's float64 initial weights, compared with numpy's parameters at every listed
// epoch to 1e-11 of the largest parameter's size, like every native path (GoldenTests.swift).
//   node Tests/Wasm/engine.mjs .build-wasm/backprop.wasm              # the checks
//   node Tests/Wasm/engine.mjs .build-wasm/backprop.wasm --w1-bits    # W1's final parameters as bits
// Ends with "N passed, M failed"; exits 1 when any check failed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, '..', 'BackpropTests', 'Fixtures');
const [wasmPath, mode] = process.argv.slice(2);
if (!wasmPath) { console.error('usage: node engine.mjs BACKPROP.wasm [--w1-bits]'); process.exit(2); }

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

const load = (name) => JSON.parse(fs.readFileSync(path.join(fixtures, `${name}.json`), 'utf8'));
let passed = 0, failed = 0;
function check(ok, line) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${line}`);
  ok ? passed++ : failed++;
}

function follow(label, g, h, upTo = Infinity) {
  let last = null;
  for (const after of g.after.filter((a) => a.epochs <= upTo)) {
    if (!e.bp_trainer_fit(h, after.epochs - e.bp_trainer_epoch(h))) throw new Error(errorMessage());
    const expected = flat(after.layers), got = parameters(h, expected.length);
    const size = Math.max(...expected.map(Math.abs));
    const diff = Math.max(...expected.map((v, i) => Math.abs(v - got[i])));
    check(got.length === expected.length && diff <= 1e-11 * size,
          `${label} after ${after.epochs} epochs: max difference ${diff.toExponential(2)} (bound ${(1e-11 * size).toExponential(2)})`);
    last = got;
  }
  return last;
}

const w1 = load('w1_moons');
const h1 = trainer(w1, { activation: 'tanh', head: 'sigmoid_bce', batch: 0, rate: 3 });
const w1Final = follow('W1 moons 2-10-1 tanh', w1, h1);
if (mode === '--w1-bits') {
  const bits = new BigUint64Array(new Float64Array(w1Final).buffer);
  console.log(`w1-bits ${Array.from(bits, (b) => b.toString(16).padStart(16, '0')).join(',')}`);
}

const w2 = load('w2_spiral');
const h2 = trainer(w2, { activation: 'relu', head: 'tanh_mse', batch: 10, rate: 0.003, changeEpoch: 4000, rateAfter: 0.001 });
// Past 2,000 epochs a ReLU kink amplifies rounding (numpy and JAX end 0.002 apart), so at
// 5,000 the test loss is compared with numpy's, as natively.
follow('W2 spiral 2-6×6-1 ReLU', w2, h2, 2000);
e.bp_trainer_fit(h2, 5000 - e.bp_trainer_epoch(h2));
const numpyLoss = w2.after.find((a) => a.epochs === 5000).test_loss;
const l2 = loss(h2, w2.x_test, w2.y_test);
check(Math.abs(l2 - numpyLoss) < 0.01, `W2 test loss after 5000 epochs: ${l2.toFixed(4)}, numpy's ${numpyLoss.toFixed(4)}`);

const w3 = load('w3_digits');
const h3 = trainer(w3, { activation: 'relu', head: 'softmax_ce', batch: 32, rate: 0.1, orders: w3.epoch_permutations });
follow('W3 digits 64-128-10 softmax', w3, h3);

// Bad input is an error with a message, not a trap.
const [badP, badN] = bytes('nope');
const bad = e.bp_trainer_new(put(Int32Array, [2, 1]), 2, badP, badN, badP, badN, put(Float64Array, [0, 0, 0]),
                             put(Float64Array, [0, 0]), put(Float64Array, [1]), 1, 0, 1, 0, 0, 0, 0);
check(bad === 0 && errorMessage().includes('no activation is called "nope"'), `a bad name is refused: ${errorMessage()}`);

// Sizes from the caller pass the limits before they size anything (a page is untrusted input).
const [tanhP, tanhN] = bytes('tanh'), [bceP, bceN] = bytes('sigmoid_bce');
const tooDeep = e.bp_trainer_new(put(Int32Array, [2, 1]), 2_000_000_000, tanhP, tanhN, bceP, bceN, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0);
check(tooDeep === 0 && errorMessage().includes('layer sizes'), `a layer count of 2e9 is refused: ${errorMessage()}`);
const tooMany = e.bp_trainer_new(put(Int32Array, [2, 1]), 2, tanhP, tanhN, bceP, bceN, put(Float64Array, [0, 0, 0]), 0, 0, 2_000_000_000, 0, 1, 0, 0, 0, 0);
check(tooMany === 0 && errorMessage().includes('samples'), `2e9 samples are refused: ${errorMessage()}`);

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
