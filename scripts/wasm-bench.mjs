// The WebAssembly engine on W1–W3 under node (float64, the page's precision), timed as
// backprop-bench times the native builds: a warm-up run, then `reps` runs from the same initial
// weights. Prints one JSON line per workload in the peers' results format (compare-peers.sh
// appends them to its table as the browser's row).
//   node scripts/wasm-bench.mjs .build-wasm/backprop.wasm --workload w1 --reps 3
import os from 'node:os';
import { loadModule, loadFixture, workloads } from '../Tests/Wasm/module.mjs';

const args = process.argv.slice(2);
const wasmPath = args[0];
const option = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const names = option('--workload', 'w1,w2,w3').split(',');
const reps = Number(option('--reps', '3'));
if (!wasmPath || !(reps >= 1) || names.some((n) => !workloads[n])) {
  console.error('usage: node scripts/wasm-bench.mjs BACKPROP.wasm [--workload w1,w2,w3] [--reps N]');
  process.exit(2);
}
const { e, trainer, errorMessage, parameters, loss, flat } = loadModule(wasmPath);
for (const name of names) {
  const w = workloads[name], g = loadFixture(w.file);
  let result = null;
  const run = () => {
    const h = trainer(g, w.options);
    const start = performance.now();
    if (!e.bp_trainer_fit(h, w.epochs)) throw new Error(errorMessage());
    const seconds = (performance.now() - start) / 1000;
    // What the native bench reports beside the time: the test loss and, where numpy's float64
    // parameters after these epochs are in the fixture, the largest difference from them.
    const after = g.after.find((a) => a.epochs === w.epochs && a.layers);
    const expected = after && name !== 'w2' ? flat(after.layers) : null;
    const got = expected ? parameters(h, expected.length) : null;
    result = {
      test_loss: loss(h, g.x_test, g.y_test),
      max_param_diff_vs_numpy_f64: expected ? Math.max(...expected.map((v, i) => Math.abs(v - got[i]))) : null,
    };
    e.bp_trainer_free(h);
    return seconds;
  };
  const first = run();
  const times = Array.from({ length: reps }, run);
  const sorted = [...times].sort((a, b) => a - b);
  console.log(JSON.stringify({
    workload: name, impl: 'backprop-wasm', variant: `node ${process.versions.node}`, dtype: 'float64', threads: 1, reps,
    median_s: sorted[Math.floor(reps / 2)], min_s: sorted[0], max_s: sorted[reps - 1], times_s: times, first_s: first,
    ...result, kernels: 'vector128 (SIMD128)', mallocs_per_step: null, cpu: os.cpus()[0]?.model, when: new Date().toISOString(),
  }));
}
