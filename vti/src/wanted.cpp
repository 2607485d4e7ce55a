// SPDX-License-Identifier: GPL-2.0-or-later
#include "vti/wanted.h"

#include <linux/rtnetlink.h>
#include <sys/socket.h>

namespace vti {

RouteSlot route_slot(const RouteInfo& r) {
    return {r.dst.addr.family, r.table, r.dst, r.metric};
}

PolicySlot policy_slot(const PolicyInfo& p) {
    return {static_cast<uint8_t>(p.dir), p.family, p.catch_all, p.mark, p.mark_mask, p.if_id};
}

LinkInfo wanted_link(const TunnelSpec& t) {
    LinkInfo l;
    l.name = t.ifname;
    l.alias = std::string(kAliasPrefix) + t.name;
    l.mtu = t.mtu;
    l.up = t.up;
    if (t.kind == LinkKind::Vti) {
        l.kind = t.local.is_v6() ? "vti6" : "vti";
        l.local = t.local;
        l.remote = t.remote;
        l.ikey = l.okey = t.key;
    } else {
        l.kind = "xfrm";
        l.if_id = t.key;
    }
    l.underlay = t.underlay;
    return l;
}

std::vector<RouteInfo> wanted_routes(const TunnelSpec& t) {
    std::vector<RouteInfo> out;
    for (const auto& rs : t.routes) {
        RouteInfo want;
        want.dst = rs.destination;
        want.table = rs.table;
        want.metric =
            rs.metric == 0 && rs.destination.addr.is_v6() ? kIpv6DefaultMetric : rs.metric;
        want.oif_name = t.ifname;
        want.type = RTN_UNICAST;
        out.push_back(want);
    }
    return out;
}

std::vector<PolicyInfo> wanted_policies(const TunnelSpec& t) {
    std::vector<PolicyInfo> out;
    if (t.remote.family == 0 || t.local.family == 0) return out;  // the IKE daemon's
    for (int family : {AF_INET, AF_INET6}) {
        for (PolicyDir dir : {PolicyDir::Out, PolicyDir::In, PolicyDir::Fwd}) {
            PolicyInfo p;
            p.dir = dir;
            p.family = family;
            if (t.kind == LinkKind::Vti) {
                p.mark = t.key;
                p.mark_mask = 0xffffffff;
            } else {
                p.if_id = t.key;
            }
            p.tmpl_src = dir == PolicyDir::Out ? t.local : t.remote;
            p.tmpl_dst = dir == PolicyDir::Out ? t.remote : t.local;
            p.reqid = t.reqid;
            p.tunnel = t.name;
            out.push_back(p);
        }
    }
    return out;
}

}  // namespace vti
