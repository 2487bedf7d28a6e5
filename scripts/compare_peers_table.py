"""Turns results.jsonl (Backprop's and the peers' JSON lines) into a table of median
seconds and ratios peer / Backprop's default build, per workload and dtype, then the machine's
single-core matrix-multiply peak (numpy's 1024³ sgemm/dgemm, peak.py) and each Backprop row's
fraction of the FLOP bound, with versions and machine."""
import json
import platform
import statistics
import subprocess
import sys
from collections import defaultdict

rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
times = defaultdict(list)
extra = {}
peaks = {}
for r in rows:
    if r.get("workload") == "peak" and r.get("impl") == "numpy":
        peaks[r["dtype"]] = max(peaks.get(r["dtype"], 0), r["gflops_best"])
    if r.get("workload") in ("failed", None) or "times_s" not in r:
        continue
    ours = r["impl"].startswith("backprop")
    name = r["impl"] + (f" ({r['variant']})" if r.get("variant") and not ours else "")
    key = (r["workload"], r["dtype"], name)
    times[key] += r["times_s"]
    if ours:
        extra[(r["workload"], r["dtype"], r["impl"])] = r

# Ratios are taken against the default build: what `swift build -c release` gives every user.
BASE = "backprop"
impls = sorted({k[2] for k in times}, key=lambda n: (n != BASE, not n.startswith("backprop"), n))
print(f"\nMedian seconds over all timed repetitions (one thread, pinned); ratio = time ÷ {BASE}'s time (>1: {BASE} faster)\n")
print("| workload | dtype | " + " | ".join(impls) + " |")
print("|---|---|" + "---|" * len(impls))
for w in ("w1", "w2", "w3"):
    for dt in ("float32", "float64"):
        base = times.get((w, dt, BASE))
        if not base:
            continue
        b = statistics.median(base)
        cells = []
        for i in impls:
            t = times.get((w, dt, i))
            if not t:
                cells.append("—")
            elif i == BASE:
                cells.append(f"{b:.4f}")
            else:
                m = statistics.median(t)
                cells.append(f"{m:.4f} ({m / b:.2f}×)")
        print(f"| {w} | {dt} | " + " | ".join(cells) + " |")
print("\nBackprop: max |Δθ| from numpy's float64 result, mallocs per step after warm-up")
for (w, dt, impl), r in sorted(extra.items()):
    d = r.get("max_param_diff_vs_numpy_f64")
    print(f"  {impl} {w} {dt}: max|Δθ| {'%.2e' % d if d is not None else 'n/a (W2 is chaotic after 2000 epochs)'}, "
          f"test loss {r.get('test_loss', float('nan')):.4f}, mallocs/step {r.get('mallocs_per_step')}, kernels {r.get('kernels', '?')}")
# FLOPs of the matrix products a training run does: per sample, the forward product and the
# weight gradient (2·in·out each for every layer) and the input gradient of every layer but the first.
SHAPES = {"w1": ([2, 10, 1], 350, 10_000), "w2": ([2, 6, 6, 6, 6, 6, 6, 1], 250, 5000), "w3": ([64, 128, 10], 1437, 50)}
def flops(w):
    sizes, samples, epochs = SHAPES[w]
    macs = [a * b for a, b in zip(sizes, sizes[1:])]
    return (4 * sum(macs) + 2 * sum(macs[1:])) * samples * epochs
if peaks:
    print("\nSingle-core matrix-multiply peak (numpy/OpenBLAS, 1024³, best of 7): "
          + ", ".join(f"{dt} {g:.1f} GFLOP/s" for dt, g in sorted(peaks.items())))
    print("Fraction of the FLOP bound (the matrix products' FLOPs at that peak ÷ the median time):")
    for (w, dt, impl), r in sorted(extra.items()):
        t = statistics.median(times[(w, dt, impl)])
        if dt in peaks:
            bound = flops(w) / (peaks[dt] * 1e9)
            print(f"  {impl} {w} {dt}: {flops(w) / 1e9:.2f} GFLOP, bound {bound:.4f} s, {100 * bound / t:.0f} % of peak")
versions = {}
for r in rows:
    for k in ("numpy", "jax", "jaxlib", "sklearn", "torch", "python"):
        if k in r and isinstance(r[k], str):
            versions[k] = r[k]
swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()
cpu = [l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")]
print("\nversions:", ", ".join(f"{k} {v}" for k, v in sorted(versions.items())) or "(peers record none)")
print("swift:", swift[0] if swift else "?")
print("machine:", platform.machine(), cpu[0] if cpu else "?", f"{len(cpu)} CPUs")
