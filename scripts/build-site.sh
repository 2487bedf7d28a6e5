#!/usr/bin/env bash
# The playground as a static site in one command: the engine as WebAssembly, then the page
# around it (backprop site). Serve the folder with any static file server.
#   scripts/build-site.sh DIR [--lessons FOLDER]      # then: python3 -m http.server -d DIR
set -euo pipefail
usage="usage: scripts/build-site.sh DIR [--lessons FOLDER]"
[ $# -eq 1 ] || [ $# -eq 3 -a "${2:-}" = "--lessons" ] || { echo "$usage" >&2; exit 2; }
dir=$(realpath -m -- "$1")
lessons=()
[ $# -eq 3 ] && lessons=(--lessons "$(realpath -m -- "$3")")
cd "$(dirname "$0")/.."
scripts/build-wasm.sh
swift run -c release backprop site "$dir" --wasm .build-wasm/backprop.wasm "${lessons[@]}"
