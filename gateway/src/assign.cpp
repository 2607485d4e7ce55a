// SPDX-License-Identifier: GPL-2.0-or-later
// Automatic identifiers and the checks across tunnels.
//
// Interface names: "vti-" (or "xfi-" for XFRM interfaces) + tunnel name when that fits in 15
// characters, else the prefix + the first 6 characters + "-" + 4 hex digits of FNV-1a(name).
// Keys (VTI mark / XFRM if_id) and reqids left out of the config are derived from FNV-1a of the
// tunnel name (reqids from "reqid:" + name) into [65536, 2^31); tunnels are visited in name
// order and a taken value is probed upwards (+1, wrapping). Explicit values are reserved first.
// So a tunnel keeps its values across reloads unless a new tunnel collides with its hash.
#include <algorithm>
#include <map>
#include <set>

#include "loader_internal.h"

namespace gateway::detail {

namespace {

constexpr uint32_t kAutoBase = 65536;
constexpr uint32_t kAutoSpan = 0x7fffffffu - kAutoBase;
constexpr size_t kMaxRoutesChecked = 8192;

uint32_t fnv1a(std::string_view s) {
    uint32_t h = 2166136261u;
    for (unsigned char c : s) {
        h ^= c;
        h *= 16777619u;
    }
    return h;
}

std::string derive_ifname(const Tunnel& t) {
    std::string prefix = t.kind == vti::LinkKind::Vti ? "vti-" : "xfi-";
    if (prefix.size() + t.name.size() <= 15) return prefix + t.name;
    char hex[8];
    std::snprintf(hex, sizeof hex, "%04x", fnv1a(t.name) & 0xffff);
    return prefix + t.name.substr(0, 6) + "-" + hex;
}

uint32_t probe(uint32_t start, std::set<uint32_t>& taken) {
    uint32_t v = start;
    while (taken.count(v)) v = kAutoBase + (v - kAutoBase + 1) % kAutoSpan;
    taken.insert(v);
    return v;
}

std::string tunnel_ref(const Tunnel& t) {
    return "tunnel \"" + t.name + "\" (/tunnels/" + std::to_string(t.index) + ")";
}

}  // namespace

void assign_identifiers(std::vector<Tunnel>& tunnels, const std::vector<TunnelExtras>& extras,
                        Diagnostics& d) {
    std::set<uint32_t> keys, reqids;
    std::map<uint32_t, const Tunnel*> key_owner, reqid_owner;
    for (size_t i = 0; i < tunnels.size(); ++i) {
        Tunnel& t = tunnels[i];
        if (!extras[i].explicit_ifname) t.ifname = derive_ifname(t);
        if (!extras[i].key_pointer.empty()) {
            if (auto [it, fresh] = key_owner.emplace(t.key, &t); !fresh)
                d.error_text(extras[i].key_pointer, std::to_string(t.key),
                             "key already used by " + tunnel_ref(*it->second));
            keys.insert(t.key);
        }
        if (extras[i].explicit_reqid) {
            if (auto [it, fresh] = reqid_owner.emplace(t.reqid, &t); !fresh)
                d.error_text(extras[i].pointer + "/reqid", std::to_string(t.reqid),
                             "reqid already used by " + tunnel_ref(*it->second));
            reqids.insert(t.reqid);
        }
    }
    std::vector<size_t> order(tunnels.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return tunnels[a].name < tunnels[b].name; });
    for (size_t i : order) {
        Tunnel& t = tunnels[i];
        if (extras[i].key_pointer.empty()) {
            t.key = probe(kAutoBase + fnv1a(t.name) % kAutoSpan, keys);
            t.key_auto = true;
        }
        if (!extras[i].explicit_reqid)
            t.reqid = probe(kAutoBase + fnv1a("reqid:" + t.name) % kAutoSpan, reqids);
    }
}

