#!/usr/bin/env bash
# Builds the Debian packages from an already built CMake tree:
#   presenced               daemon, presencectl, units, sysusers/tmpfiles,
#                           /etc/presenced/presenced.toml (conffile),
#                           bash completion, presenced.8, presencectl.1
#   presence-server         server, unit, sysusers, /etc/presence-server/...,
#                           presence-server.8
#   libpresence-client-dev  headers, static libraries, CMake package, protos
#
# usage: packaging/build-debs.sh BUILD_DIR OUT_DIR
#
# It runs `cmake --install BUILD_DIR --prefix /usr` into a staging tree,
# splits that tree by path (an installed file no package claims is an
# error), strips, gzips the man pages, writes the control files and calls
# `dpkg-deb --build`.
# No debhelper and no root needed. Depends: are computed with dpkg-shlibdeps.
#
# Environment:
#   DEB_VERSION     package version (default: the CMake project version + "-1")
#   DEB_MAINTAINER  Maintainer: field
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
source_dir="$(cd "$here/.." && pwd)"
build_dir="$(cd "${1:?usage: build-debs.sh BUILD_DIR OUT_DIR}" && pwd)"
out_dir="${2:?usage: build-debs.sh BUILD_DIR OUT_DIR}"
mkdir -p "$out_dir"
out_dir="$(cd "$out_dir" && pwd)"

for tool in dpkg-deb dpkg-shlibdeps strip cmake gzip; do
  command -v "$tool" >/dev/null || { echo "build-debs: $tool is missing" >&2; exit 1; }
done

maintainer="${DEB_MAINTAINER:-presenced maintainers <presenced@example.org>}"
arch="$(dpkg --print-architecture)"
if [[ -z "${DEB_VERSION:-}" ]]; then
  upstream_version="$(sed -n 's/^CMAKE_PROJECT_VERSION:[A-Z]*=//p' "$build_dir/CMakeCache.txt")"
  [[ -n "$upstream_version" ]] || { echo "build-debs: no CMAKE_PROJECT_VERSION in $build_dir" >&2; exit 1; }
  DEB_VERSION="$upstream_version-1"
fi
# Reproducible dates: the last commit's, else now.
epoch="${SOURCE_DATE_EPOCH:-$(git -C "$source_dir" log -1 --format=%ct 2>/dev/null || date +%s)}"
export SOURCE_DATE_EPOCH="$epoch"

work="$(mktemp -d "${TMPDIR:-/tmp}/build-debs.XXXXXX")"
trap 'rm -rf "$work"' EXIT
umask 022
stage="$work/stage"

# ---- install everything into one staging tree
DESTDIR="$stage" cmake --install "$build_dir" --prefix /usr >"$work/install.log" 2>&1 ||
  { cat "$work/install.log" >&2; exit 1; }
if ! find "$stage" -name presenced.service | grep -q .; then
  # The top-level CMakeLists.txt does not include packaging/install.cmake
  # (yet): install the units and configs with a one-file project instead.
  mkdir -p "$work/files-src"
  cat >"$work/files-src/CMakeLists.txt" <<EOF
cmake_minimum_required(VERSION 3.25)
project(presence-packaging-files NONE)
set(CMAKE_INSTALL_SBINDIR sbin)
set(CMAKE_INSTALL_BINDIR bin)
set(CMAKE_INSTALL_MANDIR share/man)
include("$here/install.cmake")
EOF
  cmake -S "$work/files-src" -B "$work/files-build" >"$work/files.log" 2>&1 &&
    DESTDIR="$stage" cmake --install "$work/files-build" --prefix /usr >>"$work/files.log" 2>&1 ||
    { cat "$work/files.log" >&2; exit 1; }
fi

