// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// FRR's runtime state as vtigw reports it, parsed from `vtysh -c '… json'` and `ip -j route`.
// The parsers take the JSON text; they never throw: malformed input gives an error string.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace frr {

/** One BGP neighbor (from `show bgp summary json`; prefix counts summed over address families). */
struct BgpPeer {
    /** Neighbor address as configured. */
    std::string address;
    /** FSM state: Idle, Connect, Active, OpenSent, OpenConfirm, Established. */
    std::string state;
    /** FRR's peerState: OK, Policy (a filter is missing), PfxCt (max-prefix hit), Admin. */
    std::string peer_state;
    /** Time since the session came up; only while Established. */
    std::optional<int64_t> uptime_ms;
    /** Prefixes accepted from the neighbor. */
    uint64_t prefixes_received = 0;
    /** Prefixes announced to it. */
    uint64_t prefixes_sent = 0;
    /** Sessions established / dropped since bgpd started (a reset raises dropped). */
    uint64_t connections_established = 0;
    uint64_t connections_dropped = 0;
};

/** One BFD session (from `show bfd peers json`). */
struct BfdPeer {
    std::string peer;
    std::string local;
    std::string interface;
    /** up, down, init, shutdown. */
    std::string status;
    /** Local diagnostic (ok, control detection time expired, …). */
    std::string diagnostic;
};

/** A next hop: gateway address (empty for an interface route) and interface name. */
struct Nexthop {
    std::string gateway;
    std::string interface;
    auto operator<=>(const Nexthop&) const = default;
};

/** A route in zebra's RIB (from `show ip[v6] route json`). */
struct RibRoute {
    std::string prefix;
    /** bgp, static, connected, kernel, … */
    std::string protocol;
    bool selected = false;
    bool installed = false;
    /** zebra tried to install it and the kernel refused ("failed": true). */
    bool failed = false;
    /** The next hops zebra reports as in the FIB, sorted. */
    std::vector<Nexthop> fib_nexthops;
};

/** A route in the kernel's main table (from `ip -j route show table main`). */
struct KernelRoute {
    /** Always with a length ("10.1.2.3/32"), "default" turned into 0.0.0.0/0 or ::/0. */
    std::string prefix;
    /** Routing protocol as `ip` names it (bgp, static, kernel, 213, …). */
    std::string protocol;
    uint32_t metric = 0;
    /** Sorted. */
    std::vector<Nexthop> nexthops;
};

/** Parses `show bgp summary json` (all address families) or `show bgp <afi> <safi> summary json`.
 */
std::optional<std::string> parse_bgp_summary(const std::string& json, std::vector<BgpPeer>& out);

/** Parses `show bfd peers json`. */
std::optional<std::string> parse_bfd_peers(const std::string& json, std::vector<BfdPeer>& out);

/** Parses `show ip route json` / `show ipv6 route json` (every route of every prefix). */
std::optional<std::string> parse_rib(const std::string& json, std::vector<RibRoute>& out);

/** Parses `ip -j [-6] route show`; `ipv6` decides what a bare address's length is. */
std::optional<std::string> parse_kernel_routes(const std::string& json, bool ipv6,
                                               std::vector<KernelRoute>& out);

}  // namespace frr
