#!/usr/bin/env bash
# The main job: installs missing system packages, builds `bench` in release mode and runs
# `bench run` (extra arguments are passed on, e.g. --seed 7).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure-deps.sh
swift build -c release --product bench >&2
exec .build/release/bench run "$@"
