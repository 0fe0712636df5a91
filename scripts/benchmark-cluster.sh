#!/usr/bin/env bash
# Measures what a sharded evaluation costs, with the release build on the full-size challenge,
# and projects the wall time of the challenge's final phase (10 sets x 1000 pseudo-experiments)
# on N nodes from the measured figures:
#
#   per-pseudo-experiment time p and per-shard start-up s, from one machine's run of P
#   pseudo-experiments (wall W1 = s + P p) and the same sets as 4 shards run one after another
#   (mean wall w = s + P/4 p):  p = (W1 - w) / (3P/4),  s = w - P/4 p
#   merge cost m per result, from merging shard files of the mini challenge (M results)
#   T(N) = fit + s + ceil(10000 / N) p + 10000 m          (one task per node, all at once)
#
#   scripts/benchmark-cluster.sh [ESTIMATOR] [SETS] [PER_SET]   (default binned-likelihood 2 4)
#
# Runs the shards one after another on this machine (no Slurm needed): a shard's cost does not
# depend on where it runs. Needs the full challenge's pools (simulated and cached on first use,
# a few minutes). Prints figures as `key value unit`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
estimator=${1:-binned-likelihood}
sets=${2:-2}
per_set=${3:-4}
bench=.build/release/bench
[ -x "$bench" ] || swift build -c release --product bench >&2
work=$(mktemp -d /tmp/fair-uq-cluster-benchmark.XXXXXX)
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }

pes=$((sets * per_set))
"$bench" generate --challenge fair-universe-2024 --sets "$sets" --per-set "$per_set" --seed 11 --output "$work/sets" >/dev/null
common=(--sets "$work/sets" --estimator "$estimator" --statefulness-check 0 --no-progress)

t0=$(now)
"$bench" evaluate "${common[@]}" --database "$work/one.sqlite" >/dev/null
t1=$(now)
one=$(elapsed "$t0" "$t1")

total=0
for k in 1 2 3 4; do
    a=$(now)
    "$bench" evaluate "${common[@]}" --shard "$k/4" --database "$work/shard-$k.sqlite" >/dev/null
    b=$(now)
    total=$(echo "$total + $(elapsed "$a" "$b")" | bc -l)
done
mean=$(echo "$total / 4" | bc -l)
a=$(now)
"$bench" store merge "$work"/shard-{1,2,3,4}.sqlite --into "$work/merged.sqlite" >/dev/null
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

p=$(echo "($one - $mean) / ($pes * 3 / 4)" | bc -l)
s=$(echo "$mean - $pes / 4 * $p" | bc -l)
m=$(echo "$merge_1000 / 1000" | bc -l)
printf 'cluster_estimator %s\n' "$estimator"
printf 'cluster_one_machine_s %.2f s (%d pseudo-experiments, full challenge)\n' "$one" "$pes"
printf 'cluster_shard_mean_s %.2f s (4 shards of %d)\n' "$mean" $((pes / 4))
printf 'cluster_per_pseudo_experiment_s %.3f s\n' "$p"
printf 'cluster_shard_startup_s %.2f s (loading sets, pools, fitting)\n' "$s"
printf 'cluster_shard_throughput %.2f pseudo-experiments/s per task (%s jobs)\n' "$(echo "1 / $p" | bc -l)" "$(nproc)"
printf 'cluster_merge_4_shards_s %.2f s (%d results)\n' "$merge_small" "$pes"
printf 'cluster_merge_ms_per_result %.3f ms (1000 results in 10 files)\n' "$(echo "$m * 1000" | bc -l)"
for n in 1 10 50 100 500; do
    per=$(( (10000 + n - 1) / n ))
    t=$(echo "$s + $per * $p + 10000 * $m" | bc -l)
    printf 'cluster_final_phase_on_%d_nodes_h %.2f h (%d pseudo-experiments per node)\n' "$n" "$(echo "$t / 3600" | bc -l)" "$per"
done
