# SPDX-License-Identifier: GPL-2.0-or-later
# The FRR runtime: starting FRR's daemons, applying configurations with frr-reload.py, reading
# state through vtysh, the FIB check. Part of vtigw_frr (frr/CMakeLists.txt).
set(FRR_RUNTIME_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/src/command.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/layout.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/supervisor.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/reloader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/reload_errors.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/parse_bgp.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/parse_bfd.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/parse_routes.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/fib_check.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/query.cpp
  ${CMAKE_CURRENT_LIST_DIR}/src/runtime.cpp
)
