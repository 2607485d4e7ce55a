// SPDX-License-Identifier: GPL-2.0-or-later
#include <cerrno>
#include <map>
#include <set>
#include <tuple>

#include "vti/manager.h"

namespace vti {

namespace {

constexpr size_t kMaxTunnels = 10000;
constexpr size_t kMaxPerTunnel = 256;

bool name_chars_ok(const std::string& s) {
    for (char c : s)
        if (!(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
            return false;
    return true;
}

Result bad(const std::string& tunnel, const std::string& what) {
    return Result::fail(EINVAL, "tunnel " + tunnel + ": " + what);
}

}  // namespace

Result validate(const DesiredState& d) {
    if (d.tunnels.size() > kMaxTunnels)
        return Result::fail(E2BIG, "desired state has " + std::to_string(d.tunnels.size()) +
                                       " tunnels (limit " + std::to_string(kMaxTunnels) + ")");
    std::set<std::string> names, ifnames;
    std::set<std::pair<LinkKind, uint32_t>> keys;
    std::set<IpAddress> addrs;
    std::set<std::tuple<uint32_t, Prefix, uint32_t>> routes;
    std::map<std::pair<IpAddress, IpAddress>, const TunnelSpec*> outer;
    for (const auto& t : d.tunnels) {
        const std::string& n = t.name;
        if (n.empty() || n.size() > 64 || !name_chars_ok(n))
            return bad("'" + n + "'", "name must be 1-64 characters of [A-Za-z0-9._-]");
        if (!names.insert(n).second) return bad(n, "duplicate tunnel name");
        if (t.ifname.empty() || t.ifname.size() > 15 || !name_chars_ok(t.ifname) ||
            t.ifname == "." || t.ifname == "..")
            return bad(
                n, "interface name '" + t.ifname + "' must be 1-15 characters of [A-Za-z0-9._-]");
        if (!ifnames.insert(t.ifname).second)
            return bad(n, "interface name '" + t.ifname + "' used by two tunnels");
        if (!t.underlay.empty() && (t.underlay.size() > 15 || !name_chars_ok(t.underlay)))
            return bad(n, "underlay '" + t.underlay + "' is not an interface name");
        if (t.key == 0) return bad(n, "key must not be 0");
        if (!keys.insert({t.kind, t.key}).second)
            return bad(n, "key " + std::to_string(t.key) + " used by two tunnels");
        if (t.reqid == 0)
            return bad(n, "reqid must not be 0 (the SA's reqid; 0 makes the kernel ACQUIRE)");
        bool open_local = t.local.family == 0 && t.kind == LinkKind::Xfrm;
        if (!t.local.is_v4() && !t.local.is_v6() && !open_local)
            return bad(n, "local address missing");
        bool open_remote = t.remote.family == 0 && t.kind == LinkKind::Xfrm;
        if (t.remote.family != t.local.family && !open_remote && !open_local)
            return bad(n, "local " + t.local.str() + " and remote " + t.remote.str() +
                              " must be one family");
        // ip_vti/ip6_vti look a received ESP packet's tunnel up by its outer addresses alone (not
        // the key), before xfrm_interface: a VTI takes every ESP packet between its outer
        // addresses and drops another tunnel's on its own mark's policy (XfrmInTmplMismatch).
        if (auto [it, fresh] = outer.emplace(std::pair{t.local, t.remote}, &t);
            !fresh && (t.kind == LinkKind::Vti || it->second->kind == LinkKind::Vti))
            return bad(n, "outer addresses " + t.local.str() + " -> " + t.remote.str() +
                              " also used by tunnel " + it->second->name +
                              " and one of them is a VTI, which would take the other's ESP "
                              "packets; tunnels sharing outer addresses must be XFRM interfaces");
        if (t.mtu < 68 || t.mtu > 65535)
            return bad(n, "mtu " + std::to_string(t.mtu) + " outside 68-65535");
        if (t.addresses.size() > kMaxPerTunnel || t.routes.size() > kMaxPerTunnel)
            return bad(n, "more than " + std::to_string(kMaxPerTunnel) + " addresses or routes");
        bool v6 = false;
        for (const auto& a : t.addresses) {
            if (!a.addr.is_v4() && !a.addr.is_v6()) return bad(n, "invalid address");
            v6 |= a.addr.is_v6();
            if (!addrs.insert(a.addr).second) return bad(n, "address " + a.str() + " used twice");
        }
        for (const auto& r : t.routes) {
            if (!r.destination.is_network())
                return bad(n, "route destination " + r.destination.str() + " has host bits set");
            v6 |= r.destination.addr.is_v6();
            if (r.table == 0 || r.table == 255)
                return bad(n, "route table " + std::to_string(r.table) + " is reserved");
            if (!routes.insert({r.table, r.destination, r.metric}).second)
                return bad(n, "route " + r.destination.str() + " table " + std::to_string(r.table) +
                                  " metric " + std::to_string(r.metric) + " listed twice");
        }
        if (v6 && t.mtu < 1280) return bad(n, "IPv6 needs mtu >= 1280");
        if (t.mss.mode == MssSpec::Mode::Fixed) {
            if (t.mss.ipv4 == 0 && t.mss.ipv6 == 0) return bad(n, "fixed MSS without a value");
            for (uint16_t v : {t.mss.ipv4, t.mss.ipv6})
                if (v != 0 && v < 88) return bad(n, "MSS " + std::to_string(v) + " below 88");
        }
    }
    return {};
}

}  // namespace vti
