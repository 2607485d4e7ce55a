// SPDX-License-Identifier: GPL-2.0-or-later
#include "gateway/reload.h"

#include <functional>
#include <map>

namespace gateway {

namespace {

struct Field {
    const char* name;
    /** True when IKE negotiated it (a change re-establishes the SAs). */
    bool ike;
    std::function<bool(const Tunnel&, const Tunnel&)> same;
};

template <class M>
Field field(const char* name, bool ike, M Tunnel::*member) {
    return {name, ike,
            [member](const Tunnel& a, const Tunnel& b) { return a.*member == b.*member; }};
}

bool same_auth(const Auth& a, const Auth& b) {
    return a.method == b.method && a.psk.kind == b.psk.kind && a.psk.location == b.psk.location &&
           a.psk.inline_value == b.psk.inline_value && a.cert == b.cert && a.key == b.key &&
           a.ca == b.ca;
}

bool same_inside(const Inside& a, const Inside& b) {
    return a.local4 == b.local4 && a.remote4 == b.remote4 && a.local6 == b.local6 &&
           a.remote6 == b.remote6;
}

bool same_routes(const std::vector<Route>& a, const std::vector<Route>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (a[i].prefix != b[i].prefix || a[i].metric != b[i].metric || a[i].table != b[i].table)
            return false;
    return true;
}

const std::vector<Field>& fields() {
    static const std::vector<Field> all = {
        field("local", true, &Tunnel::local),
        field("remote", true, &Tunnel::remote),
        field("local_id", true, &Tunnel::local_id),
        field("remote_id", true, &Tunnel::remote_id),
        {"auth", true, [](const Tunnel& a, const Tunnel& b) { return same_auth(a.auth, b.auth); }},
        field("kind", true, &Tunnel::kind),
        field("mark", true, &Tunnel::key),
        field("reqid", true, &Tunnel::reqid),
        field("ike_version", true, &Tunnel::ike_version),
        field("ike_proposals", true, &Tunnel::ike_proposals),
        field("esp_proposals", true, &Tunnel::esp_proposals),
        field("ike_lifetime", true, &Tunnel::ike_lifetime),
        field("esp_lifetime", true, &Tunnel::esp_lifetime),
        field("rekey_margin", true, &Tunnel::rekey_margin),
        field("rekey_fuzz", true, &Tunnel::rekey_fuzz),
        field("replay_window", true, &Tunnel::replay_window),
        {"dpd", true,
         [](const Tunnel& a, const Tunnel& b) {
             return a.dpd.interval == b.dpd.interval && a.dpd.timeout == b.dpd.timeout &&
                    a.dpd.action == b.dpd.action;
         }},
        field("start_action", true, &Tunnel::start_action),
        field("mobike", true, &Tunnel::mobike),
        {"nat_traversal", true,
         [](const Tunnel& a, const Tunnel& b) {
             return a.nat.enabled == b.nat.enabled && a.nat.force_encap == b.nat.force_encap &&
                    a.nat.keepalive == b.nat.keepalive;
         }},
        field("interface", false, &Tunnel::ifname),
        {"inside", false,
         [](const Tunnel& a, const Tunnel& b) { return same_inside(a.inside, b.inside); }},
        {"routes", false,
         [](const Tunnel& a, const Tunnel& b) { return same_routes(a.routes, b.routes); }},
        field("mtu", false, &Tunnel::mtu),
        {"mss", false,
         [](const Tunnel& a, const Tunnel& b) { return a.mss4 == b.mss4 && a.mss6 == b.mss6; }},
    };
    return all;
}

TunnelReload compare(const Tunnel& a, const Tunnel& b, bool same_underlay) {
    TunnelReload r;
    r.tunnel = a.name;
    bool ike = false;
    for (const auto& f : fields()) {
        if (f.same(a, b)) continue;
        r.changed.push_back(f.name);
        ike = ike || f.ike;
    }
    if (!same_underlay) r.changed.push_back("gateway.underlay");
    r.action = ike                 ? TunnelReload::Action::Reestablish
               : r.changed.empty() ? TunnelReload::Action::Keep
                                   : TunnelReload::Action::Update;
    return r;
}

}  // namespace

std::vector<TunnelReload> compare_configs(const Config& running, const Config& next) {
    std::map<std::string, const Tunnel*> by_name;
    for (const auto& t : next.tunnels) by_name[t.name] = &t;
    bool same_underlay = running.gateway.underlay == next.gateway.underlay;
    std::vector<TunnelReload> out;
    for (const auto& t : running.tunnels) {
        auto it = by_name.find(t.name);
        if (it == by_name.end()) {
            out.push_back({t.name, TunnelReload::Action::Remove, {}});
            continue;
        }
        out.push_back(compare(t, *it->second, same_underlay));
        by_name.erase(it);
    }
    for (const auto& t : next.tunnels)
        if (by_name.count(t.name)) out.push_back({t.name, TunnelReload::Action::Add, {}});
    return out;
}

const char* to_string(TunnelReload::Action a) {
    switch (a) {
        case TunnelReload::Action::Keep:
            return "keep";
        case TunnelReload::Action::Update:
            return "update";
        case TunnelReload::Action::Reestablish:
            return "re-establish";
        case TunnelReload::Action::Add:
            return "add";
        case TunnelReload::Action::Remove:
            return "remove";
    }
    return "?";
}

std::string describe(const TunnelReload& r) {
    std::string s = std::string(to_string(r.action)) + " " + r.tunnel;
    if (!r.changed.empty()) {
        s += " (changed: ";
        for (size_t i = 0; i < r.changed.size(); ++i) s += (i ? ", " : "") + r.changed[i];
        s += ")";
    }
    switch (r.action) {
        case TunnelReload::Action::Keep:
            s += ": SAs and kernel objects stay";
            break;
        case TunnelReload::Action::Update:
            s += ": kernel objects change, SAs stay";
            break;
        case TunnelReload::Action::Reestablish:
            s += ": SAs deleted and negotiated anew";
            break;
        default:
            break;
    }
    return s;
}

}  // namespace gateway
