#!/usr/bin/env bash
# Runs a command inside a throwaway single-node Slurm cluster on this machine, then stops it.
# Installs Debian's slurm-wlm and munge when missing, starts munged (its own key and socket),
# slurmctld and slurmd (no systemd; scripts/slurm/slurm.conf.in, this host as the one node, as
# `slurmd -C` describes it), exports SLURM_CONF for the command, and on the way out stops every
# daemon it started by its PID, whatever happened. Root only (the daemons run as root).
#
#   scripts/slurm-cluster.sh COMMAND [ARGS...]
#   scripts/slurm-cluster.sh bash -c 'sbatch --wrap hostname; sleep 5; squeue'
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: scripts/slurm-cluster.sh COMMAND [ARGS...]" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)

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
    echo "slurm-cluster: exit status $status; the daemons' last log lines:" >&2
    tail -n 20 "$W"/state/*.log "$W"/munge/munged.log 2>/dev/null >&2 || true
  fi
  rm -rf "$W"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# munge with its own key and socket, so that a munge already on the machine is left alone.
M=$W/munge
mkdir -p "$M" && chmod 700 "$M"
dd if=/dev/urandom of="$M/munge.key" bs=1024 count=1 status=none
chmod 400 "$M/munge.key"
munged --foreground --force --key-file="$M/munge.key" --socket="$M/socket" \
  --pid-file="$M/munged.pid" --log-file="$M/munged.log" --seed-file="$M/seed" >"$M/stdout" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do [ -S "$M/socket" ] && break; sleep 0.1; done
[ -S "$M/socket" ] || { echo "slurm-cluster: munged did not start" >&2; exit 1; }

S=$W/state
mkdir -p "$S/ctld" "$S/d"
NODE=$(slurmd -C | head -n 1)
sed -e "s|@HOST@|$(hostname -s)|" -e "s|@STATE@|$S|g" -e "s|@PORT_CTLD@|46817|" -e "s|@PORT_D@|46818|" \
    -e "s|@NODE@|$NODE|" "$HERE/slurm/slurm.conf.in" >"$W/slurm.conf"
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
[ "$state" = "idle" ] || { echo "slurm-cluster: the node did not come up (state '$state')" >&2; exit 1; }
echo "slurm-cluster: up: $NODE" >&2

"$@"
