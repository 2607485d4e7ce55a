// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// `vtigw status` for a gateway that runs BGP: FRR's state (frr::RuntimeState) joined to the
// tunnels by their BGP peer address.

#include <functional>
#include <map>
#include <string>

#include "frr/runtime.h"
#include "gateway/control.h"

namespace gateway {

/** Whether interface `ifname` is administratively up (in the caller's network namespace). */
using LinkUpFn = std::function<bool(const std::string& ifname)>;

/** The kernel's answer (SIOCGIFFLAGS); false for a missing interface. */
bool interface_is_up(const std::string& ifname);

/**
 * Fills `reply` (a status reply): each tunnel named in `peers` (tunnel name -> BGP neighbor
 * address) gets its BgpStatus — the session and BFD state FRR reported last, whether its link is
 * up, and whether it is healthy (CHILD_SA installed, link up, Established, >= 1 prefix
 * received); the reply gets the gateway's FrrStatus (FRR's last error, the FIB check).
 */
void join_bgp_status(control::Reply& reply, const std::map<std::string, std::string>& peers,
                     const frr::RuntimeState& frr, bool managed,
                     const LinkUpFn& link_up = interface_is_up);

}  // namespace gateway
