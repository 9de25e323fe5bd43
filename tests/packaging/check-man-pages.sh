#!/usr/bin/env bash
# Checks the hand-written man pages in packaging/man/ against the programs:
#  - every page formats without a single groff warning (groff -ww, a
#    superset of what lintian's manpage-has-errors-from-man looks for);
#  - every page names exactly the long flags its program's --help lists,
#    presencectl.1 also every command's flags and every command;
#  - presenced.8 describes exactly the keys of daemon/config.cc.
#
# usage: check-man-pages.sh SOURCE_DIR PRESENCED PRESENCE_SERVER PRESENCECTL
# Exits 77 (skipped) without groff (package groff-base).
set -euo pipefail
pages="$1/packaging/man"
config_source="$1/daemon/config.cc"
presenced="$2"
presence_server="$3"
presencectl="$4"

command -v groff >/dev/null || {
  echo "SKIP: groff is missing (apt-get install groff-base)"
  exit 77
}
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }

same() {  # WHAT PAGE REAL_FILE DOCUMENTED_FILE -- both sorted
  local missing extra
  missing="$(comm -23 "$3" "$4" | paste -sd ' ' -)"
  extra="$(comm -13 "$3" "$4" | paste -sd ' ' -)"
  [[ -z "$missing" ]] || fail "$2 lacks $1: $missing"
  [[ -z "$extra" ]] || fail "$2 names $1 that do not exist: $extra"
  [[ -n "$missing$extra" ]] || echo "ok: $2 names all $(wc -l <"$3") $1"
}

# Prints "flag --X" for every long flag in PROGRAM [COMMAND...] --help and,
# through its subcommands, in theirs; "command PATH" for each leaf command.
walk() {  # PROGRAM [COMMAND...]
  local help commands command
  help="$("$@" --help)"
  grep -oE -- '--[a-z][a-z-]*' <<<"$help" | grep -vx -- --help | sed 's/^/flag /' || true
  mapfile -t commands < <(sed -n '/^Subcommands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' <<<"$help")
  if ((${#commands[@]} == 0)); then
    if (($# > 1)); then echo "command ${*:2}"; fi
    return 0
  fi
  for command in "${commands[@]}"; do walk "$@" "$command"; done
}

check_page() {  # PAGE PROGRAM
  local name="$1" page="$pages/$1"
  [[ -f "$page" ]] || { fail "no $page"; return; }
  if ! groff -man -ww -z -Tutf8 "$page" >"$work/warnings" 2>&1 || [[ -s "$work/warnings" ]]; then
    fail "$name does not format cleanly:"; sed 's/^/  /' "$work/warnings"
  else
    echo "ok: $name formats without warnings"
  fi

  walk "$2" | sort -u >"$work/help"
  sed -n 's/^flag //p' "$work/help" >"$work/flags"
  # Flags are written \-\-name in roff.
  grep -oE '\\-\\-[a-z](\\-|[a-z])*' "$page" | tr -d '\\' | grep -vx -- --help |
    sort -u >"$work/page-flags" || true
  same flags "$name" "$work/flags" "$work/page-flags"

  # Each command starts a tagged paragraph: "       room start ROOM ...".
  groff -man -Tutf8 -P-cbou "$page" 2>/dev/null >"$work/text"
  local command count=0 lacking=0
  while read -r command; do
    count=$((count + 1))
    grep -qE "^ {7}$command( |\$)" "$work/text" ||
      { fail "$name lacks the command '$command'"; lacking=1; }
  done < <(sed -n 's/^command //p' "$work/help")
  if ((count > 0 && lacking == 0)); then echo "ok: $name names all $count commands"; fi
}

check_page presencectl.1 "$presencectl"
check_page presenced.8 "$presenced"
check_page presence-server.8 "$presence_server"

# presenced.8 describes each key as ".TP" + ".B key"; presence-server.8
# says its keys are its flags, checked above.
sed -nE 's/^ *\{"([a-z_]+)",.*/\1/p' "$config_source" | sort -u >"$work/keys"
sed -n '/^\.TP$/{n;s/^\.B \([a-z_]*\)$/\1/p;}' "$pages/presenced.8" | sort -u >"$work/page-keys"
[[ -s "$work/keys" ]] || fail "found no keys in $config_source"
same "config keys" presenced.8 "$work/keys" "$work/page-keys"

exit "$failed"
