# proto/static_grpc.cmake: how presenced and presencectl link gRPC (beside
# presence_grpc_library, the other CMake function for gRPC code).
#
# presence_link_grpc(<target> [STATIC_CXX_RUNTIME] OWN <lib>...
#                    [GRPC <name>...] [SHARED <lib>...])
# links a program against our static libraries OWN, the gRPC libraries
# gRPC::grpc++ pulls in plus GRPC (e.g. grpc++_reflection), and SHARED.
#
# With PRESENCED_STATIC_GRPC (ON by default) gRPC, protobuf, absl, re2,
# c-ares, upb and OpenSSL come from the static archives that libgrpc++-dev
# and its Depends ship, with --gc-sections and --as-needed; libc,
# libstdc++ (but see STATIC_CXX_RUNTIME), spdlog, fmt, toml++, libsystemd
# and zlib stay shared (lintian's embedded-library is an error for a static
# zlib, and packaging.lintian fails on errors). Only the pages of the code
# a program runs are then read in, and the dynamic loader no longer maps and
# binds ~60 libraries:
#  - presenced: idle VmRSS 19.1 -> 15.0 MiB (median of 3; file-backed
#    16.8 -> 13.4, anonymous 2.2 -> 1.6, as the relocated data of the
#    shared libraries is gone); daemon_bench --only memory says 15.1-15.5.
#    Same threads. The binary (29 -> 46 MB with debug info, 13.9 MB text)
#    links in ~1.2 s instead of ~0.7 s.
#  - presencectl, which scripts start in loops: with STATIC_CXX_RUNTIME and
#    no gRPC teardown at exit (client/cli/main.cc), presencectl_bench
#    (median of 300, real presenced, shared 2-core machine, load ~1.2)
#    says --help 8.5 -> 2.1 ms and room start X 12.7 -> 4.1 ms, i.e.
#    +12.1 -> +3.5 ms over true's 0.6 ms.
# STATIC_CXX_RUNTIME (presencectl) also links libstdc++ and libgcc in: the
# type_info of each of the ~1400 polymorphic classes gRPC and protobuf bring
# refers to libstdc++, and the dynamic loader looked every one up at each
# start (a quarter of `presencectl room start`'s instructions). Only with
# the static gRPC: there is then one C++ runtime in the process.
# OFF links the shared libraries (tests and the other programs always do).
option(PRESENCED_STATIC_GRPC
    "Link presenced and presencectl against the static gRPC/protobuf/absl archives"
    ON)

if(PRESENCED_STATIC_GRPC)
  pkg_check_modules(PRESENCE_GRPC_PC REQUIRED grpc++ protobuf)
endif()

function(presence_link_grpc target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "STATIC_CXX_RUNTIME" ""
                        "OWN;GRPC;SHARED")
  if(NOT PRESENCED_STATIC_GRPC)
    list(TRANSFORM arg_GRPC PREPEND "gRPC::")
    target_link_libraries(${target} PRIVATE ${arg_OWN} ${arg_GRPC} ${arg_SHARED})
    return()
  endif()
  set(grpc_libs ${arg_GRPC} ${PRESENCE_GRPC_PC_STATIC_LIBRARIES})
  list(REMOVE_DUPLICATES grpc_libs)
  set(archives "")
  set(system "")
  foreach(lib IN LISTS grpc_libs)
    if(lib MATCHES "^(dl|pthread|rt|m|atomic|z)$")
      list(APPEND system ${lib})
      continue()
    endif()
    string(MAKE_C_IDENTIFIER "PRESENCE_STATIC_LIB_${lib}" var)
    find_library(${var} NAMES lib${lib}.a)
    if(NOT ${var})
      message(FATAL_ERROR "PRESENCED_STATIC_GRPC: lib${lib}.a not found "
                          "(configure with -DPRESENCED_STATIC_GRPC=OFF)")
    endif()
    list(APPEND archives ${${var}})
  endforeach()
  # One group, so the archives' order (and the duplicates pkg-config's list
  # needs) does not matter; our own archives are in it so that no gRPC or
  # protobuf symbol is left for the shared copies that their imported
  # targets still put on the line, which --as-needed then drops.
  string(REPLACE ";" "," group "${arg_OWN};${archives}")
  target_link_libraries(${target} PRIVATE
      "$<LINK_GROUP:RESCAN,${group}>" ${system} ${arg_SHARED})
  target_link_options(${target} PRIVATE
      -Wl,--gc-sections -Wl,-O1 -Wl,--as-needed)
  if(arg_STATIC_CXX_RUNTIME)
    target_link_options(${target} PRIVATE -static-libstdc++ -static-libgcc)
  endif()
  # Two copies of gRPC or protobuf (static and shared) in one process would
  # each keep their own registries: fail the build instead.
  add_custom_command(TARGET ${target} POST_BUILD
      COMMAND sh -c "! readelf -d \"$1\" | grep -E 'NEEDED.*lib(grpc|gpr|upb|address_sorting|protobuf|absl|re2|cares|ssl|crypto)'"
              sh $<TARGET_FILE:${target}>
      VERBATIM)
endfunction()
