#!/usr/bin/env bash
# Fuzzes one reader of outside input with libFuzzer and AddressSanitizer.
#
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer options…]
#   TARGET: csv | safetensors | model-json | experiment | message | sweep | sweep-layout | all
#
# Builds the BackpropFuzz product with -sanitize=fuzzer,address (into .build-fuzz, apart from
# the normal build), then runs it on a copy of the seed corpus in Fuzz/corpus/TARGET; new
# interesting inputs stay in .build-fuzz/corpus/TARGET between runs. A crash leaves its input
# in Fuzz/crashes/ and fails the script; replay it with
#   swift run BackpropFuzz TARGET Fuzz/crashes/FILE
# The last line per target reports executions, executions per second and the outcome.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:?usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer options]}
seconds=${2:?usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer options]}
shift 2
targets=(csv safetensors model-json experiment message sweep sweep-layout)
if [[ $target == all ]]; then
  for t in "${targets[@]}"; do "$0" "$t" "$seconds" "$@"; done
  exit 0
fi
[[ " ${targets[*]} " == *" $target "* ]] || { echo "unknown target $target; choose: ${targets[*]} all" >&2; exit 2; }

build=.build-fuzz
# lld: gold fails with an internal error on the sanitised objects.
swift build -c release --build-path "$build" --product BackpropFuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -D -Xswiftc FUZZING -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld >&2
binary="$build/release/BackpropFuzz"

corpus="$build/corpus/$target"
mkdir -p "$corpus" Fuzz/crashes
cp -n Fuzz/corpus/"$target"/* "$corpus"/ 2>/dev/null || true
log=$(mktemp)
status=0
started=$(date +%s)
# 1 MB inputs at most (the server's message limit); 2 GB RSS; any input over 10 s is a hang.
BACKPROP_FUZZ_TARGET=$target "$binary" "$corpus" -max_total_time="$seconds" -max_len=1048576 \
  -rss_limit_mb=2048 -timeout=10 -artifact_prefix=Fuzz/crashes/"$target"- -print_final_stats=1 "$@" 2>"$log" || status=$?
execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
if [[ $status -ne 0 ]]; then
  tail -40 "$log" >&2
  echo "fuzz $target: FAILED after $execs executions (exit $status); input in Fuzz/crashes/"
  rm -f "$log"
  exit 1
fi
rm -f "$log"
echo "fuzz $target: $execs executions in $(( $(date +%s) - started )) s ($rate/s), no crash, leak or hang"
