#!/usr/bin/env bash
# Usage: run-fuzzer.sh FUZZER SEED_DIR SECONDS
# Runs one libFuzzer target for SECONDS from its seeds (new inputs go to a
# temp dir, never into the repository). A crash, a leak or a sanitizer
# report fails; the input that caused it is kept in the working directory
# as crash-*, leak-* or timeout-* and printed.
set -euo pipefail
fuzzer=$1
seeds=$2
seconds=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
if "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$PWD/$(basename "$fuzzer")-" \
    "$work/corpus" "$seeds" >"$work/log" 2>&1; then
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' "$work/log"
  echo "$(basename "$fuzzer"): no crash in ${seconds} s"
else
  tail -n 60 "$work/log"
  exit 1
fi
