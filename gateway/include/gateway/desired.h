#pragma once
// From the gateway model to what the VTI manager reconciles the kernel to.

#include "gateway/config.h"
#include "vti/tunnel.h"

namespace gateway {

/** The kernel objects of one tunnel: link, inside addresses, routes, MSS clamping. */
vti::TunnelSpec to_tunnel_spec(const Tunnel& t, const GatewayInfo& gw);

/** The kernel state of the whole configuration, tunnels in file order. */
vti::DesiredState to_desired_state(const Config& config);

}  // namespace gateway
