// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The kernel objects one tunnel needs, as the diff and the event filter compare them, and the
// slot keys under which the kernel files routes and xfrm policies (one object per slot).

#include <cstdint>
#include <tuple>
#include <vector>

#include "vti/ip.h"
#include "vti/link.h"
#include "vti/route.h"
#include "vti/tunnel.h"
#include "vti/xfrm_policy.h"

namespace vti {

/** A route's kernel slot: (family, table, destination, metric). */
using RouteSlot = std::tuple<int, uint32_t, Prefix, uint32_t>;
/** A policy's kernel slot: (direction, selector family, catch-all, mark, mark mask, if_id). */
using PolicySlot = std::tuple<uint8_t, int, bool, uint32_t, uint32_t, uint32_t>;

/** The slot `r` occupies. */
RouteSlot route_slot(const RouteInfo& r);
/** The slot `p` occupies. */
PolicySlot policy_slot(const PolicyInfo& p);

/** The link tunnel `t` needs (Manage mode; underlay_index left 0, underlay by name). */
LinkInfo wanted_link(const TunnelSpec& t);
/** The routes tunnel `t` needs (oif_name set, oif 0; IPv6 metric 0 as the kernel stores it). */
std::vector<RouteInfo> wanted_routes(const TunnelSpec& t);
/** The six catch-all policies (out/in/fwd for IPv4 and IPv6 selectors) tunnel `t` needs; none
 *  when its remote or local address is unknown (TunnelSpec::remote, TunnelSpec::local). */
std::vector<PolicyInfo> wanted_policies(const TunnelSpec& t);

}  // namespace vti
