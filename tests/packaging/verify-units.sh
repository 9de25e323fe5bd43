#!/usr/bin/env bash
# Checks systemd/: every unit passes `systemd-analyze verify` (any warning
# fails), the services stay well hardened (`systemd-analyze security
# --offline`), and the sysusers.d/tmpfiles.d snippets apply to an empty root.
#
# usage: verify-units.sh SOURCE_DIR PRESENCED_BINARY PRESENCE_SERVER_BINARY
# verify needs ExecStart= binaries that exist, so the units are copied with
# /usr/sbin/presenced and /usr/bin/presence-server replaced by the build
# tree's binaries. Exits 77 (skipped) without systemd-analyze.
set -euo pipefail
source_dir="$1"
presenced="$2"
presence_server="$3"

command -v systemd-analyze >/dev/null || {
  echo "SKIP: systemd-analyze is missing (apt-get install systemd)"
  exit 77
}
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/units"

units=()
for unit in "$source_dir"/systemd/*.service "$source_dir"/systemd/*.socket; do
  name="$(basename "$unit")"
  sed -e "s#/usr/sbin/presenced#$presenced#g" \
      -e "s#/usr/bin/presence-server#$presence_server#g" \
      "$unit" >"$work/units/$name"
  units+=("$work/units/$name")
done
((${#units[@]} >= 3)) || { echo "FAIL: expected at least 3 units in systemd/"; exit 1; }

failed=0
for unit in "${units[@]}"; do
  name="$(basename "$unit")"
  # verify exits 0 on some problems (unknown keys, bad values) and only
  # logs them, so any output counts as a failure.
  if ! (cd "$work/units" && systemd-analyze verify --man=no "$unit") \
      >"$work/out" 2>&1 || [[ -s "$work/out" ]]; then
    echo "FAIL: systemd-analyze verify $name:"
    sed 's/^/  /' "$work/out"
    failed=1
  else
    echo "ok: systemd-analyze verify $name"
  fi
done

# Exposure scores are 0 (locked down) to 10 (unprotected); both services
# score under 2 today. --threshold is the score times ten.
for unit in "$work"/units/*.service; do
  name="$(basename "$unit")"
  if systemd-analyze security --offline=true --threshold=25 "$unit" \
      >"$work/out" 2>&1; then
    echo "ok: $(grep -o 'Overall exposure level.*' "$work/out")"
  else
    echo "FAIL: $name is exposed more than 2.5:"
    grep -E '✗|Overall' "$work/out" | sed 's/^/  /'
    failed=1
  fi
done

# sysusers.d and tmpfiles.d snippets, applied to an empty root.
root="$work/root"
mkdir -p "$root/etc"
touch "$root/etc/passwd" "$root/etc/group" "$root/etc/shadow" "$root/etc/gshadow"
if command -v systemd-sysusers >/dev/null; then
  if systemd-sysusers --root="$root" "$source_dir"/systemd/*.sysusers >"$work/out" 2>&1; then
    for entry in passwd:presenced passwd:presence-server group:presence group:presence-admin; do
      grep -q "^${entry#*:}:" "$root/etc/${entry%%:*}" ||
        { echo "FAIL: sysusers did not create ${entry%%:*} entry ${entry#*:}"; failed=1; }
    done
    grep -q '^presence:.*presenced' "$root/etc/group" ||
      { echo "FAIL: presenced is not a member of group presence"; failed=1; }
    echo "ok: sysusers snippets"
  else
    echo "FAIL: systemd-sysusers:"; sed 's/^/  /' "$work/out"; failed=1
  fi
  if [[ "$(id -u)" != 0 ]]; then
    echo "note: not root, tmpfiles snippets not applied"
  elif systemd-tmpfiles --root="$root" --create "$source_dir"/systemd/*.tmpfiles \
      >"$work/out" 2>&1 && [[ ! -s "$work/out" ]]; then
    [[ -d "$root/var/lib/presenced" && -d "$root/run/presenced" ]] ||
      { echo "FAIL: tmpfiles did not create the directories"; failed=1; }
    echo "ok: tmpfiles snippets"
  else
    echo "FAIL: systemd-tmpfiles:"; sed 's/^/  /' "$work/out"; failed=1
  fi
else
  echo "note: systemd-sysusers is missing, snippets not checked"
fi
exit "$failed"
