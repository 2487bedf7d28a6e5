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
# The engine's files that a tab needs; the rest (files, JSON through Foundation) stay native.
engine="Activation Architecture BackpropError Dataset DispatchedKernels Initializer KernelPath Kernels
        LearningRateSchedule LibM Limits Matrix Metrics NameKey NarrowPass Network Optimizer OutputHead
        RandomSource Regularization Scalar StopSignal Trace Trainer TrainingSettings VectorMath Workspace"
sources=()
for f in $engine; do sources+=("Sources/Backprop/$f.swift"); done
exports=(bp_alloc bp_free bp_error_message bp_trainer_new bp_trainer_fit bp_trainer_epoch
         bp_trainer_parameters bp_trainer_loss bp_trainer_free bp_console bp_console_length)
clang --target=wasm32 -O2 -msimd128 -isystem /usr/include/wasm32-wasi -ISources/CKernels/include \
  -c Sources/CKernels/dispatch.c -o "$out/dispatch.o"
clang --target=wasm32 -O2 -c Wasm/console.c -o "$out/console.o"
swiftc -target wasm32-unknown-none-wasm -enable-experimental-feature Embedded -wmo -O \
  -parse-as-library -module-name Backprop -Xfrontend -disable-stack-protector \
  -I "$out/module" -Xcc -isystem -Xcc /usr/include/wasm32-wasi -Xcc -msimd128 \
  "${sources[@]}" Wasm/Exports.swift -o "$out/backprop.wasm" \
  -Xclang-linker -nostdlib -Xlinker --no-entry \
  $(for e in "${exports[@]}"; do printf -- '-Xlinker --export=%s ' "$e"; done) \
  -Xlinker "$out/dispatch.o" -Xlinker "$out/console.o" -Xlinker "$unicode" -Xlinker "$libc" -Xlinker "$builtins"
echo "$out/backprop.wasm: $(wc -c < "$out/backprop.wasm") bytes, $(gzip -9 -c "$out/backprop.wasm" | wc -c) gzipped"
