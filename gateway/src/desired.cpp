// SPDX-License-Identifier: GPL-2.0-or-later
#include "gateway/desired.h"

namespace gateway {

const char* to_string(vti::LinkKind k) {
    return k == vti::LinkKind::Vti ? "vti" : "xfrm";
}

const char* to_string(Dpd::Action a) {
    switch (a) {
        case Dpd::Action::Clear:
            return "clear";
        case Dpd::Action::Restart:
            return "restart";
        case Dpd::Action::Trap:
            return "trap";
        case Dpd::Action::None:
            return "none";
    }
    return "?";
}

const char* to_string(StartAction a) {
    switch (a) {
        case StartAction::Initiate:
            return "initiate";
        case StartAction::Respond:
            return "respond";
        case StartAction::OnDemand:
            return "on-demand";
    }
    return "?";
}

vti::TunnelSpec to_tunnel_spec(const Tunnel& t, const GatewayInfo& gw) {
    vti::TunnelSpec s;
    s.name = t.name;
    s.ifname = t.ifname;
    s.kind = t.kind;
    s.key = t.key;
    s.reqid = t.reqid;
    s.local = t.local;
    s.remote = t.remote;
    s.underlay = gw.underlay;
    s.mtu = t.mtu;
    if (t.inside.local4) s.addresses.push_back(*t.inside.local4);
    if (t.inside.local6) s.addresses.push_back(*t.inside.local6);
    for (const auto& r : t.routes) s.routes.push_back({r.prefix, r.metric, r.table});
    if (t.mss_setting.mode == MssSetting::Mode::Off) {
        s.mss.mode = vti::MssSpec::Mode::Off;
    } else {
        // Fixed values computed from the exact ESP overhead; "rt mtu" would trust whatever MTU
        // the route happens to carry.
        s.mss.mode = vti::MssSpec::Mode::Fixed;
        s.mss.ipv4 = static_cast<uint16_t>(t.mss4);
        s.mss.ipv6 = static_cast<uint16_t>(t.mss6);
    }
    return s;
}

vti::DesiredState to_desired_state(const Config& config) {
    vti::DesiredState d;
    for (const auto& t : config.tunnels) d.tunnels.push_back(to_tunnel_spec(t, config.gateway));
    // A BGP gateway's routes are FRR's (staticd): zebra prefers any kernel route over BGP.
    if (config.bgp)
        for (auto& t : d.tunnels) t.routes.clear();
    return d;
}

vti::DesiredState to_desired_state(const Config& config, const std::set<std::string>& demoted) {
    vti::DesiredState d = to_desired_state(config);
    for (size_t i = 0; i < d.tunnels.size(); ++i) {
        auto& t = d.tunnels[i];
        if (!demoted.count(t.name)) continue;
        if (config.tunnels[i].link_follows_sa) {
            t.up = false;
            t.routes.clear();
            continue;
        }
        for (auto& r : t.routes)
            r.metric = r.metric > UINT32_MAX - kDemotedMetricOffset
                           ? UINT32_MAX
                           : r.metric + kDemotedMetricOffset;
    }
    return d;
}

}  // namespace gateway
