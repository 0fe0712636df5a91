#!/usr/bin/env bash
# The test command: installs missing system packages, builds, and runs every test (XCTest, in
# parallel on the machine's cores), then prints a closing line `tests: N passed, F failed`.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure-deps.sh || exit 1
swift build --build-tests || exit 1
report=.build/test-results.xml
rm -f "$report"
swift test --skip-build --parallel --num-workers "$(nproc)" --xunit-output "$report" "$@"
status=$?
if [ -f "$report" ]; then
    python3 - "$report" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
tests = sum(int(s.get("tests", 0)) for s in suites)
failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
print(f"tests: {tests - failed} passed, {failed} failed")
PY
fi
exit $status
