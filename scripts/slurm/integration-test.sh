#!/usr/bin/env bash
# Integration test of `pixsim sweep --emit slurm --submit` on a real Slurm (issue #16), on one machine:
#
#   scripts/slurm/integration-test.sh [WORK_DIR]
#
# 1. starts a single-node Slurm cluster (scripts/slurm/cluster.sh: installs slurm-wlm and munge with apt
#    when missing, as root), and stops only the daemons it started when it ends;
# 2. runs 4 smoke cells (fig2a and noise-fashion-mnist, seeds 1-2) locally in sequence, and aggregates;
# 3. submits the same cells with `pixsim sweep … --submit` (same engine flags: wasm, 1 thread);
# 4. cancels one array task while it trains (`scancel <job>_<i>`), lets the rest end, checks with
#    `pixsim status` that the cell is unfinished, and resubmits the sweep (only that cell is resubmitted);
# 5. waits for the aggregation job and compares summaries and cells with the local ones
#    (scripts/slurm/compare-results.mjs): accuracies, distances and weight fingerprints must be identical.
# Prints PASS and the timings on success; exits non-zero on any difference.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-$(mktemp -d /tmp/pixsim-slurm-XXXXXX)}
mkdir -p "$work"
work=$(cd "$work" && pwd)
cluster=$work/cluster
bin=$repo/packages/experiments/dist/bin.js
start=$(date +%s.%N)
stamp() { printf '[%6.1f s] %s\n' "$(echo "$(date +%s.%N) - $start" | bc)" "$*"; }
pixsim() { node "$bin" "$@"; }
# wait_for SECONDS WHAT CONDITION...: polls CONDITION (a command) every 0.2 s; fails after SECONDS.
wait_for() {
  local limit=$1 what=$2
  shift 2
  local deadline=$(($(date +%s) + limit))
  until "$@"; do
    (($(date +%s) < deadline)) || { echo "FAIL: timed out after ${limit} s waiting for $what"; exit 1; }
    sleep 0.2
  done
}
gone() { [[ -z $(squeue -h -j "$1" 2>/dev/null) ]]; }

if [[ ! -f "$bin" ]]; then
  stamp "building @pixsim/experiments and its dependencies"
  (cd "$repo" && npx -y pnpm@10 install --frozen-lockfile >/dev/null && npx -y pnpm@10 --filter '@pixsim/experiments...' build >/dev/null)
fi
command -v bc >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -q bc >/dev/null; }

trap '"$repo/scripts/slurm/cluster.sh" stop "$cluster"' EXIT
"$repo/scripts/slurm/cluster.sh" start "$cluster"
export SLURM_CONF=$cluster/slurm.conf
stamp "slurm cluster up ($(sinfo -h -o '%D node, %c CPUs, partition %P'))"

engine=(--preset smoke --backend wasm --threads 1 --eval-engine auto)
experiments=(fig2a noise-fashion-mnist)
dirs=(fig2a/smoke noise-fashion-mnist/smoke)
local_out=$work/local
shared=$work/shared-results

# 2. The reference: the same cells, locally, in sequence.
for e in "${experiments[@]}"; do
  for s in 1 2; do pixsim run "$e" --seed "$s" --out "$local_out" "${engine[@]}" >/dev/null 2>"$work/local-$e-$s.log"; done
  pixsim aggregate "$local_out/$e/smoke" >/dev/null
done
stamp "local reference: 4 cells run in sequence and aggregated"

# 3. The sweep on Slurm.
sweep=(sweep "${experiments[@]}" --seeds 1-2 --out "$shared" --emit slurm --submit --cpus 1 --mem 2G --time 00:30:00 "${engine[@]}")
submitted=$(pixsim "${sweep[@]}")
echo "$submitted" | sed 's/^/    /'
array=$(echo "$submitted" | awk '/^cells job:/ {print $3}')
aggregate=$(echo "$submitted" | awk '/^aggregate job:/ {print $3}')
stamp "submitted: array job $array, aggregation job $aggregate"

# 4. Cancel task 3 (noise-fashion-mnist seed 2) while it trains its regularized model.
victim=$shared/noise-fashion-mnist/smoke/seed-2
victim_training() { [[ -f $victim/models/unregularized/record.json || -f $victim/result.json ]]; }
wait_for 900 "task 3 to train its regularized model" victim_training
[[ -f $victim/result.json ]] && { echo "FAIL: task 3 finished before it could be cancelled"; exit 1; }
scancel "${array}_3"
stamp "scancel ${array}_3 (regularized model training)"
wait_for 900 "array job $array to end" gone "$array"
wait_for 120 "aggregation job $aggregate to be cancelled (--kill-on-invalid-dep)" gone "$aggregate"
agg_state=$(scontrol show job "$aggregate" 2>/dev/null | grep -o 'JobState=[A-Z_]*' || echo 'JobState=gone')
stamp "first array ended; aggregation job $aggregate: $agg_state"
pixsim status "$shared" | sed 's/^/    /'
[[ -f $victim/result.json ]] && { echo "FAIL: the cancelled task finished its cell anyway"; exit 1; }

resubmitted=$(pixsim "${sweep[@]}")
echo "$resubmitted" | sed 's/^/    /'
array2=$(echo "$resubmitted" | awk '/^cells job:/ {print $3}')
aggregate2=$(echo "$resubmitted" | awk '/^aggregate job:/ {print $3}')
echo "$resubmitted" | grep -q '(array tasks 3)' || { echo "FAIL: expected only array task 3 to be resubmitted"; exit 1; }
stamp "resubmitted: array job $array2 (task 3), aggregation job $aggregate2"

# 5. Wait for the aggregation job, then compare with the local run.
deadline=$(($(date +%s) + 900))
while :; do
  state=$(scontrol show job "$aggregate2" | grep -o 'JobState=[A-Z_]*' | cut -d= -f2)
  (($(date +%s) < deadline)) || state="TIMEOUT (900 s)"
  case $state in
    COMPLETED) break ;;
    PENDING | RUNNING | CONFIGURING | COMPLETING) sleep 0.5 ;;
    *) echo "FAIL: aggregation job $aggregate2 ended $state"; cat "$shared"/sweeps/*/logs/aggregate-"$aggregate2".log; exit 1 ;;
  esac
done
stamp "aggregation job $aggregate2 COMPLETED"
pixsim status "$shared" --sweep fig2a-noise-fashion-mnist-smoke | tail -1 | sed 's/^/    /'
grep -h 'took over\|SIGTERM' "$shared"/sweeps/*/logs/cell-3.log | sed 's/^/    log of task 3: /' || true
for d in "${dirs[@]}"; do
  e=${d%%/*}
  [[ -f $shared/$d/$e.png && -f $shared/$d/$e.svg ]] || { echo "FAIL: no figure in $shared/$d"; exit 1; }
done
node "$repo/scripts/slurm/compare-results.mjs" "$local_out" "$shared" "${dirs[@]}" | sed 's/^/    /'
stamp "PASS: Slurm sweep (4 cells, one cancelled and resubmitted) = local run"
