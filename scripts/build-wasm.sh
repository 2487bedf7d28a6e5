#!/usr/bin/env bash
# Builds the engine as WebAssembly: Embedded Swift for wasm32-unknown-none-wasm, from the same
# source files as the native build, with Wasm/Exports.swift as its entry points and Debian's
# wasi-libc for malloc and <math.h>. Writes .build-wasm/backprop.wasm (no imports).
#   scripts/build-wasm.sh    # needs the Swift toolchain and: apt-get install wasi-libc libclang-rt-dev-wasm32
set -euo pipefail
cd "$(dirname "$0")/.."
libc=/usr/lib/wasm32-wasi/libc.a
[ -f "$libc" ] || { echo "build-wasm: needs Debian's wasi-libc ($libc); apt-get install wasi-libc" >&2; exit 2; }
# compiler-rt's builtins for wasm32 (128-bit multiplication: RandomSource's full-width products).
builtins=$(ls /usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a 2>/dev/null | head -1)
[ -n "$builtins" ] || { echo "build-wasm: needs compiler-rt's wasm32 builtins; apt-get install libclang-rt-dev-wasm32" >&2; exit 2; }
# String comparison (a name in a switch) normalises, with the toolchain's Unicode tables.
unicode="$(dirname "$(command -v swiftc)")/../lib/swift/embedded/wasm32-unknown-none-wasm/libswiftUnicodeDataTables.a"
out=.build-wasm
mkdir -p "$out/module"
# The C kernels' header as a module for the Swift compiler (SwiftPM writes this natively).
cat > "$out/module/module.modulemap" <<MAP
module CKernels {
    header "$PWD/Sources/CKernels/include/backprop_kernels.h"
    export *
}
MAP
# Each module from the same source files as natively, in the same dependency order; the files
# left out need Foundation (files, Codable JSON, sweeps), which a tab does not use.
engine="Activation Architecture BackpropError Dataset DispatchedKernels Inference Initializer JSON KernelPath Kernels Kernels+Heads Kernels+OneSample
        LearningRateSchedule LibM Limits Matrix Metrics NameKey NarrowPass Network Optimizer OutputHead PrintfText SineCosine
        RandomSource Regularization Scalar StopSignal Trace Trainer TrainingSettings VectorMath Workspace JSON+Engine SafetensorsFormat"
playground="Criterion Experiment Experiment+JSON Experiment+Settings Experiment+Values Setting Session Session+Explain Session+Plots RunExport PythonProgram SeedRun"
# PlaygroundSessions is the page's session and nothing else: all of it, whatever files it has.
sessions=$(cd Sources/PlaygroundSessions && ls *.swift | sed 's/\.swift$//')
files() { local dir=$1; shift; for f in $*; do printf '%s\n' "Sources/$dir/$f.swift"; done; }
exports=(bp_alloc bp_free bp_error_message bp_trainer_new bp_trainer_fit bp_trainer_epoch
         bp_trainer_parameters bp_trainer_loss bp_trainer_free bp_console bp_console_length
         bp_output bp_session_new bp_session_respond bp_session_frame bp_session_is_training bp_session_free
         bp_session_seed_task bp_session_seed_done bp_session_snapshot bp_seed_run
         bp_vocabulary bp_presets)
clang --target=wasm32 -O2 -msimd128 -isystem /usr/include/wasm32-wasi -ISources/CKernels/include \
  -c Sources/CKernels/dispatch.c -o "$out/dispatch.o"
# The C kernels for SIMD128 (kernels_vector128.c: no fused multiply-add, as natively on SSE2).
clang --target=wasm32 -O2 -msimd128 -isystem /usr/include/wasm32-wasi -ISources/CKernels/include \
  -c Sources/CKernels/kernels_vector128.c -o "$out/kernels_vector128.o"
clang --target=wasm32-wasi -O2 -isystem /usr/include/wasm32-wasi -c Wasm/libc.c -o "$out/libc.o"
# One Embedded Swift module: its objects and its interface for the modules above it.
module() {
  local name=$1; shift
  swiftc -target wasm32-unknown-none-wasm -enable-experimental-feature Embedded -enable-experimental-feature Extern \
    -wmo -O -parse-as-library -module-name "$name" -Xfrontend -disable-stack-protector \
    -I "$out/module" -Xcc -isystem -Xcc /usr/include/wasm32-wasi -Xcc -msimd128 \
    -emit-module -emit-module-path "$out/module/$name.swiftmodule" -c -o "$out/$name.o" "$@"
}
mapfile -t src < <(files Backprop $engine); module Backprop "${src[@]}"
mapfile -t src < <(ls Sources/Datasets/*.swift); module Datasets "${src[@]}"
# The CLI's figures (its PNG in stored deflate blocks: a tab has no zlib).
mapfile -t src < <(ls Sources/Plots/*.swift); module Plots "${src[@]}"
mapfile -t src < <(files Playground $playground); module Playground "${src[@]}"
mapfile -t src < <(files PlaygroundSessions $sessions); module PlaygroundSessions "${src[@]}"
module BackpropWasm Wasm/Exports.swift Wasm/SessionExports.swift
# Linked by clang's driver for wasm-ld: no C start files, no entry, only the exports above.
# The stack: 1 MB, placed first. wasm-ld's default is 64 KB after the data, and the chain rule's
# explanation (Embedded Swift keeps large values on the stack) needs more than 64 KB: it ran
# down into the module's data and trapped later somewhere else. First, an overflow traps at once
# (below address 0) instead of corrupting anything; 1 MB is eight times what a message needs.
clang --target=wasm32 -nostdlib -Wl,--no-entry -Wl,--stack-first -Wl,-z,stack-size=1048576 \
  $(for e in "${exports[@]}"; do printf -- '-Wl,--export=%s ' "$e"; done) \
  "$out"/{BackpropWasm,PlaygroundSessions,Playground,Plots,Datasets,Backprop}.o "$out/dispatch.o" "$out/kernels_vector128.o" "$out/libc.o" \
  "$unicode" "$libc" "$builtins" -o "$out/backprop.wasm"
echo "$out/backprop.wasm: $(wc -c < "$out/backprop.wasm") bytes, $(gzip -9 -c "$out/backprop.wasm" | wc -c) gzipped"