# ---- split by path: "package glob..." (paths relative to the stage root)
declare -A claims=(
  [presenced]="usr/sbin/presenced usr/bin/presencectl
    usr/share/bash-completion/completions/presencectl
    lib/systemd/system/presenced.service lib/systemd/system/presenced.socket
    usr/lib/systemd/system/presenced.service usr/lib/systemd/system/presenced.socket
    usr/lib/sysusers.d/presenced.conf usr/lib/tmpfiles.d/presenced.conf
    etc/presenced/presenced.toml
    usr/share/man/man1/presencectl.1 usr/share/man/man8/presenced.8"
  [presence-server]="usr/bin/presence-server
    lib/systemd/system/presence-server.service
    usr/lib/systemd/system/presence-server.service
    usr/lib/sysusers.d/presence-server.conf
    etc/presence-server/presence-server.toml
    usr/share/man/man8/presence-server.8"
  [libpresence-client-dev]="usr/include/presence usr/lib/*.a usr/lib/*/*.a
    usr/lib/cmake/presence-client usr/lib/*/cmake/presence-client
    usr/share/presence/proto"
)
packages=(presenced presence-server libpresence-client-dev)
for pkg in "${packages[@]}"; do
  root="$work/src/debian/$pkg"
  mkdir -p "$root/DEBIAN"
  (
    cd "$stage"
    shopt -s nullglob
    for pattern in ${claims[$pkg]}; do
      for path in $pattern; do
        [[ -e "$path" ]] || continue
        mkdir -p "$root/$(dirname "$path")"
        mv "$path" "$root/$path"
      done
    done
  )
done
leftover="$(cd "$stage" && find . -type f -o -type l)"
if [[ -n "$leftover" ]]; then
  echo "build-debs: installed files no package claims (add them to 'claims'):" >&2
  echo "$leftover" >&2
  exit 1
fi
for required in presenced:usr/sbin/presenced presenced:usr/bin/presencectl \
    presence-server:usr/bin/presence-server \
    libpresence-client-dev:usr/include/presence/client; do
  [[ -e "$work/src/debian/${required%%:*}/${required#*:}" ]] ||
    { echo "build-debs: ${required#*:} was not installed" >&2; exit 1; }
done

# ---- strip (the build tree keeps its debug info)
find "$work/src/debian" -type f -path '*/usr/*bin/*' -exec \
  strip --strip-unneeded --remove-section=.comment --remove-section=.note {} +
find "$work/src/debian" -type f -name '*.a' -exec \
  strip --strip-debug --remove-section=.comment --remove-section=.note \
  --enable-deterministic-archives {} +

# ---- man pages: gzip -9n (no name, no time stamp: reproducible), as
# Debian policy wants them
find "$work/src/debian" -type f -path '*/usr/share/man/*' ! -name '*.gz' \
  -exec gzip -9n {} +

# ---- Depends via dpkg-shlibdeps (it wants a debian/control to read)
# (the package roots are debian/PKG under "$work/src", where it looks)
printf 'Source: presenced\n\n' >"$work/src/debian/control"
for pkg in "${packages[@]}"; do
  printf 'Package: %s\nArchitecture: any\n\n' "$pkg" >>"$work/src/debian/control"
done
shlibs_depends() {  # PKG -> the shlibs:Depends value for its ELF executables
  local pkg="$1" bins
  mapfile -t bins < <(find "$work/src/debian/$pkg" -type f -path '*/usr/*bin/*')
  ((${#bins[@]})) || return 0
  (cd "$work/src" && dpkg-shlibdeps -O "${bins[@]}" 2>"$work/shlibdeps.$pkg.log") |
    sed -n 's/^shlibs:Depends=//p'
}

# ---- per-package metadata
copyright() {
  cat <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: presenced
Comment: Built from the presenced source tree (daemon, CLI, client library,
 presence-server) by packaging/build-debs.sh.

Files: *
Copyright: $(date -u -d "@$epoch" +%Y) the presenced authors
License: presenced-license

License: presenced-license
 The presenced authors have not published a license for this code yet.
 Until they do, all rights are reserved by the copyright holders; see the
 source tree for any later licensing terms.
EOF
}

changelog() {  # PKG
  cat <<EOF
$1 ($DEB_VERSION) unstable; urgency=medium

  * Package built from the presenced source tree with
    packaging/build-debs.sh.

 -- $maintainer  $(date -u -R -d "@$epoch")
EOF
}

description() {
  case "$1" in
    presenced) cat <<'EOF'
Description: per-machine presence daemon and its CLI
 presenced owns the one presence session of a machine: the connection to the
 presence server, the credentials and every heartbeat timer. Local programs
 (players, chat panels, launchers, scripts) start and stop user and room
 heartbeats through a gRPC API on a Unix socket; the daemon deduplicates and
 reference-counts them, so several programs share one session.
 .
 This package ships the daemon with its systemd units (socket activated,
 hardened), the system user and groups ("presence" may use the socket,
 "presence-admin" may administer it), the configuration file
 /etc/presenced/presenced.toml and the command-line client presencectl.
EOF
    ;;
    presence-server) cat <<'EOF'
Description: self-hostable upstream presence service
 presence-server is the service presenced daemons talk to: it keeps
 sessions, network presence settings, heartbeat ingest and expiry, and
 answers user and room presence queries. State is kept in memory.
 .
 This package ships the server, a hardened systemd unit running it as its
 own system user, and /etc/presence-server/presence-server.toml.
EOF
    ;;
    libpresence-client-dev) cat <<'EOF'
Description: C++ client library for the presenced daemon (development files)
 libpresence-client is what a local C++ application links to talk to
 presenced: typed calls plus RAII holds that keep a user or room heartbeat
 alive exactly as long as the application wants it.
 .
 This package contains the headers, the static libraries, the CMake package
 (find_package(presence-client), target presence::client) and the gRPC
 contracts (.proto) for other languages.
EOF
    ;;
  esac
}

write_scripts_presenced() {  # DEBIAN dir
  cat >"$1/postinst" <<'EOF'
#!/bin/sh
set -e

if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ] ||
   [ "$1" = "abort-deconfigure" ] || [ "$1" = "abort-remove" ]; then
  # The user presenced and the groups presence, presence-admin.
  if command -v systemd-sysusers >/dev/null 2>&1; then
    systemd-sysusers presenced.conf
  else
    getent group presence >/dev/null || groupadd --system presence
    getent group presence-admin >/dev/null || groupadd --system presence-admin
    getent passwd presenced >/dev/null ||
      useradd --system --user-group --home-dir /var/lib/presenced \
        --no-create-home --shell /usr/sbin/nologin \
        --comment "Presence daemon" presenced
    usermod --append --groups presence presenced
  fi
  if command -v systemd-tmpfiles >/dev/null 2>&1; then
    systemd-tmpfiles --create presenced.conf || true
  fi

  # Enable the units (like dh_installsystemd); on a fresh install start
  # only the socket: the daemon needs user_id in the config file first.
  if command -v deb-systemd-helper >/dev/null 2>&1; then
    for unit in presenced.socket presenced.service; do
      if deb-systemd-helper debian-installed "$unit"; then
        deb-systemd-helper update-state "$unit" >/dev/null || true
      elif deb-systemd-helper --quiet was-enabled "$unit" ||
           [ -z "$2" ]; then
        deb-systemd-helper enable "$unit" >/dev/null || true
      else
        deb-systemd-helper update-state "$unit" >/dev/null || true
      fi
    done
  fi
  if [ -d /run/systemd/system ]; then
    systemctl --system daemon-reload >/dev/null || true
    if command -v deb-systemd-invoke >/dev/null 2>&1; then
      deb-systemd-invoke start presenced.socket >/dev/null || true
      if [ -n "$2" ]; then
        deb-systemd-invoke try-restart presenced.service >/dev/null || true
      fi
    fi
  fi
fi

exit 0
EOF
  cat >"$1/prerm" <<'EOF'
#!/bin/sh
set -e

if [ -d /run/systemd/system ] && [ "$1" = "remove" ] &&
   command -v deb-systemd-invoke >/dev/null 2>&1; then
  deb-systemd-invoke stop presenced.service presenced.socket >/dev/null || true
fi

exit 0
EOF
  cat >"$1/postrm" <<'EOF'
#!/bin/sh
set -e

if [ -d /run/systemd/system ] && [ "$1" = "remove" ]; then
  systemctl --system daemon-reload >/dev/null || true
fi
if [ "$1" = "remove" ] && command -v deb-systemd-helper >/dev/null 2>&1; then
  deb-systemd-helper mask presenced.service presenced.socket >/dev/null || true
fi
if [ "$1" = "purge" ]; then
  if command -v deb-systemd-helper >/dev/null 2>&1; then
    deb-systemd-helper purge presenced.service presenced.socket >/dev/null || true
    deb-systemd-helper unmask presenced.service presenced.socket >/dev/null || true
  fi
  # Detached holds and the runtime directory; the system user and groups
  # stay (Debian policy 9.2.2).
  rm -rf /var/lib/presenced /run/presenced
fi

exit 0
EOF
}

write_scripts_presence_server() {  # DEBIAN dir
  cat >"$1/postinst" <<'EOF'
#!/bin/sh
set -e

if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ] ||
   [ "$1" = "abort-deconfigure" ] || [ "$1" = "abort-remove" ]; then
  if command -v systemd-sysusers >/dev/null 2>&1; then
    systemd-sysusers presence-server.conf
  else
    getent passwd presence-server >/dev/null ||
      useradd --system --user-group --home-dir / --no-create-home \
        --shell /usr/sbin/nologin --comment "Presence server" presence-server
  fi
  if command -v deb-systemd-helper >/dev/null 2>&1; then
    if deb-systemd-helper debian-installed presence-server.service; then
      deb-systemd-helper update-state presence-server.service >/dev/null || true
    elif deb-systemd-helper --quiet was-enabled presence-server.service ||
         [ -z "$2" ]; then
      deb-systemd-helper enable presence-server.service >/dev/null || true
    else
      deb-systemd-helper update-state presence-server.service >/dev/null || true
    fi
  fi
  if [ -d /run/systemd/system ]; then
    systemctl --system daemon-reload >/dev/null || true
    if command -v deb-systemd-invoke >/dev/null 2>&1; then
      if [ -n "$2" ]; then
        deb-systemd-invoke try-restart presence-server.service >/dev/null || true
      else
        deb-systemd-invoke start presence-server.service >/dev/null || true
      fi
    fi
  fi
fi

exit 0
EOF
  cat >"$1/prerm" <<'EOF'
#!/bin/sh
set -e

if [ -d /run/systemd/system ] && [ "$1" = "remove" ] &&
   command -v deb-systemd-invoke >/dev/null 2>&1; then
  deb-systemd-invoke stop presence-server.service >/dev/null || true
fi

exit 0
EOF
  cat >"$1/postrm" <<'EOF'
#!/bin/sh
set -e

if [ -d /run/systemd/system ] && [ "$1" = "remove" ]; then
  systemctl --system daemon-reload >/dev/null || true
fi
if [ "$1" = "remove" ] && command -v deb-systemd-helper >/dev/null 2>&1; then
  deb-systemd-helper mask presence-server.service >/dev/null || true
fi
if [ "$1" = "purge" ] && command -v deb-systemd-helper >/dev/null 2>&1; then
  deb-systemd-helper purge presence-server.service >/dev/null || true
  deb-systemd-helper unmask presence-server.service >/dev/null || true
fi

exit 0
EOF
}

for pkg in "${packages[@]}"; do
  root="$work/src/debian/$pkg"
  debian="$root/DEBIAN"
  doc="$root/usr/share/doc/$pkg"
  mkdir -p "$doc"
  copyright >"$doc/copyright"
  changelog "$pkg" | gzip -9n >"$doc/changelog.Debian.gz"

  case "$pkg" in
    presenced)
      section=net
      depends="$(shlibs_depends presenced)"
      write_scripts_presenced "$debian"
      ;;
    presence-server)
      section=net
      depends="$(shlibs_depends presence-server)"
      write_scripts_presence_server "$debian"
      ;;
    libpresence-client-dev)
      section=libdevel
      # Static libraries: what they and the CMake package need to link.
      depends="libgrpc++-dev, libprotobuf-dev"
      ;;
  esac
  [[ -n "$depends" || "$pkg" == libpresence-client-dev ]] || {
    echo "build-debs: dpkg-shlibdeps found nothing for $pkg:" >&2
    cat "$work/shlibdeps.$pkg.log" >&2
    exit 1
  }

  if [[ -d "$root/etc" ]]; then
    (cd "$root" && find etc -type f | sed 's|^|/|' | sort) >"$debian/conffiles"
  fi

  # Normalise permissions: dirs 0755, files 0644, executables 0755.
  find "$root" -type d -exec chmod 0755 {} +
  find "$root" -type f ! -path '*/DEBIAN/*' -exec chmod 0644 {} +
  find "$root" -type f -path '*/usr/*bin/*' -exec chmod 0755 {} +
  for script in postinst prerm postrm; do
    if [[ -f "$debian/$script" ]]; then chmod 0755 "$debian/$script"; fi
  done
  if [[ -f "$debian/conffiles" ]]; then chmod 0644 "$debian/conffiles"; fi

  (cd "$root" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z |
     xargs -0r md5sum) >"$debian/md5sums"
  chmod 0644 "$debian/md5sums"
  installed_size="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"

  {
    echo "Package: $pkg"
    echo "Version: $DEB_VERSION"
    echo "Architecture: $arch"
    echo "Maintainer: $maintainer"
    echo "Installed-Size: $installed_size"
    if [[ -n "$depends" ]]; then echo "Depends: $depends"; fi
    echo "Section: $section"
    echo "Priority: optional"
    description "$pkg"
  } >"$debian/control"
  chmod 0644 "$debian/control"

  find "$root" -exec touch -h -d "@$epoch" {} +
  dpkg-deb --root-owner-group -Zxz --build "$root" \
    "$out_dir/${pkg}_${DEB_VERSION}_${arch}.deb" >/dev/null
  echo "$out_dir/${pkg}_${DEB_VERSION}_${arch}.deb"
done
