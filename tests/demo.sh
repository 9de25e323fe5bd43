#!/usr/bin/env bash
# The main job on the embedded default: builds everything, starts
# presence-server (in-memory store, demo network) and presenced on a
# private socket, then drives them with presencectl the way a script on a
# device would. Everything runs in a temp dir and is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/build.sh

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

wait_for() {  # wait_for FILE|SOCKET: up to 10 s
  for _ in $(seq 100); do [[ -e $1 ]] && return 0; sleep 0.1; done
  echo "demo: $1 did not appear; logs in $work" >&2
  exit 1
}

# A demo network (no key files): any API key is accepted. Short intervals so
# the demo shows heartbeats happening.
build/server/presence-server --listen 127.0.0.1:0 --port-file "$work/port" \
  --user-heartbeat-interval 2s --room-heartbeat-interval 5s \
  --online-threshold 6s --room-timeout 6s 2>"$work/server.log" &
pids+=($!)
wait_for "$work/port"
upstream=$(cat "$work/port")

start_daemon() {  # start_daemon USER
  mkdir -p "$work/$1"
  : >"$work/$1/presenced.toml"
  build/daemon/presenced --config "$work/$1/presenced.toml" \
    --socket "$work/$1/presenced.sock" --state-dir "$work/$1" \
    --upstream "$upstream" --user-id "$1" 2>"$work/$1/presenced.log" &
  pids+=($!)
  wait_for "$work/$1/presenced.sock"
}
start_daemon alice
start_daemon bob

ctl() {  # ctl USER ARGS...: presencectl on USER's daemon, echoed
  local user=$1
  shift
  echo "[$user] \$ presencectl $*"
  build/client/presencectl --socket "$work/$user/presenced.sock" "$@"
  echo
}

echo "== presence-server on $upstream, presenced for alice and bob =="
ctl alice is-enabled
ctl alice enable
ctl alice user start
ctl alice room start lobby --ttl 10m
ctl bob room start lobby
ctl bob room count lobby
ctl bob users get alice bob
ctl alice users online-count
echo "== a command holding a room exactly while it runs =="
# The child asks bob's daemon how many watch "stage" once alice's first
# heartbeat is through.
ctl alice hold room stage -- sh -c "sleep 0.3; build/client/presencectl \
  --socket '$work/bob/presenced.sock' room count stage"
sleep 0.1 # the daemon sends the leave within 100 ms of the command's exit
ctl bob room count stage
ctl alice status
ctl alice --json room users lobby
ctl alice room stop lobby # answered once the server has the leave
ctl bob room count lobby
ctl alice user stop
echo "== done: logs were in $work =="
