#!/usr/bin/env bash
# Checks the example configs in packaging/ against the real programs:
#  - every key presenced (daemon/config.cc) and presence-server (its --help)
#    accept is documented in the example, and the example names no other;
#  - with every key uncommented (paths pointed at a temp dir) each program
#    accepts the file and starts serving, then stops cleanly on SIGTERM.
#
# usage: check-configs.sh SOURCE_DIR PRESENCED_BINARY PRESENCE_SERVER_BINARY
set -euo pipefail
source_dir="$1"
presenced="$2"
presence_server="$3"

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
failed=0
fail() { echo "FAIL: $*"; failed=1; }

# Keys set in an example, commented ("#key = ...") or not ("key = ...").
example_keys() { sed -nE 's/^#?([a-z_]+) = .*/\1/p' "$1" | sort -u; }

compare_keys() {  # NAME EXAMPLE KNOWN_KEYS_FILE
  local name="$1" example="$2" known="$3"
  example_keys "$example" >"$work/documented"
  local missing extra
  missing="$(comm -23 "$known" "$work/documented")"
  extra="$(comm -13 "$known" "$work/documented")"
  [[ -z "$missing" ]] || fail "$name keys missing from $example: $missing"
  [[ -z "$extra" ]] || fail "$example names keys $name does not know: $extra"
  [[ -n "$missing$extra" ]] || echo "ok: $example documents all $(wc -l <"$known") $name keys"
}

# Every key of daemon/config.cc's key table.
sed -nE 's/^ *\{"([a-z_]+)",.*/\1/p' "$source_dir/daemon/config.cc" | sort -u >"$work/daemon-keys"
[[ -s "$work/daemon-keys" ]] || fail "found no keys in daemon/config.cc"
compare_keys presenced "$source_dir/packaging/presenced.toml" "$work/daemon-keys"

# presence-server's keys are its flags (--config aside) with underscores.
"$presence_server" --help | grep -oE -- '--[a-z][a-z-]+' | grep -vxE -- '--(help|config)' |
  sed 's/^--//; s/-/_/g' | sort -u >"$work/server-keys"
[[ -s "$work/server-keys" ]] || fail "found no flags in presence-server --help"
compare_keys presence-server "$source_dir/packaging/presence-server.toml" "$work/server-keys"

# Uncomments every "#key = value" line.
uncomment() { sed -E 's/^#([a-z_]+ = )/\1/' "$1"; }
# Replaces the value of KEY in FILE.
set_key() { sed -i -E "s|^$2 = .*|$2 = $3|" "$1"; }

wait_for() {  # SECONDS TEST...
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

stop() {  # NAME PID LOG -- SIGTERM, then expect exit 0 within 15 s
  local name="$1" pid="$2" log="$3" status=0
  kill -TERM "$pid"
  if ! wait_for 15 bash -c "! kill -0 $pid 2>/dev/null"; then
    fail "$name did not stop within 15 s of SIGTERM"
    return
  fi
  wait "$pid" || status=$?
  if ((status != 0)); then
    fail "$name exited $status after SIGTERM:"; sed 's/^/  /' "$log"
  else
    echo "ok: $name stopped cleanly"
  fi
}

printf 'example-secret\n' >"$work/secret"
group="$(id -gn)"

# ---- presenced
config="$work/presenced.toml"
uncomment "$source_dir/packaging/presenced.toml" >"$config"
set_key "$config" upstream '"127.0.0.1:1"'
set_key "$config" tls_ca_file '""'
set_key "$config" api_key_file "\"$work/secret\""
set_key "$config" auth_token_file "\"$work/secret\""
set_key "$config" socket "\"$work/presenced.sock\""
set_key "$config" socket_group "\"$group\""
set_key "$config" admin_group "\"$group\""
set_key "$config" state_dir "\"$work/state\""
mkdir -p "$work/state"
"$presenced" --config "$config" >"$work/presenced.log" 2>&1 &
pid=$!
pids+=("$pid")
wait_for 10 bash -c "test -S '$work/presenced.sock' || ! kill -0 $pid 2>/dev/null" || true
if test -S "$work/presenced.sock" && kill -0 "$pid" 2>/dev/null; then
  echo "ok: presenced serves with every key of the example set"
  stop presenced "$pid" "$work/presenced.log"
else
  fail "presenced did not start with the example config:"
  sed 's/^/  /' "$work/presenced.log"
fi

# ---- presence-server
config="$work/presence-server.toml"
uncomment "$source_dir/packaging/presence-server.toml" >"$config"
set_key "$config" listen '"127.0.0.1:0"'
set_key "$config" port_file "\"$work/port\""
set_key "$config" api_key_file "\"$work/secret\""
set_key "$config" admin_token_file "\"$work/secret\""
set_key "$config" tls_cert_file '""'
set_key "$config" tls_key_file '""'
"$presence_server" --config "$config" >"$work/server.log" 2>&1 &
pid=$!
pids+=("$pid")
wait_for 10 bash -c "test -s '$work/port' || ! kill -0 $pid 2>/dev/null" || true
if test -s "$work/port" && kill -0 "$pid" 2>/dev/null; then
  echo "ok: presence-server serves on $(cat "$work/port") with every key of the example set"
  stop presence-server "$pid" "$work/server.log"
else
  fail "presence-server did not start with the example config:"
  sed 's/^/  /' "$work/server.log"
fi

exit "$failed"
