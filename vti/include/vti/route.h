// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Route family: routes to remote prefixes through tunnel interfaces, owned by vtigw's route
// protocol number.

#include <linux/netlink.h>

#include <cstdint>
#include <optional>
#include <string>

#include "vti/ip.h"
#include "vti/netlink_socket.h"

namespace vti {

/** rtm_protocol of every route vtigw installs; routes with another protocol are foreign. */
inline constexpr uint8_t kRouteProtocol = 213;
/** The metric the kernel gives an IPv6 route added with metric 0. */
inline constexpr uint32_t kIpv6DefaultMetric = 1024;

/** One route. Identity in the kernel: (family, table, destination, metric). */
struct RouteInfo {
    /** Destination network. */
    Prefix dst;
    /** Routing table id. */
    uint32_t table = 254;
    /** RTA_PRIORITY. */
    uint32_t metric = 0;
    /** Output interface index. */
    int oif = 0;
    /** Output interface name, for messages and commands. */
    std::string oif_name;
    /** rtm_protocol. */
    uint8_t protocol = kRouteProtocol;
    /** rtm_type (RTN_UNICAST, ...). */
    uint8_t type = 1;

    /** True when both routes occupy the same kernel slot. */
    bool same_key(const RouteInfo& o) const {
        return dst == o.dst && table == o.table && metric == o.metric;
    }
};

/** How a route message acts. */
enum class RouteOp { Add, Replace, Delete };

/** RTM_NEWROUTE (Add: exclusive create; Replace: NLM_F_REPLACE) or RTM_DELROUTE. */
nl::Message build_route(RouteOp op, const RouteInfo& r);
/** RTM_GETROUTE dump request for all tables of both families; with `oif` != 0 only routes out
 *  of that interface (honoured by the kernel on a socket with strict checking). */
nl::Message build_route_dump(int oif = 0);
/** Parses an RTM_NEWROUTE message (or an RTM_DELROUTE notification); nullopt for cached clones,
 *  the local table, malformed. */
std::optional<RouteInfo> parse_route(const nlmsghdr* nlh);
/** `ip route add|replace|del ...` equivalent. */
std::string route_command(RouteOp op, const RouteInfo& r);

}  // namespace vti
