# SPDX-License-Identifier: GPL-2.0-or-later
# libstrongswan-vtigw.so serving a vtigw configuration in Debian's stock charon
# (strongswan.conf: charon.plugins.vtigw.config = FILE). Only the MODULE target gets this: vtigwd
# compiles the same plugin C sources without VTIGW_STANDALONE and keeps its own runtime.
#
# The C++ side (config loader, engine, bridge conversion, VTI manager) is statically linked
# into the module, so these static libraries must be position independent.
set_target_properties(gateway vti vtigw_control PROPERTIES POSITION_INDEPENDENT_CODE ON)

# C++ half of vtigw_standalone.h, plus the daemon's bridge conversion and IkeDriver (the engine
# comes with the gateway library). Kept apart
# from the module's C sources, which are compiled with strongSwan's config.h force-included.
add_library(vtigw_standalone_cxx OBJECT
  standalone/standalone.cpp
  daemon/bridge_convert.cpp
  daemon/charon_driver.cpp
)
target_include_directories(vtigw_standalone_cxx PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}"
  "${CMAKE_CURRENT_SOURCE_DIR}/daemon")
target_link_libraries(vtigw_standalone_cxx PUBLIC gateway vti vtigw_control)
set_target_properties(vtigw_standalone_cxx PROPERTIES POSITION_INDEPENDENT_CODE ON
  CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)

# C glue (charon API) compiled into the module only.
target_sources(strongswan-vtigw PRIVATE vtigw_standalone.c)
target_compile_definitions(strongswan-vtigw PRIVATE VTIGW_STANDALONE=1)
target_link_libraries(strongswan-vtigw PRIVATE vtigw_standalone_cxx gateway vti vtigw_control
  Threads::Threads)

# Export only vtigw_plugin_create: the statically linked C++ (and the bridge functions) stay
# private to the module and cannot clash with anything in charon's process.
set(VTIGW_PLUGIN_EXPORTS "${CMAKE_CURRENT_SOURCE_DIR}/standalone/exports.map")
target_link_options(strongswan-vtigw PRIVATE "LINKER:--version-script=${VTIGW_PLUGIN_EXPORTS}")
set_target_properties(strongswan-vtigw PROPERTIES LINKER_LANGUAGE CXX
  LINK_DEPENDS "${VTIGW_PLUGIN_EXPORTS}")

