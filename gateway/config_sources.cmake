# SPDX-License-Identifier: GPL-2.0-or-later
# Sources of the configuration loader and validator, relative to gateway/. Shared by
# gateway/CMakeLists.txt and the standalone fuzzing project in fuzz/.
set(GATEWAY_CONFIG_SOURCES
  src/assign.cpp
  src/bgp_profiles.cpp
  src/bgp_read.cpp
  src/bgp_validate.cpp
  src/credentials.cpp
  src/describe.cpp
  src/desired.cpp
  src/diagnostics.cpp
  src/fields.cpp
  src/hub.cpp
  src/json_reader.cpp
  src/loader.cpp
  src/mtu.cpp
  src/profiles.cpp
  src/proposal.cpp
  src/reserved.cpp
  src/scale_checks.cpp
  src/secret.cpp
  src/settings.cpp
  src/validate.cpp
  src/validate_ipv6.cpp
)
