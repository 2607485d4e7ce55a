// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Addresses that cannot be a peer and interface names that cannot be a tunnel's, known without
// looking at the machine (`vtigw check` also runs away from the gateway).

#include <optional>
#include <string>

#include "vti/ip.h"

namespace gateway::detail {

/** Why `a` cannot be a tunnel's remote (a peer's outer address): unspecified, loopback,
 *  multicast or limited broadcast; nullopt for an address that can be a peer. */
std::optional<std::string> unusable_peer_reason(const vti::IpAddress& a);

/** Why `name` cannot be a tunnel interface created by vtigw: the loopback device, a device the
 *  kernel creates itself when a tunnel module loads (ip_vti0, sit0, gre0, …), or a name that is
 *  also a sysctl directory for every interface (all, default); nullopt otherwise. */
std::optional<std::string> reserved_interface_reason(const std::string& name);

}  // namespace gateway::detail
