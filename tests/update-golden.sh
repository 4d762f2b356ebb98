#!/bin/sh
# Regenerates tests/golden/*/expected.jsonl from the sensor's output and prints the diff.
# The golden files must be RIGHT, not merely what the sensor printed: review every changed
# line against tshark's view of the capture (tests/golden/tshark_flows.py helps) before
# committing.  Usage: tests/update-golden.sh [BUILD_DIR] [CASE ...]   (default BUILD_DIR: build)
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$src/build"}
[ $# -gt 0 ] && shift
py=/usr/bin/python3
[ -x "$py" ] || py=python3
exec "$py" "$src/tests/integration/test_golden.py" --binary "$build/imsentry" --source "$src" \
    --build "$build" --update "$@"
