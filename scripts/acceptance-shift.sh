#!/usr/bin/env bash
# The domain-shift acceptance run (issue 16): every built-in baseline at SETS x PER_SET on a
# nominal challenge and on each of its variants (closure, tau-resolution, jet-resolution, z-pt),
# all with the same seed so that the pseudo-experiments pair, then the robustness view (coverage
# per variant with its +-3 sigma band, changes with paired-bootstrap errors). Release build;
# resumable (each run resumes from the database).
#
#   scripts/acceptance-shift.sh [--challenge fair-universe-2024-mini] [--seed S] [--sets N] [--per-set M] [--database FILE]
#
# Prints the robustness view. Exits 1 if the closure variant differs from the nominal in any
# score, coverage or width (it must reproduce the nominal bit for bit); what the shifts do is
# reported, not judged.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
challenge=fair-universe-2024-mini seed=20261207 sets=100 per_set=10 database=acceptance-shift.sqlite
while [ $# -gt 0 ]; do
    case "$1" in
        --challenge) challenge=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --sets) sets=$2; shift 2 ;;
        --per-set) per_set=$2; shift 2 ;;
        --database) database=$2; shift 2 ;;
        *) echo "acceptance-shift.sh: unknown argument $1 (use --challenge, --seed, --sets, --per-set, --database)" >&2; exit 2 ;;
    esac
done
bench=${BENCH:-.build/release/bench}
if [ "${ACCEPTANCE_SKIP_RUN:-0}" != 1 ]; then
    bash scripts/ensure-deps.sh
    swift build -c release --product bench >&2
    for variant in "" -closure -tau-resolution -jet-resolution -z-pt; do
        start=$(date +%s)
        "$bench" run --challenge "$challenge$variant" --sets "$sets" --per-set "$per_set" --seed "$seed" \
            --database "$database" --no-progress > /dev/null
        echo "acceptance-shift: $challenge$variant done in $(( $(date +%s) - start )) s" >&2
    done
fi
view=$("$bench" leaderboard --database "$database" --robustness --challenge "$challenge")
printf '%s\n' "$view"
closure=$(printf '%s\n' "$view" | awk '$1 == "closure" || ($2 == "closure" && $1 != "Variants:")')
if [ -z "$closure" ]; then echo "acceptance-shift: no closure rows in the view" >&2; exit 1; fi
if printf '%s\n' "$closure" | grep -vq '+0.0000 ± 0.0000 .*+0.000 ± 0.000 .*+0.0000 ± 0.0000'; then
    echo "acceptance-shift: the closure variant differs from the nominal:" >&2
    printf '%s\n' "$closure" >&2
    exit 1
fi
echo "acceptance-shift: closure equals nominal for every submission"
