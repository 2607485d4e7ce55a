// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// A plain model of the FRR configuration vtigw wants for one gateway: one BGP instance, its
// neighbors (one per tunnel), what they announce and accept, BFD profiles and static routes.
// Addresses and prefixes are canonical text ("10.0.0.0/8", "2001:db8::/32"): the model is
// filled by gateway/ from its validated configuration and only rendered here.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace frr {

/** A prefix-list entry: `prefix`, optionally matching longer prefixes from `ge` to `le`. */
struct PrefixRule {
    /** Network in canonical text, host bits clear ("10.0.0.0/8"). */
    std::string prefix;
    /** Shortest length matched (0: only the prefix's own length, unless `le` is set). */
    uint8_t ge = 0;
    /** Longest length matched (0: `ge` alone means up to the family's maximum). */
    uint8_t le = 0;

    bool operator==(const PrefixRule&) const = default;
};

/** A BFD timing profile (`bfd` → `profile NAME`). */
struct BfdProfile {
    /** Profile name, referenced by neighbors. */
    std::string name;
    /** Desired minimum transmit interval in milliseconds. */
    uint32_t tx_ms = 300;
    /** Required minimum receive interval in milliseconds. */
    uint32_t rx_ms = 300;
    /** Detection multiplier: the session goes down after this many missed packets. */
    uint32_t multiplier = 3;

    bool operator==(const BfdProfile&) const = default;
};

/** One BGP neighbor: the peer at the far end of one tunnel. */
struct Neighbor {
    /** Peer address (IPv4 or IPv6), canonical text. */
    std::string address;
    /** Peer's autonomous system number. */
    uint32_t asn = 0;
    /** The tunnel's interface name (for BFD and status joins; not rendered into BGP). */
    std::string interface;
    /** The tunnel's name; rendered as the neighbor description and used in list names. */
    std::string description;
    /** BGP keepalive interval in seconds. */
    uint32_t keepalive_s = 10;
    /** BGP hold time in seconds (0 or at least 3). */
    uint32_t hold_s = 30;
    /** Seconds between connection attempts. */
    uint32_t connect_s = 10;
    /** Never open the TCP session, only accept it. */
    bool passive = false;
    /** BFD profile name; unset: no BFD. */
    std::optional<std::string> bfd_profile;
    /** MED sent with announced prefixes (route-map `set metric`). */
    std::optional<uint32_t> med_out;
    /** How many times the local ASN is prepended to the AS path of announced prefixes. */
    uint32_t prepend = 0;
    /** eBGP multihop TTL; 0: single hop (peer on the tunnel's connected prefix). */
    uint32_t multihop = 0;
    /** Single-hop session to a peer that is not on a connected prefix (host route via tunnel). */
    bool disable_connected_check = false;
    /** At most this many prefixes are announced to the peer (0: no limit). */
    uint32_t max_prefix_out = 0;
    /** The session is torn down when the peer sends more prefixes (0: no limit). */
    uint32_t max_prefix_in = 0;
    /** TCP-MD5 password; a secret: it appears only in render(), never in render_redacted(). */
    std::string password;
    /** Accepted prefixes for this neighbor; unset: the gateway's `accept`. Empty: deny all. */
    std::optional<std::vector<PrefixRule>> accept;
    /** Prefixes announced to this neighbor; unset: the gateway's `announce`. Empty: none. */
    std::optional<std::vector<PrefixRule>> announce;
};

/** A static route handled by staticd (`ip route` / `ipv6 route`). */
struct StaticRoute {
    /** Destination network, canonical text. */
    std::string prefix;
    /** Gateway address; unset: an interface route (point-to-point tunnel). */
    std::optional<std::string> nexthop;
    /** Outgoing interface (the tunnel's). */
    std::string interface;
    /** Administrative distance 1..255 (1 is staticd's default and not rendered). */
    uint32_t distance = 1;

    bool operator==(const StaticRoute&) const = default;
};

/** FRR's desired configuration for one gateway. */
struct Config {
    /** `hostname` line; empty: none. vtysh prints the machine's host name back, so gateway/
     *  passes that to keep reloads free of spurious differences. */
    std::string hostname;
    /** Local autonomous system number. */
    uint32_t asn = 0;
    /** BGP router ID (IPv4 text). */
    std::string router_id;
    /** IPv4 prefixes originated (`network` statements) and announced by default. */
    std::vector<std::string> announce_v4;
    /** IPv6 prefixes originated and announced by default. */
    std::vector<std::string> announce_v6;
    /** Prefixes accepted from neighbors by default; empty: deny all. */
    std::vector<PrefixRule> accept;
    /** Equal-cost paths installed per prefix (1: no ECMP). */
    uint32_t maximum_paths = 4;
    /** BFD profiles. */
    std::vector<BfdProfile> bfd_profiles;
    /** Neighbors, one per tunnel running BGP. */
    std::vector<Neighbor> neighbors;
    /** Static routes (staticd). */
    std::vector<StaticRoute> static_routes;
    /** Let zebra use kernel nexthop groups; false renders `no zebra nexthop kernel enable`
     *  (FRR 8.4 loses ECMP next hops in kernel groups after an interface flap). */
    bool kernel_nexthop_groups = false;
    /** Lines appended verbatim at the end, for FRR features vtigw does not model (gateway
     *  `bgp.frr.extra_config`); FRR alone judges them. */
    std::vector<std::string> extra_lines;
};

}  // namespace frr
