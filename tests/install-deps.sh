#!/usr/bin/env bash
# Installs what building and testing need on a bare Debian 12 (run as root).
# Skips apt entirely when every package is already there.
set -euo pipefail

packages=(
  build-essential cmake pkg-config clang libclang-rt-14-dev llvm
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  libspdlog-dev libgtest-dev libgmock-dev
  libsystemd-dev libtomlplusplus-dev libcli11-dev nlohmann-json3-dev
  libhiredis-dev redis-server
  python3 python3-grpcio
  lintian dpkg-dev systemd groff-base
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
