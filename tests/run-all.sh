#!/usr/bin/env bash
# Installs the dependencies, builds, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/build.sh
cd build
ctest --output-on-failure --timeout 300 -j2
