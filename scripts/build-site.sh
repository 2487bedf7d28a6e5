#!/usr/bin/env bash
# The playground as a static site in one command: the engine as WebAssembly, then the page
# around it (backprop site). Serve the folder with any static file server.
#   scripts/build-site.sh DIR      # then: python3 -m http.server -d DIR
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: scripts/build-site.sh DIR" >&2; exit 2; }
dir=$(realpath -m -- "$1")
cd "$(dirname "$0")/.."
scripts/build-wasm.sh
swift run -c release backprop site "$dir" --wasm .build-wasm/backprop.wasm
