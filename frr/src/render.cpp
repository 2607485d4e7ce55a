// SPDX-License-Identifier: GPL-2.0-or-later
#include "frr/render.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "frr/reloader.h"

namespace frr {

namespace {

bool is_v6(const std::string& prefix_or_address) {
    return prefix_or_address.find(':') != std::string::npos;
}

// FRR prints the `ip`/`ipv6` flavour of a command by the address family.
const char* ip_keyword(bool v6) {
    return v6 ? "ipv6" : "ip";
}

std::vector<const Neighbor*> by_description(const Config& c) {
    std::vector<const Neighbor*> out;
    for (const auto& n : c.neighbors) out.push_back(&n);
    std::stable_sort(out.begin(), out.end(), [](const Neighbor* a, const Neighbor* b) {
        return a->description < b->description;
    });
    return out;
}

std::vector<PrefixRule> exact(const std::vector<std::string>& prefixes) {
    std::vector<PrefixRule> out;
    for (const auto& p : prefixes) out.push_back({p, 0, 0});
    return out;
}

// The entries of `rules` of one family, first occurrence kept (FRR refuses duplicates).
std::vector<PrefixRule> of_family(const std::vector<PrefixRule>& rules, bool v6) {
    std::vector<PrefixRule> out;
    for (const auto& r : rules)
        if (is_v6(r.prefix) == v6 && std::find(out.begin(), out.end(), r) == out.end())
            out.push_back(r);
    return out;
}

std::string prefix_list(const std::string& name, const std::vector<PrefixRule>& rules, bool v6) {
    std::string out;
    unsigned seq = 5;
    for (const auto& r : rules) {
        out += std::string(ip_keyword(v6)) + " prefix-list " + name + " seq " +
               std::to_string(seq) + " permit " + r.prefix;
        if (r.ge) out += " ge " + std::to_string(r.ge);
        if (r.le) out += " le " + std::to_string(r.le);
        out += "\n";
        seq += 5;
    }
    return out;
}

// The prefix-list a neighbor's route-map matches, for one direction.
struct Filter {
    /** Name of the list; its entries are rendered only when `own`. */
    std::string list;
    /** Entries of the neighbor's family; empty: the route-map denies everything. */
    std::vector<PrefixRule> rules;
    /** True when the list belongs to this neighbor (an override), false for a shared one. */
    bool own = false;
};

Filter filter_for(const Neighbor& n, bool out, const Config& c) {
    bool v6 = is_v6(n.address);
    const auto& override_rules = out ? n.announce : n.accept;
    std::string base = out ? "announce" : "accept";
    Filter f;
    if (override_rules) {
        f.list = "vtigw-" + n.description + "-" + base;
        f.rules = of_family(*override_rules, v6);
        f.own = true;
    } else {
        f.list = "vtigw-" + base + (v6 ? "6" : "");
        f.rules = of_family(out ? exact(v6 ? c.announce_v6 : c.announce_v4) : c.accept, v6);
    }
    return f;
}

std::string route_map(const Neighbor& n, bool out, const Filter& f, uint32_t asn) {
    std::string name = "vtigw-" + n.description + (out ? "-out" : "-in");
    if (f.rules.empty()) return "route-map " + name + " deny 10\nexit\n!\n";
    std::string s = "route-map " + name + " permit 10\n";
    s += std::string(" match ") + ip_keyword(is_v6(n.address)) + " address prefix-list " + f.list +
         "\n";
    if (out && n.prepend) {
        s += " set as-path prepend";
        for (uint32_t i = 0; i < n.prepend; ++i) s += " " + std::to_string(asn);
        s += "\n";
    }
    if (out && n.med_out) s += " set metric " + std::to_string(*n.med_out) + "\n";
    return s + "exit\n!\n";
}

// Lines in the order FRR 8.4's bgp_config_write_peer prints them.
std::string neighbor_lines(const Neighbor& n, bool redact) {
    std::string p = " neighbor " + n.address + " ";
    std::string s = p + "remote-as " + std::to_string(n.asn) + "\n";
    s += p + "description " + n.description + "\n";
    if (n.bfd_profile) s += p + "bfd\n" + p + "bfd profile " + *n.bfd_profile + "\n";
    if (!n.password.empty()) s += p + "password " + (redact ? "<redacted>" : n.password) + "\n";
    if (n.passive) s += p + "passive\n";
    if (n.multihop) s += p + "ebgp-multihop " + std::to_string(n.multihop) + "\n";
    if (n.disable_connected_check) s += p + "disable-connected-check\n";
    s += p + "timers " + std::to_string(n.keepalive_s) + " " + std::to_string(n.hold_s) + "\n";
    s += p + "timers connect " + std::to_string(n.connect_s) + "\n";
    return s;
}

std::string address_family(const Config& c, const std::vector<const Neighbor*>& neighbors,
                           bool v6) {
    const auto& networks = v6 ? c.announce_v6 : c.announce_v4;
    std::string body;
    std::set<std::string> seen;
    for (const auto& p : networks)
        if (seen.insert(p).second) body += "  network " + p + "\n";
    for (const Neighbor* n : neighbors) {
        if (is_v6(n->address) != v6) continue;
        std::string p = "  neighbor " + n->address + " ";
        body += p + "activate\n";
        if (n->max_prefix_in)
            body += p + "maximum-prefix " + std::to_string(n->max_prefix_in) + "\n";
        if (n->max_prefix_out)
            body += p + "maximum-prefix-out " + std::to_string(n->max_prefix_out) + "\n";
        body += p + "route-map vtigw-" + n->description + "-in in\n";
        body += p + "route-map vtigw-" + n->description + "-out out\n";
    }
    if (body.empty()) return "";
    body += "  maximum-paths " + std::to_string(c.maximum_paths) + "\n";
    return std::string(" !\n address-family ") + (v6 ? "ipv6" : "ipv4") + " unicast\n" + body +
           " exit-address-family\n";
}

std::string static_routes(const Config& c) {
    std::vector<const StaticRoute*> routes;
    for (const auto& r : c.static_routes) routes.push_back(&r);
    // IPv4 first, as FRR prints them; within a family by text, then interface and distance.
    std::stable_sort(routes.begin(), routes.end(), [](const StaticRoute* a, const StaticRoute* b) {
        auto key = [](const StaticRoute* r) {
            return std::make_tuple(is_v6(r->prefix), r->prefix, r->interface, r->distance);
        };
        return key(a) < key(b);
    });
    std::string s;
    const StaticRoute* last = nullptr;
    for (const StaticRoute* r : routes) {
        if (last && *last == *r) continue;
        last = r;
        s += std::string(ip_keyword(is_v6(r->prefix))) + " route " + r->prefix;
        if (r->nexthop) s += " " + *r->nexthop;
        s += " " + r->interface;
        if (r->distance != 1) s += " " + std::to_string(r->distance);
        s += "\n";
    }
    return s.empty() ? s : s + "!\n";
}

// FRR omits a profile's values that equal bfdd's defaults (300 ms, 300 ms, 3).
std::string bfd_section(const Config& c) {
    if (c.bfd_profiles.empty()) return "";
    std::vector<BfdProfile> profiles = c.bfd_profiles;
    std::stable_sort(profiles.begin(), profiles.end(),
                     [](const BfdProfile& a, const BfdProfile& b) { return a.name < b.name; });
    std::string s = "bfd\n";
    for (const auto& p : profiles) {
        s += " profile " + p.name + "\n";
        if (p.multiplier != 3) s += "  detect-multiplier " + std::to_string(p.multiplier) + "\n";
        if (p.tx_ms != 300) s += "  transmit-interval " + std::to_string(p.tx_ms) + "\n";
        if (p.rx_ms != 300) s += "  receive-interval " + std::to_string(p.rx_ms) + "\n";
        s += " exit\n !\n";
    }
    return s + "exit\n!\n";
}

std::string render_text(const Config& c, bool redact) {
    std::string s = "frr defaults traditional\n";
    if (!c.hostname.empty()) s += "hostname " + c.hostname + "\n";
    if (!c.kernel_nexthop_groups) s += "no zebra nexthop kernel enable\n";
    s += "service integrated-vtysh-config\n!\n";
    s += static_routes(c);

    auto neighbors = by_description(c);
    s += "router bgp " + std::to_string(c.asn) + "\n";
    s += " bgp router-id " + c.router_id + "\n";
    // Each neighbor is activated only in its own family (an IPv4 session carries IPv4 only).
    s += " no bgp default ipv4-unicast\n";
    for (const Neighbor* n : neighbors) s += neighbor_lines(*n, redact);
    s += address_family(c, neighbors, false);
    s += address_family(c, neighbors, true);
    s += "exit\n!\n";

    // Prefix-lists: the shared ones, then each neighbor's overrides; IPv4 before IPv6.
    std::string lists[2];
    for (bool v6 : {false, true}) {
        lists[v6] +=
            prefix_list(v6 ? "vtigw-accept6" : "vtigw-accept", of_family(c.accept, v6), v6);
        lists[v6] += prefix_list(v6 ? "vtigw-announce6" : "vtigw-announce",
                                 of_family(exact(v6 ? c.announce_v6 : c.announce_v4), v6), v6);
    }
    std::string maps;
    for (const Neighbor* n : neighbors) {
        bool v6 = is_v6(n->address);
        for (bool out : {false, true}) {
            Filter f = filter_for(*n, out, c);
            if (f.own) lists[v6] += prefix_list(f.list, f.rules, v6);
            maps += route_map(*n, out, f, c.asn);
        }
    }
    for (const auto& l : lists)
        if (!l.empty()) s += l + "!\n";
    s += maps;
    s += bfd_section(c);
    if (!c.extra_lines.empty()) {
        for (const auto& line : c.extra_lines) s += (redact ? mask_passwords(line) : line) + "\n";
        s += "!\n";
    }
    return s;
}

bool plain_token(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
        auto u = static_cast<unsigned char>(ch);
        return u > 0x20 && u < 0x7f;
    });
}

