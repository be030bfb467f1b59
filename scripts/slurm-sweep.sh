#!/usr/bin/env bash
# One shard of a fleetsim sweep per task of a Slurm job array; with --cells,
# one shard of a scenario's cells (docs/cells.md).
#
#   jid=$(sbatch --parsable --array=1-8 scripts/slurm-sweep.sh \
#           scenarios/cpu-vs-gpu-agentic.yaml results/ \
#           --set fleet.pools.graviton4.count=1:40:1 --set workloads.coding-agent.arrivals.rate=0.05/s,0.1/s,0.2/s -r 3)
#   sbatch --dependency=afterok:"$jid" --wrap "fleetsim merge results/shard-*.jsonl -o results/sweep.csv"
#
# Arguments: SCENARIO OUTDIR [fleetsim sweep options...]. Every task must get
# the same arguments: the shards of one sweep share its id, and `fleetsim
# merge` refuses shards of different sweeps and reports missing points.
# Task K of an array of N writes OUTDIR/shard-K.jsonl with the points whose
# index i has i mod N = K-1. The array may start at 0 or 1.
#
# With --cells first, SCENARIO declares cells: and the task runs `fleetsim run
# SCENARIO --shard K/N` (its cells with index i mod N = K-1) into
# OUTDIR/shard-K.jsonl, joined into one report by
#   sbatch --dependency=afterok:"$jid" --wrap "fleetsim merge results/shard-*.jsonl -o results/report.json"
# The options after OUTDIR are then fleetsim run's (--seed, --set, --variant).
#
# Environment: FLEETSIM, the fleetsim binary (default: fleetsim on PATH).
# Outside Slurm, set SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN and
# SLURM_ARRAY_TASK_COUNT yourself to run one shard by hand.
#
#SBATCH --job-name=fleetsim-sweep
#SBATCH --cpus-per-task=4
#SBATCH --time=02:00:00
#SBATCH --output=fleetsim-sweep-%A_%a.log
set -euo pipefail

command=sweep
if [[ ${1:-} == --cells ]]; then
  command=run
  shift
fi
if [[ $# -lt 2 ]]; then
  echo "usage: sbatch --array=1-N $0 [--cells] SCENARIO OUTDIR [fleetsim $command options...]" >&2
  exit 2
fi
scenario=$1
outdir=${2%/}
shift 2

: "${SLURM_ARRAY_TASK_ID:?not a Slurm array task: submit with sbatch --array=1-N}"
first=${SLURM_ARRAY_TASK_MIN:-1}
shards=${SLURM_ARRAY_TASK_COUNT:?Slurm did not set SLURM_ARRAY_TASK_COUNT}
shard=$((SLURM_ARRAY_TASK_ID - first + 1))
jobs=${SLURM_CPUS_PER_TASK:-$(nproc)}

mkdir -p "$outdir"
if [[ $command == run ]]; then
  # Cells run in child processes, one per core Slurm gave this task.
  exec "${FLEETSIM:-fleetsim}" run "$scenario" "$@" \
    --shard "$shard/$shards" -j "$jobs" --no-progress \
    -o "$outdir/shard-$shard.jsonl"
fi
# Points run in child processes, one per core Slurm gave this task.
exec "${FLEETSIM:-fleetsim}" sweep "$scenario" "$@" \
  --shard "$shard/$shards" -j "$jobs" --no-progress \
  --jsonl "$outdir/shard-$shard.jsonl"
