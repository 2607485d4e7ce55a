// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// From the gateway model to what the VTI manager reconciles the kernel to.

#include <set>
#include <string>

#include "gateway/config.h"
#include "vti/tunnel.h"

namespace gateway {

/** The kernel objects of one tunnel: link, inside addresses, routes, MSS clamping. */
vti::TunnelSpec to_tunnel_spec(const Tunnel& t, const GatewayInfo& gw);

/** The kernel state of the whole configuration, tunnels in file order. A gateway that runs BGP
 *  gets no kernel routes of vtigw's: FRR installs them (staticd and BGP). */
vti::DesiredState to_desired_state(const Config& config);

/** Added to the metric of the routes of a tunnel without a CHILD_SA: another path to the same
 *  prefix (a backup tunnel) wins, and with none the traffic still goes into the tunnel, where it
 *  is dropped for lack of an SA instead of leaving in clear by a less specific route. */
inline constexpr uint32_t kDemotedMetricOffset = 1u << 20;

/** Like to_desired_state(config), with the routes of the `demoted` tunnels at their metric plus
 *  kDemotedMetricOffset (saturating); a demoted tunnel whose link follows its SAs
 *  (Tunnel::link_follows_sa) has its interface down and no routes instead. */
vti::DesiredState to_desired_state(const Config& config, const std::set<std::string>& demoted);

}  // namespace gateway
