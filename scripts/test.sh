#!/usr/bin/env bash
# The test command: installs missing system packages, then builds and runs every test.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure-deps.sh
swift build --build-tests
swift test --skip-build --parallel --num-workers 2 "$@"
