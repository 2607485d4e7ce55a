// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// The desired kernel state of route-based tunnels: what the gateway asks the VTI manager for.
// Plain values only; the manager reconciles the kernel to a DesiredState.

#include <cstdint>
#include <string>
#include <vector>

#include "vti/ip.h"

namespace vti {

/** Which kind of route-based tunnel interface. */
enum class LinkKind {
    /** ip_vti / ip6_vti: the tunnel's key is the VTI ikey/okey and the xfrm mark. */
    Vti,
    /** XFRM interface: the tunnel's key is the if_id. */
    Xfrm,
};

/** A route to a remote prefix through the tunnel. */
struct RouteSpec {
    /** Destination network (host bits clear). */
    Prefix destination;
    /** Route priority; lower wins. */
    uint32_t metric = 0;
    /** Routing table id; 254 is "main". */
    uint32_t table = 254;
    bool operator==(const RouteSpec&) const = default;
};

/** TCP MSS clamping for SYNs forwarded through the tunnel (both directions). */
struct MssSpec {
    enum class Mode {
        /** No clamping. */
        Off,
        /** Clamp to `value`. */
        Fixed,
        /** Clamp to the route MTU (`tcp option maxseg size set rt mtu`). */
        RouteMtu,
    };
    Mode mode = Mode::Off;
    /** The fixed MSS for IPv4 SYNs (Mode::Fixed). */
    uint16_t ipv4 = 0;
    /** The fixed MSS for IPv6 SYNs (Mode::Fixed). */
    uint16_t ipv6 = 0;
    bool operator==(const MssSpec&) const = default;
};

/** Everything the VTI manager owns for one tunnel. */
struct TunnelSpec {
    /** Tunnel name from the config; used in messages. */
    std::string name;
    /** Kernel interface name (at most 15 characters). */
    std::string ifname;
    LinkKind kind = LinkKind::Vti;
    /** VTI key (= xfrm mark) or XFRM interface if_id. Never 0. */
    uint32_t key = 0;
    /** xfrm policy template reqid; must equal the CHILD_SA's reqid. */
    uint32_t reqid = 0;
    /** Outer (underlay) local address. Unset (family 0) for an XFRM interface whose own address
     *  is not known in advance (taken from the underlay by IKE): no policies, as for `remote`. */
    IpAddress local;
    /** Outer (underlay) remote address. Unset (family 0) for an XFRM interface whose peer's
     *  address is unknown: the manager then installs no policies for it, the IKE daemon installs
     *  them with the tunnel's if_id once the peer has connected. */
    IpAddress remote;
    /** Underlay device name, or empty. */
    std::string underlay;
    /** Interface MTU. */
    uint32_t mtu = 1400;
    /** Inside addresses of the tunnel interface (e.g. 169.254.10.2/30, fd00::1/127). */
    std::vector<Prefix> addresses;
    /** Routes to remote prefixes through this tunnel. */
    std::vector<RouteSpec> routes;
    MssSpec mss;
    /** Admin state of the interface. Down for a BGP tunnel without a CHILD_SA, so that FRR sees
     *  the link go down; a down tunnel should list no routes (the kernel refuses routes through a
     *  down link). */
    bool up = true;
    bool operator==(const TunnelSpec&) const = default;
};

/** The complete set of tunnels the kernel should have. Tunnels not listed are removed. */
struct DesiredState {
    std::vector<TunnelSpec> tunnels;
    bool operator==(const DesiredState&) const = default;
};

}  // namespace vti
