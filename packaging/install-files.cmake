# packaging/install-files.cmake: runs at install time (see install.cmake)
# with PRESENCE_PART = presenced | presence-server. Installs that part's
# systemd units, sysusers.d/tmpfiles.d snippets and example config.

function(_presence_dirs)
  set(prefix "${CMAKE_INSTALL_PREFIX}")
  string(REGEX REPLACE "/+$" "" prefix "${prefix}")
  if(prefix STREQUAL "/usr")
    set(sysconf "/etc")
    set(units "${PRESENCE_USR_UNIT_DIR}")
  else()
    set(sysconf "${prefix}/etc")
    set(units "${prefix}/lib/systemd/system")
  endif()
  set(_sysconf "${sysconf}" PARENT_SCOPE)
  set(_units "${units}" PARENT_SCOPE)
  set(_sysusers "${prefix}/lib/sysusers.d" PARENT_SCOPE)
  set(_tmpfiles "${prefix}/lib/tmpfiles.d" PARENT_SCOPE)
  set(_sbin "${prefix}/${PRESENCE_SBINDIR}" PARENT_SCOPE)
  set(_bin "${prefix}/${PRESENCE_BINDIR}" PARENT_SCOPE)
endfunction()
_presence_dirs()

set(_src "${PRESENCE_SOURCE_DIR}/systemd")
set(_out "${PRESENCE_WORK_DIR}/units")
file(MAKE_DIRECTORY "${_out}")

# Installs systemd/UNIT with the install paths substituted.
function(_presence_unit unit)
  file(READ "${_src}/${unit}" text)
  string(REPLACE "/usr/sbin/presenced" "${_sbin}/presenced" text "${text}")
  string(REPLACE "/usr/bin/presence-server" "${_bin}/presence-server"
         text "${text}")
  string(REPLACE "/etc/presence-server/" "${_sysconf}/presence-server/"
         text "${text}")
  string(REPLACE "/etc/presenced/" "${_sysconf}/presenced/" text "${text}")
  file(WRITE "${_out}/${unit}" "${text}")
  file(INSTALL DESTINATION "${_units}" TYPE FILE
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
       FILES "${_out}/${unit}")
endfunction()

# Installs systemd/NAME.KIND as DIR/NAME.conf.
function(_presence_snippet name kind dir)
  configure_file("${_src}/${name}.${kind}" "${_out}/${kind}/${name}.conf"
                 COPYONLY)
  file(INSTALL DESTINATION "${dir}" TYPE FILE
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
       FILES "${_out}/${kind}/${name}.conf")
endfunction()

# Installs packaging/NAME.toml to SYSCONFDIR/NAME/ unless one is there.
function(_presence_config name)
  set(target "$ENV{DESTDIR}${_sysconf}/${name}/${name}.toml")
  if(EXISTS "${target}")
    message(STATUS "Keeping existing: ${target}")
    return()
  endif()
  file(INSTALL DESTINATION "${_sysconf}/${name}" TYPE FILE
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
       FILES "${PRESENCE_SOURCE_DIR}/packaging/${name}.toml")
endfunction()

if(PRESENCE_PART STREQUAL "presenced")
  _presence_unit(presenced.service)
  _presence_unit(presenced.socket)
  _presence_snippet(presenced sysusers "${_sysusers}")
  _presence_snippet(presenced tmpfiles "${_tmpfiles}")
  _presence_config(presenced)
elseif(PRESENCE_PART STREQUAL "presence-server")
  _presence_unit(presence-server.service)
  _presence_snippet(presence-server sysusers "${_sysusers}")
  _presence_config(presence-server)
else()
  message(FATAL_ERROR "install-files.cmake: unknown PRESENCE_PART '${PRESENCE_PART}'")
endif()
