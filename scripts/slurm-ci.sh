#!/usr/bin/env bash
# A real Slurm cluster on this machine, and a sweep through it: installs Debian's slurm-wlm and
# munge when missing, starts munged, slurmctld and slurmd (one node, no systemd; config from
# scripts/slurm/slurm.conf.in), submits a sweep of 40 trials as a job array with
# `backprop sweep --slurm DIR --submit`, waits for it, collects it and checks that sweep.csv
# and sweep.json equal, byte for byte, those of the same sweep run locally with --out.
# Every daemon it started is stopped by its PID on the way out, whatever happens.
#
#   scripts/slurm-ci.sh path/to/backprop
set -euo pipefail
cd "$(dirname "$0")/.."
BACKPROP=$(realpath "${1:?usage: scripts/slurm-ci.sh path/to/backprop}")
ROOT=$(pwd)

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi

W=$(mktemp -d /tmp/backprop-slurm.XXXXXX)
PIDS=()
cleanup() {
  status=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ]; then
    echo "slurm-ci: failed; the daemons' logs:" >&2
    tail -n 30 "$W"/state/*.log "$W"/munge/munged.log 2>/dev/null >&2 || true
  fi
  rm -rf "$W"
  exit "$status"
}
trap cleanup EXIT

# munge with its own key and socket, so that a munge already on the machine is left alone.
M=$W/munge
mkdir -p "$M" && chmod 700 "$M"
dd if=/dev/urandom of="$M/munge.key" bs=1024 count=1 status=none
chmod 400 "$M/munge.key"
munged --foreground --force --key-file="$M/munge.key" --socket="$M/socket" \
  --pid-file="$M/munged.pid" --log-file="$M/munged.log" --seed-file="$M/seed" >"$M/stdout" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do [ -S "$M/socket" ] && break; sleep 0.1; done
[ -S "$M/socket" ] || { echo "slurm-ci: munged did not start" >&2; exit 1; }

# slurm.conf: this host as controller and its only node, as slurmd itself describes it.
S=$W/state
mkdir -p "$S/ctld" "$S/d"
NODE=$(slurmd -C | head -n 1)
HOST=$(hostname -s)
sed -e "s|@HOST@|$HOST|" -e "s|@STATE@|$S|g" -e "s|@PORT_CTLD@|46817|" -e "s|@PORT_D@|46818|" \
    -e "s|@NODE@|$NODE|" scripts/slurm/slurm.conf.in >"$W/slurm.conf"
echo "AuthInfo=socket=$M/socket" >>"$W/slurm.conf"
export SLURM_CONF=$W/slurm.conf

slurmctld -D -i -f "$SLURM_CONF" >"$S/slurmctld.stdout" 2>&1 &
PIDS+=($!)
slurmd -D -f "$SLURM_CONF" >"$S/slurmd.stdout" 2>&1 &
PIDS+=($!)
state=""
for _ in $(seq 120); do
  state=$(sinfo -h -o %t 2>/dev/null || true)
  [ "$state" = "idle" ] && break
  sleep 0.5
done
[ "$state" = "idle" ] || { echo "slurm-ci: the node did not come up (state '$state')" >&2; exit 1; }
echo "slurm-ci: cluster up: $NODE"

# The sweep: the sheet's spiral, shortened, over width × depth, 10 seeds: 40 trials.
SWEEP=(--config Examples/spiral-6x6-relu.json --epochs 400 --lr 0.03 --lr-schedule constant
       --vary 'width=4|6' --vary 'depth=2|3' --seeds 10 --criterion 'test-loss<0.3' --quiet)

started=$(date +%s)
submitted=$("$BACKPROP" sweep "${SWEEP[@]}" --slurm "$W/cluster" --trials-per-task 4 --throttle 8 --submit)
echo "$submitted"
job=$(echo "$submitted" | sed -n 's/^submitted job \([0-9]*\).*/\1/p')
[ -n "$job" ] || { echo "slurm-ci: no job id in the output above" >&2; exit 1; }
for _ in $(seq 600); do
  [ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break
  sleep 1
done
[ -z "$(squeue -h -j "$job" 2>/dev/null)" ] || { echo "slurm-ci: job $job still queued after 10 minutes" >&2; squeue >&2; exit 1; }
echo "slurm-ci: job $job done in $(( $(date +%s) - started )) s; its tasks:"
cat "$W"/cluster/logs/*.out

"$BACKPROP" sweep --collect "$W/cluster" | tee "$W/collect.txt"
grep -q "all 40 trials have finished" "$W/collect.txt" || { echo "slurm-ci: trials are missing" >&2; exit 1; }

"$BACKPROP" sweep "${SWEEP[@]}" --out "$W/local" >"$W/local.txt"
for f in sweep.csv sweep.json; do
  cmp "$W/cluster/$f" "$W/local/$f" || { echo "slurm-ci: $f from the cluster differs from the local sweep's" >&2; diff "$W/cluster/$f" "$W/local/$f" | head -20 >&2; exit 1; }
done
# The printed tables too (the lines after the first, which names how the trials were run).
diff <(sed -n '2,/^$/p' "$W/collect.txt" | grep -v 'trials have finished\|^wrote') \
     <(sed -n '2,/^$/p' "$W/local.txt" | grep -v '^wrote') >/dev/null \
  || { echo "slurm-ci: the tables differ" >&2; exit 1; }
echo "slurm-ci: the cluster's sweep.csv, sweep.json and table equal the local sweep's"
cd "$ROOT"
