#!/usr/bin/env bash
# Backprop against numpy, scikit-learn, JAX, numba's hand-written loops (the strongest peer:
# variant mvec on W1/W2, blas on W3) and PyTorch with WITH_TORCH=1 on the shared workloads W1–W3,
# in one run, interleaved, one thread each (pinned to CPU 0 with taskset); and the engine as
# WebAssembly under node (float64; when .build-wasm/backprop.wasm and node are there), the row of
# the page in the browser.
#
#   bash scripts/compare-peers.sh                 # ROUNDS=2 REPS=3, numpy + sklearn + jax
#   WITH_TORCH=1 ROUNDS=3 bash scripts/compare-peers.sh
#   WORKLOADS=w1,w3 DTYPES=float32 bash scripts/compare-peers.sh
#
# Needs ../shared/peers (or SHARED=path/to/shared) and PyPI. Everything it installs or writes
# lives in .build-peers/ (git-ignored): a copy of the peers, a virtual environment, results.jsonl.
# Prints a table of median seconds and ratios (peer ÷ Backprop's default build), the single-core
# sgemm/dgemm peak and each Backprop row's fraction of its FLOP bound, library versions and the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared}
SCRATCH=${SCRATCH:-.build-peers}
ROUNDS=${ROUNDS:-2}
REPS=${REPS:-3}
WORKLOADS=${WORKLOADS:-w1,w2,w3}
DTYPES=${DTYPES:-float32,float64}

[ -d "$SHARED/peers" ] || { echo "error: $SHARED/peers not found; set SHARED=path/to/shared" >&2; exit 2; }
mkdir -p "$SCRATCH"
rm -rf "$SCRATCH/peers" && cp -r "$SHARED/peers" "$SCRATCH/peers" && chmod -R u+w "$SCRATCH/peers"
if [ ! -x "$SCRATCH/venv/bin/python" ]; then python3 -m venv "$SCRATCH/venv"; fi
PY="$SCRATCH/venv/bin/python"
PKGS="numpy scikit-learn threadpoolctl jax[cpu] safetensors numba"
[ "${WITH_TORCH:-0}" = 1 ] && PKGS="$PKGS torch"
"$PY" -m pip install --quiet --disable-pip-version-check $PKGS

# Two builds of Backprop: the default one (what `swift build -c release` gives any user) and the
# native one, compiled for this CPU (AVX2 here) with -target-cpu and, when the CPU has fused
# multiply-add, the package's FMA trait; see docs/performance.md, "Fast build". FMA=0 leaves the trait off.
TARGET_CPU=${TARGET_CPU:-native}
if [ -z "${FMA:-}" ]; then
  if [ "$(uname -m)" = aarch64 ] || grep -qw fma /proc/cpuinfo 2>/dev/null; then FMA=1; else FMA=0; fi
fi
swift build -c release --product backprop-bench
BENCH="$(swift build -c release --show-bin-path)/backprop-bench"
NATIVE_FLAGS=(--scratch-path .build-native -Xswiftc -target-cpu -Xswiftc "$TARGET_CPU")
[ "$FMA" = 1 ] && NATIVE_FLAGS+=(--traits FMA)
echo "+ native build: ${NATIVE_FLAGS[*]}" >&2
swift build -c release --product backprop-bench "${NATIVE_FLAGS[@]}"
BENCH_NATIVE="$(swift build -c release --show-bin-path "${NATIVE_FLAGS[@]}")/backprop-bench"

export BENCH_RESULTS="$PWD/$SCRATCH/results.jsonl"
rm -f "$BENCH_RESULTS"
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE OMP_WAIT_POLICY
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 BENCH_THREADS=1
export XLA_FLAGS="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
PIN="taskset -c 0"

# The machine's single-core matrix-multiply peak (numpy/OpenBLAS 1024³ sgemm and dgemm): the table
# gives each Backprop row's fraction of the FLOP bound at it.
echo "+ peak.py (numpy 1024³, float32 and float64)" >&2
$PIN "$PY" "$SCRATCH/peers/peak.py" --threads 1 --libs numpy --sizes 1024 >&2

peer() { # script workload dtype [variant]
  local v=${4:+--variant $4}
  echo "+ $1 $2 $3 ${4:-}" >&2
  $PIN "$PY" "$SCRATCH/peers/$1" --workload "$2" --dtype "$3" --threads 1 --reps "$REPS" $v > /dev/null 2>"$SCRATCH/last.err" \
    || echo "  failed: $(tail -n 2 "$SCRATCH/last.err")" >&2
}

for R in $(seq 1 "$ROUNDS"); do
  for W in ${WORKLOADS//,/ }; do
    for DT in ${DTYPES//,/ }; do
      echo "+ [round $R] backprop $W $DT" >&2
      $PIN "$BENCH" --workload "$W" --dtype "$DT" --reps "$REPS" | grep '^{' >> "$BENCH_RESULTS"
      echo "+ [round $R] backprop-native $W $DT" >&2
      $PIN "$BENCH_NATIVE" --workload "$W" --dtype "$DT" --reps "$REPS" --label backprop-native | grep '^{' >> "$BENCH_RESULTS"
      peer bench_numpy.py "$W" "$DT"
      peer bench_jax.py "$W" "$DT" loop
      [ "$W" != w2 ] && peer bench_sklearn.py "$W" "$DT" shared
      if [ "$W" = w3 ]; then peer bench_numba.py "$W" "$DT" blas; else peer bench_numba.py "$W" "$DT" mvec; fi
      if [ "$DT" = float64 ] && [ -f .build-wasm/backprop.wasm ] && command -v node >/dev/null; then
        echo "+ [round $R] backprop-wasm $W float64 (node)" >&2
        $PIN node scripts/wasm-bench.mjs .build-wasm/backprop.wasm --workload "$W" --reps "$REPS" >> "$BENCH_RESULTS"
      fi
      [ "${WITH_TORCH:-0}" = 1 ] && peer bench_torch.py "$W" "$DT"
    done
  done
done

echo "backprop-native = swift build -c release ${NATIVE_FLAGS[*]:2}"
"$PY" scripts/compare_peers_table.py "$BENCH_RESULTS"
echo
"$PY" -c "import numpy, sklearn, jax, numba, sys; print('peer versions: python', sys.version.split()[0], '· numpy', numpy.__version__, '· scikit-learn', sklearn.__version__, '· jax', jax.__version__, '· numba', numba.__version__)"
command -v node >/dev/null && echo "node $(node --version) (backprop-wasm)"
[ "${WITH_TORCH:-0}" = 1 ] && "$PY" -c "import torch; print('torch', torch.__version__)"
exit 0