void validate_across(const std::vector<Tunnel>& tunnels, const std::vector<TunnelExtras>& extras,
                     Diagnostics& d) {
    std::map<std::string, const Tunnel*> names, ifnames;
    std::map<std::pair<vti::IpAddress, std::string>, const Tunnel*> peers;
    std::map<std::pair<vti::IpAddress, vti::IpAddress>, const Tunnel*> outer;
    for (size_t i = 0; i < tunnels.size(); ++i) {
        const Tunnel& t = tunnels[i];
        const std::string& p = extras[i].pointer;
        if (auto [it, fresh] = names.emplace(t.name, &t); !fresh)
            d.error(p + "/name", t.name,
                    "tunnel name already used by /tunnels/" + std::to_string(it->second->index));
        if (auto [it, fresh] = ifnames.emplace(t.ifname, &t); !fresh) {
            if (extras[i].explicit_ifname)
                d.error(p + "/interface", t.ifname,
                        "interface already used by " + tunnel_ref(*it->second));
            else
                d.error(p + "/name", t.name,
                        "derived interface name \"" + t.ifname + "\" is already used by " +
                            tunnel_ref(*it->second) + "; set \"interface\"");
        }
        if (auto [it, fresh] = peers.emplace(std::pair{t.remote, t.remote_id}, &t);
            !fresh && !t.remote_any)  // open remotes: check_open_remotes_across
            d.error(p + "/remote", t.remote.str(),
                    "same remote address and remote_id \"" + t.remote_id + "\" as " +
                        tunnel_ref(*it->second) +
                        "; IKE cannot tell them apart (set distinct \"remote_id\")");
        // The kernel's VTI receive path matches on the outer addresses only (never on the key) and
        // runs first: it takes every ESP packet between them and drops the other tunnels' packets
        // on its own mark's policy (XfrmInTmplMismatch). XFRM interfaces demultiplex by the SA.
        if (t.local.family == 0) continue;
        auto [it, fresh] = outer.emplace(std::pair{t.local, t.remote}, &t);
        if (fresh) continue;
        if (t.kind == vti::LinkKind::Vti || it->second->kind == vti::LinkKind::Vti)
            d.error(p + "/remote", t.remote.str(),
                    "same outer addresses " + t.local.str() + " -> " + t.remote.str() + " as " +
                        tunnel_ref(*it->second) +
                        " and one of them is a VTI: a VTI receives every ESP packet between its "
                        "outer addresses, so the other tunnel's traffic would be dropped; use "
                        "kind \"xfrm\" for tunnels that share outer addresses");
    }

    struct Ref {
        const Tunnel* t;
        size_t route;
        std::string ptr;
    };
    std::vector<Ref> routes;
    for (size_t i = 0; i < tunnels.size(); ++i)
        for (size_t r = 0; r < tunnels[i].routes.size(); ++r)
            routes.push_back({&tunnels[i], r, extras[i].pointer + "/routes/" + std::to_string(r)});
    if (routes.size() > kMaxRoutesChecked) {
        d.error_text(
            "/tunnels", std::to_string(routes.size()) + " routes",
            "at most " + std::to_string(kMaxRoutesChecked) + " routes in total are supported");
        return;
    }
    for (const auto& a : routes) {
        const Route& ra = a.t->routes[a.route];
        for (const auto& peer : tunnels) {
            if (peer.remote.family == ra.prefix.addr.family && ra.prefix.contains(peer.remote))
                d.error(a.ptr, ra.prefix.str(),
                        "contains " + peer.remote.str() + ", the outer address of " +
                            (&peer == a.t ? "this tunnel's own peer" : tunnel_ref(peer)) +
                            ": its ESP/IKE packets would be routed into a tunnel");
        }
    }
    for (size_t i = 0; i < routes.size(); ++i) {
        for (size_t j = 0; j < i; ++j) {
            const auto& a = routes[j];
            const auto& b = routes[i];
            if (a.t == b.t) continue;
            const Route& ra = a.t->routes[a.route];
            const Route& rb = b.t->routes[b.route];
            if (ra.table != rb.table || ra.prefix.addr.family != rb.prefix.addr.family ||
                !ra.prefix.overlaps(rb.prefix))
                continue;
            // The same prefix at different metrics is an active/standby pair (e.g. AWS tunnels).
            if (ra.prefix == rb.prefix && ra.metric != rb.metric) continue;
            d.error(b.ptr, rb.prefix.str(),
                    "overlaps " + ra.prefix.str() + " routed into " + tunnel_ref(*a.t) +
                        (ra.prefix == rb.prefix
                             ? " at the same metric; give the standby a higher metric"
                             : ""));
        }
    }
    for (size_t i = 0; i < tunnels.size(); ++i) {
        for (size_t j = 0; j < i; ++j) {
            const Inside& a = tunnels[j].inside;
            const Inside& b = tunnels[i].inside;
            if (a.local4 && b.local4 && a.local4->overlaps(*b.local4))
                d.error(extras[i].pointer + "/inside/local", b.local4->str(),
                        "overlaps the inside prefix of " + tunnel_ref(tunnels[j]));
            if (a.local6 && b.local6 && a.local6->overlaps(*b.local6))
                d.error(extras[i].pointer + "/inside/local6", b.local6->str(),
                        "overlaps the inside prefix of " + tunnel_ref(tunnels[j]));
        }
    }
}

}  // namespace gateway::detail
