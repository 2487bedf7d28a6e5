// The WebAssembly engine (scripts/build-wasm.sh) on the golden trajectories, under node:
// W1–W3 from numpy's float64 initial weights, compared with numpy's parameters at every listed
// epoch to 1e-11 of the largest parameter's size, like every native path (GoldenTests.swift).
//   node Tests/Wasm/engine.mjs .build-wasm/backprop.wasm              # the checks
//   node Tests/Wasm/engine.mjs .build-wasm/backprop.wasm --w1-bits    # W1's final parameters as bits
// Ends with "N passed, M failed"; exits 1 when any check failed.
import { loadModule, loadFixture, workloads } from './module.mjs';

const [wasmPath, mode] = process.argv.slice(2);
if (!wasmPath) { console.error('usage: node engine.mjs BACKPROP.wasm [--w1-bits]'); process.exit(2); }
const { e, put, bytes, errorMessage, flat, trainer, parameters, loss } = loadModule(wasmPath);

const load = loadFixture;
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
const h1 = trainer(w1, workloads.w1.options);
const w1Final = follow('W1 moons 2-10-1 tanh', w1, h1);
if (mode === '--w1-bits') {
  const bits = new BigUint64Array(new Float64Array(w1Final).buffer);
  console.log(`w1-bits ${Array.from(bits, (b) => b.toString(16).padStart(16, '0')).join(',')}`);
}

const w2 = load('w2_spiral');
const h2 = trainer(w2, workloads.w2.options);
// Past 2,000 epochs a ReLU kink amplifies rounding (numpy and JAX end 0.002 apart), so at
// 5,000 the test loss is compared with numpy's, as natively.
follow('W2 spiral 2-6×6-1 ReLU', w2, h2, 2000);
e.bp_trainer_fit(h2, 5000 - e.bp_trainer_epoch(h2));
const numpyLoss = w2.after.find((a) => a.epochs === 5000).test_loss;
const l2 = loss(h2, w2.x_test, w2.y_test);
check(Math.abs(l2 - numpyLoss) < 0.01, `W2 test loss after 5000 epochs: ${l2.toFixed(4)}, numpy's ${numpyLoss.toFixed(4)}`);

const w3 = load('w3_digits');
const h3 = trainer(w3, workloads.w3.options);
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
