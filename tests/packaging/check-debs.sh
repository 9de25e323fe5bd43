#!/usr/bin/env bash
# Builds the Debian packages from this build tree (packaging/build-debs.sh)
# into OUT_DIR and checks what is in them: binaries, units, sysusers and
# tmpfiles snippets, conffiles, maintainer scripts, Depends, docs, man pages.
#
# usage: check-debs.sh SOURCE_DIR BUILD_DIR OUT_DIR
# Exits 77 (skipped) without dpkg-deb / dpkg-shlibdeps (package dpkg-dev).
set -euo pipefail
source_dir="$1"
build_dir="$2"
out_dir="$3"

for tool in dpkg-deb dpkg-shlibdeps; do
  command -v "$tool" >/dev/null ||
    { echo "SKIP: $tool is missing (apt-get install dpkg-dev)"; exit 77; }
done
rm -rf "$out_dir"
mkdir -p "$out_dir"
"$source_dir/packaging/build-debs.sh" "$build_dir" "$out_dir"

failed=0
fail() { echo "FAIL: $*"; failed=1; }
deb() { local f=("$out_dir/$1"_*.deb); echo "${f[0]}"; }

has_files() {  # PACKAGE PATH...
  local pkg="$1" file; shift
  file="$(deb "$pkg")"
  [[ -f "$file" ]] || { fail "$pkg: no .deb built"; return; }
  dpkg-deb -c "$file" >"$out_dir/$pkg.listing"
  awk '{print $6}' "$out_dir/$pkg.listing" | sed 's|^\./|/|' >"$out_dir/$pkg.contents"
  for path in "$@"; do
    grep -qxF "$path" "$out_dir/$pkg.contents" || fail "$pkg lacks $path"
  done
}
executable() {  # PACKAGE PATH
  grep -qE "^-rwxr-xr-x root/root .* \./${2#/}\$" "$out_dir/$1.listing" ||
    fail "$1: $2 is not an executable owned by root"
}
control_field() { dpkg-deb -f "$(deb "$1")" "$2"; }
control_file() { dpkg-deb -I "$(deb "$1")" "$2" 2>/dev/null; }

units=/lib/systemd/system
[[ "$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null)" == /usr/lib/systemd/system ]] &&
  units=/usr/lib/systemd/system

has_files presenced /usr/sbin/presenced /usr/bin/presencectl \
  $units/presenced.service $units/presenced.socket \
  /usr/lib/sysusers.d/presenced.conf /usr/lib/tmpfiles.d/presenced.conf \
  /etc/presenced/presenced.toml \
  /usr/share/bash-completion/completions/presencectl \
  /usr/share/man/man1/presencectl.1.gz /usr/share/man/man8/presenced.8.gz \
  /usr/share/doc/presenced/copyright /usr/share/doc/presenced/changelog.Debian.gz
executable presenced /usr/sbin/presenced
executable presenced /usr/bin/presencectl
has_files presence-server /usr/bin/presence-server \
  $units/presence-server.service /usr/lib/sysusers.d/presence-server.conf \
  /etc/presence-server/presence-server.toml \
  /usr/share/man/man8/presence-server.8.gz \
  /usr/share/doc/presence-server/copyright
executable presence-server /usr/bin/presence-server
has_files libpresence-client-dev /usr/include/presence/client/client.h \
  /usr/include/presence/client/hold_set.h \
  /usr/include/presence/v1/control.pb.h \
  /usr/share/presence/proto/presence/v1/control.proto \
  /usr/share/presence/proto/presence/v1/upstream.proto \
  /usr/share/doc/libpresence-client-dev/copyright
grep -qE '/lib/(.*/)?libpresence-client\.a$' "$out_dir/libpresence-client-dev.contents" ||
  fail "libpresence-client-dev lacks libpresence-client.a"
grep -qE '/cmake/presence-client/presence-clientConfig\.cmake$' "$out_dir/libpresence-client-dev.contents" ||
  fail "libpresence-client-dev lacks the CMake package config"

# Conffiles and maintainer scripts.
[[ "$(control_file presenced conffiles)" == "/etc/presenced/presenced.toml" ]] ||
  fail "presenced conffiles: '$(control_file presenced conffiles)'"
[[ "$(control_file presence-server conffiles)" == "/etc/presence-server/presence-server.toml" ]] ||
  fail "presence-server conffiles: '$(control_file presence-server conffiles)'"
control_file presenced postinst | grep -q 'systemd-sysusers presenced.conf' ||
  fail "presenced postinst does not create the system user"
control_file presence-server postinst | grep -q 'systemd-sysusers presence-server.conf' ||
  fail "presence-server postinst does not create the system user"
for pkg in presenced presence-server; do
  for script in postinst prerm postrm; do
    control_file "$pkg" "$script" >"$out_dir/$pkg.$script" || fail "$pkg has no $script"
    sh -n "$out_dir/$pkg.$script" || fail "$pkg $script is not valid sh"
  done
done

# The shipped units and configs are the ones in the source tree.
root="$out_dir/presenced.root"
rm -rf "$root"
dpkg-deb -x "$(deb presenced)" "$root"
cmp -s "$root$units/presenced.service" "$source_dir/systemd/presenced.service" ||
  fail "presenced.service in the package differs from systemd/presenced.service"
cmp -s "$root/etc/presenced/presenced.toml" "$source_dir/packaging/presenced.toml" ||
  fail "presenced.toml in the package differs from packaging/presenced.toml"
for page in man1/presencectl.1 man8/presenced.8; do
  gzip -dc "$root/usr/share/man/$page.gz" 2>/dev/null |
    cmp -s - "$source_dir/packaging/man/${page#*/}" ||
    fail "$page.gz in the package is not packaging/man/${page#*/} gzipped"
done

# Depends: the shared libraries the binaries link, found by dpkg-shlibdeps.
# gRPC and protobuf are not among them by default: presenced and presencectl
# carry their code (PRESENCED_STATIC_GRPC, cmake/static_grpc.cmake).
depends="$(control_field presenced Depends)"
for lib in libsystemd0 libspdlog libc6; do
  [[ "$depends" == *"$lib"* ]] || fail "presenced Depends lacks $lib: $depends"
done
[[ "$(control_field presence-server Depends)" == *'libgrpc++'* ]] ||
  fail "presence-server Depends lacks libgrpc++"
[[ "$(control_field libpresence-client-dev Depends)" == *'libgrpc++-dev'* ]] ||
  fail "libpresence-client-dev Depends lacks libgrpc++-dev"

# The packaged binaries are stripped.
readelf -S "$root/usr/sbin/presenced" >"$out_dir/presenced.sections"
if grep -qE '\.debug_|\.symtab' "$out_dir/presenced.sections"; then
  fail "usr/sbin/presenced is not stripped"
fi
rm -rf "$root"

if ((failed == 0)); then
  echo "ok: built and checked:"
  for file in "$out_dir"/*.deb; do
    echo "  $(basename "$file") ($(du -k "$file" | cut -f1) KiB)"
  done
fi
exit "$failed"