// A whole configuration line: something besides blanks, and no line break or other control
// character that would start a second line.
bool printable_line(const std::string& s) {
    bool visible = false;
    for (char ch : s) {
        auto u = static_cast<unsigned char>(ch);
        if (u < 0x20 || u == 0x7f) return false;
        visible = visible || u != ' ';
    }
    return visible;
}

}  // namespace

std::string render(const Config& config) {
    return render_text(config, false);
}

std::string render_redacted(const Config& config) {
    return render_text(config, true);
}

std::string invalid_reason(const Config& c) {
    if (c.asn == 0) return "no local ASN";
    if (!plain_token(c.router_id)) return "router ID \"" + c.router_id + "\" is not a token";
    if (!c.hostname.empty() && !plain_token(c.hostname))
        return "hostname \"" + c.hostname + "\" is not a token";
    if (c.maximum_paths == 0) return "maximum-paths 0";
    std::set<std::string> profiles, addresses, descriptions;
    for (const auto& p : c.bfd_profiles) {
        if (!plain_token(p.name)) return "BFD profile name \"" + p.name + "\" is not a token";
        if (!profiles.insert(p.name).second) return "BFD profile " + p.name + " defined twice";
    }
    for (const auto& n : c.neighbors) {
        if (!plain_token(n.address) || !plain_token(n.description))
            return "neighbor \"" + n.address + "\" / \"" + n.description + "\" is not a token";
        if (!n.password.empty() && !plain_token(n.password))
            return "neighbor " + n.address + ": password contains blanks or control characters";
        if (!addresses.insert(n.address).second) return "neighbor " + n.address + " twice";
        if (!descriptions.insert(n.description).second)
            return "neighbor description " + n.description + " twice";
        if (n.bfd_profile && !profiles.count(*n.bfd_profile))
            return "neighbor " + n.address + ": unknown BFD profile " + *n.bfd_profile;
        for (const auto* rules :
             {n.accept ? &*n.accept : nullptr, n.announce ? &*n.announce : nullptr})
            if (rules)
                for (const auto& r : *rules)
                    if (!plain_token(r.prefix)) return "prefix \"" + r.prefix + "\" is not a token";
    }
    for (const auto* list : {&c.announce_v4, &c.announce_v6})
        for (const auto& p : *list)
            if (!plain_token(p)) return "prefix \"" + p + "\" is not a token";
    for (const auto& r : c.accept)
        if (!plain_token(r.prefix)) return "prefix \"" + r.prefix + "\" is not a token";
    for (const auto& r : c.static_routes)
        if (!plain_token(r.prefix) || !plain_token(r.interface) ||
            (r.nexthop && !plain_token(*r.nexthop)))
            return "static route " + r.prefix + " has an invalid token";
    for (const auto& line : c.extra_lines)
        if (!printable_line(line))
            return "extra line \"" + line + "\" is blank or holds control characters";
    return "";
}

}  // namespace frr
