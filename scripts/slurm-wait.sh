#!/usr/bin/env bash
# Waits until Slurm job JOB has left the queue (at most SECONDS, default 3600); fails when it
# is still there, or when any of its array tasks ended in anything but COMPLETED (as far as
# `scontrol show job` still knows it).
#   scripts/slurm-wait.sh JOB [SECONDS]
set -euo pipefail
job=${1:?usage: scripts/slurm-wait.sh JOB [SECONDS]}
limit=${2:-3600}
for _ in $(seq "$limit"); do
  [ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break
  sleep 1
done
if [ -n "$(squeue -h -j "$job" 2>/dev/null)" ]; then
  echo "slurm-wait: job $job is still queued after $limit s" >&2; squeue >&2; exit 1
fi
bad=$(scontrol show job "$job" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | grep -v 'JobState=COMPLETED' || true)
[ -z "$bad" ] || { echo "slurm-wait: job $job: $(echo "$bad" | sort | uniq -c | tr '\n' ' ')" >&2; exit 1; }
