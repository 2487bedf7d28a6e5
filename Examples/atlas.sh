#!/usr/bin/env bash
# An atlas of what trains: the sheet's claims over many initial weights, as success-rate maps.
#
#   1. architecture: the spiral experiment (Examples/spiral-6x6-relu.json: lr 0.003 -> 0.001 at
#      epoch 4000, 5,000 epochs) for width 2-8 x depth 1-6, ReLU and tanh, 20 seeds each
#      (1,680 trials); success = test loss below 0.1 at 5,000 epochs.
#   2. activation: the same at 6 layers of 6 for ReLU, tanh, sigmoid and linear (the sheet:
#      "tanh, sigmoid and linear got stuck"), 20 seeds each.
#   3. regularisation: the sheet's experiment (Examples/regularization-*.json: spiral, noise
#      0.25, 10 % training points) without, and with L1 or L2 at five rates, 20 seeds each.
#
# Each is a sweep directory (sweep.csv, sweep.json, sweep.png/svg, one file per trial): rerun
# the script to resume one that was stopped. With SLURM=1 each sweep is submitted as a Slurm job
# array instead (`backprop sweep slurm DIR … --submit`, extra sbatch options in SBATCH_OPTIONS), waited for and
# collected; `scripts/slurm-cluster.sh env SLURM=1 bash Examples/atlas.sh` does that on a
# throwaway single-node cluster on this machine.
#   bash Examples/atlas.sh [OUT]        (default: atlas/)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-atlas}
swift build -c release --product backprop >/dev/null
BACKPROP="$(swift build -c release --show-bin-path)/backprop"
mkdir -p "$OUT"

run() { local name=$1; shift; local t0=$SECONDS
  if [ "${SLURM:-0}" = 1 ]; then
    # shellcheck disable=SC2086
    submitted=$("$BACKPROP" sweep slurm "$OUT/$name" "$@" --quiet --submit ${SBATCH_OPTIONS:-})
    echo "$submitted"
    scripts/slurm-wait.sh "$(echo "$submitted" | sed -n 's/^submitted job \([0-9]*\).*/\1/p')"
    "$BACKPROP" sweep collect "$OUT/$name"
  else
    "$BACKPROP" sweep "$@" --quiet --out "$OUT/$name"
  fi
  echo "($name: $((SECONDS - t0)) s)"; echo; }

run architecture --config Examples/spiral-6x6-relu.json --vary 'activation=relu|tanh' \
  --vary 'depth=1|2|3|4|5|6' --vary 'width=2|3|4|5|6|7|8' --seeds 20 --criterion 'test-loss<0.1'
run activation --config Examples/spiral-6x6-relu.json --vary 'activation=relu|tanh|sigmoid|linear' \
  --seeds 20 --criterion 'test-loss<0.1'
run regularization-none --config Examples/regularization-none.json --seeds 20 --criterion 'test-loss<0.6'
run regularization --config Examples/regularization-l2.json --vary 'regularization=l1|l2' \
  --vary 'reg-rate=0.0003|0.001|0.003|0.01|0.03' --seeds 20 --criterion 'test-loss<0.6'
