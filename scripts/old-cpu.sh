#!/usr/bin/env bash
# The default release build on a CPU without AVX: the sheet's moons under
# `qemu-x86_64 -cpu Nehalem` (Debian's qemu-user), with BACKPROP_KERNELS asking for AVX-512.
# Passes when the binary says it cannot run that path, falls back to the vector128 path (SSE2, what every x86-64 has), and trains the
# moons to the README's test accuracy 0.9533 — i.e. no AVX instruction ran before the CPU was asked.
#
#   scripts/old-cpu.sh "$(swift build -c release --show-bin-path)/backprop"
#
# A control first: a program built with -mavx2 must die of SIGILL under the same emulated CPU,
# or this check would prove nothing. (The test loss differs from a native baseline run in the
# fourth digit: glibc picks its exp/log variants by CPU too.)
set -euo pipefail
BACKPROP=${1:?usage: scripts/old-cpu.sh path/to/backprop}
if [ "$(uname -m)" != x86_64 ]; then echo "old-cpu: skipped (not x86-64)"; exit 0; fi
if ! command -v qemu-x86_64 >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user >/dev/null
fi
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
CLANG="$(dirname "$(readlink -f "$(command -v swift)")")/clang"

cat > "$SCRATCH/avx.c" <<'C'
#include <immintrin.h>
#include <stdio.h>
int main(int argc, char **argv) {
    (void)argv;
    __m256 v = _mm256_set1_ps((float)argc);
    v = _mm256_fmadd_ps(v, v, v);
    printf("%f\n", _mm256_cvtss_f32(v));
    return 0;
}
C
"$CLANG" -O1 -mavx2 -mfma "$SCRATCH/avx.c" -o "$SCRATCH/avx"
set +e
# Through an inner shell: it reports the emulated SIGILL to its own (silenced) standard error.
bash -c 'qemu-x86_64 -cpu Nehalem "$1"; exit $?' old-cpu "$SCRATCH/avx" >/dev/null 2>&1
control=$?
set -e
if [ "$control" -ne 132 ]; then
  echo "old-cpu: FAILED: an AVX2 program under qemu -cpu Nehalem exited $control, not 132 (SIGILL); the check would prove nothing" >&2
  exit 1
fi
echo "old-cpu: control: an AVX2+FMA program dies of SIGILL under -cpu Nehalem"

started=$SECONDS
BACKPROP_KERNELS=avx512 qemu-x86_64 -cpu Nehalem "$BACKPROP" train --out "$SCRATCH/moons" > "$SCRATCH/out" 2> "$SCRATCH/err"
warning=$(grep '^warning: BACKPROP_KERNELS' "$SCRATCH/err" || true)
result=$(grep '^test accuracy' "$SCRATCH/out" || true)
echo "old-cpu: $warning"
echo "old-cpu: $result ($((SECONDS - started)) s under emulation)"
[[ "$warning" == *"cannot run it; using vector128"* ]] || { echo "old-cpu: FAILED: no fallback to the vector128 path (SSE2) said" >&2; cat "$SCRATCH/err" >&2; exit 1; }
[[ "$result" == "test accuracy 0.9533 "* ]] || { echo "old-cpu: FAILED: the moons did not reach 0.9533" >&2; exit 1; }
echo "old-cpu: passed"
