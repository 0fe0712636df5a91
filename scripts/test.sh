#!/usr/bin/env bash
# The test command: installs missing system packages, builds, and runs every test (XCTest, in
# parallel on the machine's cores), then prints each skipped test with its reason and a closing
# line `tests: N passed, S skipped, F failed` (skips are recorded by Tests/TestSupport/SkipLog.swift
# in $FAIR_UQ_SKIP_LOG: XCTest's parallel report counts a skip as a pass).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure-deps.sh || exit 1
swift build --build-tests || exit 1
report=.build/test-results.xml
skips=.build/skipped-tests.txt
rm -f "$report" "$skips"
FAIR_UQ_SKIP_LOG="$PWD/$skips" swift test --skip-build --parallel --num-workers "$(nproc)" --xunit-output "$report" "$@"
status=$?
if [ -f "$report" ]; then
    python3 - "$report" "$skips" <<'PY'
import os, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
tests = sum(int(s.get("tests", 0)) for s in suites)
failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skipped = []
if os.path.exists(sys.argv[2]):
    skipped = sorted(line.rstrip("\n") for line in open(sys.argv[2], encoding="utf-8") if line.strip())
for line in skipped:
    print(f"skipped: {line}")
print(f"tests: {tests - failed - len(skipped)} passed, {len(skipped)} skipped, {failed} failed")
PY
fi
exit $status
