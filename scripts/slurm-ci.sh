#!/usr/bin/env bash
# A sweep through a real Slurm cluster, checked against the same sweep run locally: inside
# scripts/slurm-cluster.sh (a single-node cluster started and stopped around it), submits a
# sweep of 40 trials as a job array with `backprop sweep slurm DIR --submit`, waits for it,
# collects it, and checks that sweep.csv, sweep.json and the printed table equal, byte for byte,
# those of `backprop sweep --out DIR` on this machine.
#
#   scripts/slurm-ci.sh path/to/backprop
set -euo pipefail
cd "$(dirname "$0")/.."
BACKPROP=$(realpath "${1:?usage: scripts/slurm-ci.sh path/to/backprop}")
[ -n "${SLURM_CONF:-}" ] || exec scripts/slurm-cluster.sh "$0" "$BACKPROP"

W=$(mktemp -d /tmp/backprop-sweep.XXXXXX)
trap 'rm -rf "$W"' EXIT

# The sheet's spiral, shortened, over width × depth, 10 seeds: 40 trials in 10 tasks.
SWEEP=(--config Examples/spiral-6x6-relu.json --epochs 400 --lr 0.03 --lr-schedule constant
       --vary 'width=4|6' --vary 'depth=2|3' --seeds 10 --criterion 'test-loss<0.3' --quiet)

started=$(date +%s)
submitted=$("$BACKPROP" sweep slurm "$W/cluster" "${SWEEP[@]}" --trials-per-task 4 --throttle 8 --submit)
echo "$submitted"
job=$(echo "$submitted" | sed -n 's/^submitted job \([0-9]*\).*/\1/p')
[ -n "$job" ] || { echo "slurm-ci: no job id in the output above" >&2; exit 1; }
scripts/slurm-wait.sh "$job" 600
echo "slurm-ci: job $job done in $(( $(date +%s) - started )) s; what its tasks said:"
grep -h "^task" "$W"/cluster/logs/*.out

"$BACKPROP" sweep collect "$W/cluster" | tee "$W/collect.txt"
grep -q "all 40 trials have finished" "$W/collect.txt" || { echo "slurm-ci: trials are missing" >&2; exit 1; }

"$BACKPROP" sweep "${SWEEP[@]}" --out "$W/local" >"$W/local.txt"
for f in sweep.csv sweep.json; do
  cmp "$W/cluster/$f" "$W/local/$f" || { echo "slurm-ci: $f from the cluster differs from the local sweep's" >&2; exit 1; }
done
# The tables, without the lines that say how and where the trials ran.
table() { grep -v -e '^criterion:' -e '^wrote ' -e 'trials have finished' -e 'have no result' "$1"; }
diff <(table "$W/collect.txt") <(table "$W/local.txt") || { echo "slurm-ci: the tables differ" >&2; exit 1; }
echo "slurm-ci: the cluster's sweep.csv, sweep.json and table equal the local sweep's"
