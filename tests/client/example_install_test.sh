#!/usr/bin/env bash
# Usage: example_install_test.sh BUILD_DIR EXAMPLE_SOURCE_DIR [CMAKE_ARG...]
# Installs libpresence-client from BUILD_DIR into a temp prefix, then
# configures and builds the example against that prefix only, with the
# CMAKE_ARGs (the build's compiler and sanitizer flags).
set -euo pipefail
build=$1
example=$2
shift 2
tmp=$(mktemp -d /tmp/presence-example.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

cmake --install "$build" --prefix "$tmp/prefix" --component presence-client
test -f "$tmp/prefix/include/presence/client/client.h"
test -f "$tmp/prefix/include/presence/client/hold_set.h"
test -f "$tmp/prefix/include/presence/v1/control.pb.h"
test -f "$tmp/prefix/share/bash-completion/completions/presencectl"
test -x "$tmp/prefix/bin/presencectl"

cmake -S "$example" -B "$tmp/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build "$tmp/build" -j2
# Nothing of the build tree leaked into the example's build.
if grep -rq -- "$build" "$tmp/build/CMakeFiles/presence-example.dir/flags.make" \
    "$tmp/build/CMakeFiles/presence-example.dir/link.txt"; then
  echo "example build refers to the build tree $build" >&2
  exit 1
fi
# It runs, and reports an unreachable daemon with exit 3.
set +e
PRESENCED_SOCKET="$tmp/none.sock" "$tmp/build/presence-example" lobby 0
rc=$?
set -e
test "$rc" -eq 3
echo "example built against $tmp/prefix and ran (exit $rc as expected)"
