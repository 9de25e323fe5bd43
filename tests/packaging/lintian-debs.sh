#!/usr/bin/env bash
# Runs lintian on the packages check-debs.sh built into DEB_DIR; errors
# fail, warnings are shown. Exits 77 (skipped) without lintian.
# usage: lintian-debs.sh DEB_DIR
set -euo pipefail
deb_dir="$1"
command -v lintian >/dev/null || {
  echo "SKIP: lintian is missing (apt-get install lintian; tests/install-deps.sh lists it)"
  exit 77
}
debs=("$deb_dir"/*.deb)
[[ -f "${debs[0]}" ]] || { echo "FAIL: no .deb in $deb_dir (packaging.debs must run first)"; exit 1; }
status=0
# lintian warns when run as root; that is not about the packages.
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
lintian --fail-on error --tag-display-limit 0 "${debs[@]}" >"$out" 2>&1 || status=$?
grep -v 'running with root privileges is not recommended' "$out" || true
if ((status == 0)); then
  echo "ok: lintian found no errors in ${#debs[@]} packages"
else
  echo "FAIL: lintian reported errors (status $status)"
fi
exit "$status"
