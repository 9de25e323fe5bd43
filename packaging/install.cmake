# packaging/install.cmake: install rules for what is not a build target --
# the systemd units, the sysusers.d/tmpfiles.d snippets, the example
# configuration files and the man pages. Included from the top-level
# CMakeLists.txt (include(packaging/install.cmake)); packaging/build-debs.sh
# splits the resulting `cmake --install` tree into the Debian packages.
#
# The binaries, headers, CMake package, proto files and the presencectl bash
# completion are installed by daemon/, server/, client/ and proto/.
#
# Paths are worked out when installing (packaging/install-files.cmake), so
# `cmake --install BUILD --prefix /usr` gives the system layout even from a
# tree configured for /usr/local:
#   prefix /usr:   /etc/presenced/presenced.toml, units in
#                  PRESENCE_SYSTEMD_UNIT_DIR (default: pkg-config systemd's
#                  systemdsystemunitdir, /lib/systemd/system on Debian 12),
#                  /usr/lib/sysusers.d, /usr/lib/tmpfiles.d
#   other PREFIX:  PREFIX/etc/..., PREFIX/lib/systemd/system, PREFIX/lib/...
# Unit ExecStart= lines are rewritten to PREFIX/sbin, PREFIX/bin.
# The example configs are never overwritten: an edited one is kept as is.
# The man pages (packaging/man/) go to PREFIX/share/man uncompressed;
# packaging/build-debs.sh gzips them for the Debian packages.
# Components: presenced, presence-server (presencectl.1: presence-client).

set(_presence_default_unit_dir "/lib/systemd/system")
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_get_variable(_presence_pc_unit_dir systemd systemdsystemunitdir)
  if(_presence_pc_unit_dir)
    set(_presence_default_unit_dir "${_presence_pc_unit_dir}")
  endif()
endif()
set(PRESENCE_SYSTEMD_UNIT_DIR "${_presence_default_unit_dir}" CACHE STRING
    "systemd system unit directory used when installing to the /usr prefix")

foreach(_presence_part presenced presence-server)
  install(CODE "
    set(PRESENCE_PART \"${_presence_part}\")
    set(PRESENCE_SOURCE_DIR \"${CMAKE_CURRENT_LIST_DIR}/..\")
    set(PRESENCE_WORK_DIR \"${CMAKE_BINARY_DIR}/packaging\")
    set(PRESENCE_USR_UNIT_DIR \"${PRESENCE_SYSTEMD_UNIT_DIR}\")
    set(PRESENCE_SBINDIR \"${CMAKE_INSTALL_SBINDIR}\")
    set(PRESENCE_BINDIR \"${CMAKE_INSTALL_BINDIR}\")"
    COMPONENT ${_presence_part})
  install(SCRIPT "${CMAKE_CURRENT_LIST_DIR}/install-files.cmake"
    COMPONENT ${_presence_part})
  install(FILES "${CMAKE_CURRENT_LIST_DIR}/man/${_presence_part}.8"
    DESTINATION "${CMAKE_INSTALL_MANDIR}/man8" COMPONENT ${_presence_part})
endforeach()
# presencectl's page goes with presencectl (component presence-client).
install(FILES "${CMAKE_CURRENT_LIST_DIR}/man/presencectl.1"
  DESTINATION "${CMAKE_INSTALL_MANDIR}/man1" COMPONENT presence-client)
