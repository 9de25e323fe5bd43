#!/usr/bin/env bash
# The second half of the test command: everything built again with clang,
# AddressSanitizer and UndefinedBehaviorSanitizer (the first report fails
# the run), -Wthread-safety as an error, and the libFuzzer targets. Runs the
# unit and end-to-end tests in that build, then each fuzzer for 20 s from
# its seed corpus. Expects tests/install-deps.sh to have run.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-sanitize -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
  -DPRESENCE_SANITIZE=ON -DPRESENCED_STATIC_GRPC=OFF \
  -DPRESENCE_BENCHES=OFF >/dev/null
cmake --build build-sanitize -j"$(nproc)"
cd build-sanitize
# The daemons and servers the tests start inherit these.
export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# The packages are built and linted from the first build.
ctest --output-on-failure --timeout 300 -j2 -LE packaging
