#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine: installs dependencies,
# builds with warnings as errors, runs every test (unit, fuzz-corpus replay,
# golden EVE, schema, CLI, sample-capture checks, live capture), then does
# the same in an AddressSanitizer/UBSan build.
#   ./test.sh            everything
#   ./test.sh --no-asan  skip the sanitizer build
set -euo pipefail
cd "$(dirname "$0")"

contrib/install-deps.sh --test
jobs=$(nproc 2>/dev/null || echo 2)

cmake -S . -B build -DIMSENTRY_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

if [ "${1:-}" != "--no-asan" ]; then
    cmake -S . -B build-asan -DIMSENTRY_WERROR=ON -DIMSENTRY_SANITIZE=ON \
          -DCMAKE_BUILD_TYPE=Debug >/dev/null
    cmake --build build-asan -j"$jobs"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
        ctest --test-dir build-asan --output-on-failure -j"$jobs" \
        -E 'it\.test_pcaps_tshark' # checks the captures with tshark, not the sensor: run once above
fi
