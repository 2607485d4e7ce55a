// SPDX-License-Identifier: GPL-2.0-or-later
#include "gateway/frr_desired.h"

#include <unistd.h>

#include <algorithm>

#include "gateway/loader.h"

namespace gateway {

namespace {

frr::PrefixRule to_rule(const PrefixRule& r) {
    return {r.prefix.str(), r.ge, r.le};
}

std::vector<frr::PrefixRule> to_rules(const std::vector<PrefixRule>& rules) {
    std::vector<frr::PrefixRule> out;
    for (const auto& r : rules) out.push_back(to_rule(r));
    return out;
}

std::vector<frr::PrefixRule> exact_rules(const std::vector<vti::Prefix>& prefixes) {
    std::vector<frr::PrefixRule> out;
    for (const auto& p : prefixes) out.push_back({p.str(), 0, 0});
    return out;
}

void add_network(frr::Config& c, const vti::Prefix& p) {
    auto& list = p.addr.is_v6() ? c.announce_v6 : c.announce_v4;
    if (std::find(list.begin(), list.end(), p.str()) == list.end()) list.push_back(p.str());
}

bool on_inside_prefix(const Tunnel& t, const vti::IpAddress& a) {
    for (const auto& local : {t.inside.local4, t.inside.local6})
        if (local && local->addr.family == a.family && local->contains(a)) return true;
    return false;
}

}  // namespace

PasswordReader default_password_reader() {
    return [](const PskSource& source, std::string& error) { return read_psk(source, error); };
}

PasswordReader placeholder_password_reader() {
    return
        [](const PskSource&, std::string&) { return std::optional<Secret>(Secret("<redacted>")); };
}

std::string machine_hostname() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0) return "";
    return name;
}

bool runs_bgp(const Config& config) {
    return config.bgp.has_value();
}

std::optional<frr::Config> to_frr_config(const Config& config, const PasswordReader& read_password,
                                         const std::string& hostname, std::string& error) {
    if (!config.bgp) {
        error = "the configuration has no \"bgp\" block";
        return std::nullopt;
    }
    const BgpGateway& g = *config.bgp;
    frr::Config c;
    c.hostname = hostname;
    c.asn = g.asn;
    c.router_id = g.router_id.str();
    for (const auto& p : g.announce) add_network(c, p);
    c.accept = to_rules(g.accept);
    c.maximum_paths = g.maximum_paths;
    for (const auto& p : g.bfd_profiles)
        c.bfd_profiles.push_back({p.name, p.tx_ms, p.rx_ms, p.multiplier});
    c.kernel_nexthop_groups = g.frr.kernel_nexthop_groups;
    c.extra_lines = g.frr.extra_config;

    for (const auto& t : config.tunnels) {
        for (const auto& r : t.routes)
            c.static_routes.push_back(
                {r.prefix.str(), std::nullopt, t.ifname, std::max<uint32_t>(r.metric, 1)});
        if (!t.bgp) continue;
        const TunnelBgp& b = *t.bgp;
        frr::Neighbor n;
        n.address = b.peer.str();
        n.asn = b.peer_asn;
        n.interface = t.ifname;
        n.description = t.name;
        n.keepalive_s = b.keepalive;
        n.hold_s = b.hold;
        n.connect_s = b.connect;
        n.passive = b.passive;
        if (!b.bfd_profile.empty()) n.bfd_profile = b.bfd_profile;
        n.med_out = b.med;
        n.prepend = b.prepend;
        n.multihop = b.multihop;
        n.max_prefix_out = b.max_prefix_out;
        n.max_prefix_in = b.max_prefix_in;
        if (b.password) {
            std::string why;
            auto pw = read_password(*b.password, why);
            if (!pw) {
                error = "tunnel " + t.name + ": BGP password " + why;
                return std::nullopt;
            }
            n.password = pw->reveal();
        }
        if (b.accept) n.accept = to_rules(*b.accept);
        if (b.announce) {
            n.announce = exact_rules(*b.announce);
            for (const auto& p : *b.announce) add_network(c, p);
        }
        if (!on_inside_prefix(t, b.peer))
            c.static_routes.push_back(
                {vti::Prefix{b.peer, static_cast<uint8_t>(b.peer.size() * 8)}.str(), std::nullopt,
                 t.ifname, 1});
        c.neighbors.push_back(std::move(n));
    }
    return c;
}

}  // namespace gateway
