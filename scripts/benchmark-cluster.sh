#!/usr/bin/env bash
# Measures what a sharded evaluation costs, with the release build on the full-size challenge,
# and projects the wall time of the challenge's final phase (10 sets x 1000 pseudo-experiments)
# on N nodes from the measured figures:
#
#   p  seconds per pseudo-experiment on one node (this machine's cores): the estimating phase's
#      wall time over the pseudo-experiments of a run on one machine (the runner prints it)
#   s  a shard's start-up (loading the sets and pools, fitting): a shard's wall time minus its
#      estimating phase, the mean over the shards; of which f is the fit (printed too)
#   m  merge cost per result: merging 10 shard files of the mini challenge (1000 results)
#   T(N) = s + ceil(10000 / N) p + 10000 m          (one task per node, all running at once)
#
#   scripts/benchmark-cluster.sh [ESTIMATOR] [SETS] [PER_SET] [SHARDS]   (default binned-likelihood 2 8 2)
#
# Runs the shards one after another on this machine (no Slurm needed): a shard's cost does not
# depend on where it runs. Needs the full challenge's pools (simulated and cached on first use,
# a few minutes). Prints figures as `key value unit`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
estimator=${1:-binned-likelihood}
sets=${2:-2}
per_set=${3:-8}
shards=${4:-2}
bench=.build/release/bench
[ -x "$bench" ] || swift build -c release --product bench >&2
work=$(mktemp -d /tmp/fair-uq-cluster-benchmark.XXXXXX)
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }

pes=$((sets * per_set))
"$bench" generate --challenge fair-universe-2024 --sets "$sets" --per-set "$per_set" --seed 11 --output "$work/sets" >/dev/null
common=(--sets "$work/sets" --estimator "$estimator" --statefulness-check 0 --no-progress)

# The runner's report: "...; fit 12.34 s" and "Estimating: ... in 5.67 s wall (...)".
fit_of() { sed -n 's/.*; fit \([0-9.]*\) s.*/\1/p' "$1" | head -1; }
wall_of() { sed -n 's/^Estimating: .* in \([0-9.]*\) s wall.*/\1/p' "$1" | head -1; }

t0=$(now)
"$bench" evaluate "${common[@]}" --database "$work/one.sqlite" > "$work/one.txt"
t1=$(now)
one=$(elapsed "$t0" "$t1")
one_wall=$(wall_of "$work/one.txt")

startup_total=0
fit_total=0
files=()
for k in $(seq "$shards"); do
    a=$(now)
    "$bench" evaluate "${common[@]}" --shard "$k/$shards" --database "$work/shard-$k.sqlite" > "$work/shard-$k.txt"
    b=$(now)
    startup_total=$(echo "$startup_total + $(elapsed "$a" "$b") - $(wall_of "$work/shard-$k.txt")" | bc -l)
    fit_total=$(echo "$fit_total + $(fit_of "$work/shard-$k.txt")" | bc -l)
    files+=("$work/shard-$k.sqlite")
done
a=$(now)
"$bench" store merge "${files[@]}" --into "$work/merged.sqlite" >/dev/null
b=$(now)
merge_small=$(elapsed "$a" "$b")

# Merge cost per result at a larger size: the null baseline on the mini challenge, 10 x 100 in 10 shards.
"$bench" generate --challenge fair-universe-2024-mini --sets 10 --per-set 100 --seed 12 --output "$work/mini" >/dev/null
for k in $(seq 10); do
    "$bench" evaluate --sets "$work/mini" --estimator null --statefulness-check 0 --no-progress \
        --shard "$k/10" --database "$work/mini-$k.sqlite" >/dev/null
done
a=$(now)
"$bench" store merge "$work"/mini-*.sqlite --into "$work/mini-merged.sqlite" >/dev/null
b=$(now)
merge_1000=$(elapsed "$a" "$b")

p=$(echo "$one_wall / $pes" | bc -l)
s=$(echo "$startup_total / $shards" | bc -l)
f=$(echo "$fit_total / $shards" | bc -l)
m=$(echo "$merge_1000 / 1000" | bc -l)
printf 'cluster_estimator %s\n' "$estimator"
printf 'cluster_one_machine_s %.2f s (%d pseudo-experiments of the full challenge, %s cores)\n' "$one" "$pes" "$(nproc)"
printf 'cluster_per_pseudo_experiment_s %.3f s (estimating phase %.2f s wall / %d)\n' "$p" "$one_wall" "$pes"
printf 'cluster_shard_throughput %.2f pseudo-experiments/s per node\n' "$(echo "1 / $p" | bc -l)"
printf 'cluster_shard_startup_s %.1f s (mean of %d shards: loading the sets and pools, fitting)\n' "$s" "$shards"
printf 'cluster_shard_fit_s %.1f s (of the start-up)\n' "$f"
printf 'cluster_merge_%d_shards_s %.2f s (%d results)\n' "$shards" "$merge_small" "$pes"
printf 'cluster_merge_ms_per_result %.3f ms (1000 results in 10 files)\n' "$(echo "$m * 1000" | bc -l)"
for n in 1 10 50 100 500; do
    per=$(( (10000 + n - 1) / n ))
    t=$(echo "$s + $per * $p + 10000 * $m" | bc -l)
    printf 'cluster_final_phase_on_%d_nodes_h %.2f h (%d pseudo-experiments per node)\n' "$n" "$(echo "$t / 3600" | bc -l)" "$per"
done
