#!/usr/bin/env bash
# Installs the dependencies, builds, and runs every test: in the build that
# ships (gcc, tests/build.sh), then again under sanitizers with the fuzzers
# (clang, tests/sanitize.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/build.sh
(cd build && ctest --output-on-failure --timeout 300 -j2)
bash tests/sanitize.sh
