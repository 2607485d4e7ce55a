// SPDX-License-Identifier: GPL-2.0-or-later
// Reading the top-level `bgp` block and the tunnels' `bgp` blocks (field by field; checks
// that need the tunnel or the whole file are in bgp_validate.cpp).
#include <algorithm>
#include <regex>

#include "bgp_internal.h"

namespace gateway::detail {

namespace {

constexpr uint32_t kMaxAsn = 4294967294u;  // 4294967295 is reserved

// AS numbers that no BGP speaker may use: AS_TRANS (RFC 6793) and the last 16- and 32-bit ASNs
// (RFC 7300); 0 is refused by the range already (RFC 7607).
bool reserved_asn(uint32_t asn) {
    return asn == 23456 || asn == 65535;
}

std::optional<uint32_t> read_asn(const json& v, const std::string& ptr, Diagnostics& d) {
    auto n = read_uint(v, ptr, d, 1, kMaxAsn, "ASN");
    if (n && reserved_asn(*n)) {
        d.error(ptr, v,
                "reserved ASN (23456 is AS_TRANS, 65535 is reserved); use a private ASN "
                "such as 64512-65534 or 4200000000-4294967294");
        return std::nullopt;
    }
    return n;
}

std::optional<vti::Prefix> read_network(const json& v, const std::string& ptr, Diagnostics& d) {
    auto p = read_prefix(v, ptr, d);
    if (p && !p->is_network()) {
        d.error(ptr, v, "host bits set (did you mean \"" + p->network().str() + "\"?)");
        return std::nullopt;
    }
    return p;
}

std::optional<std::vector<vti::Prefix>> read_announce(const json& v, const std::string& ptr,
                                                      Diagnostics& d) {
    if (!v.is_array()) {
        d.error(ptr, v, "expected an array of prefixes such as [\"10.80.0.0/24\"]");
        return std::nullopt;
    }
    std::vector<vti::Prefix> out;
    bool ok = true;
    for (size_t i = 0; i < v.size(); ++i) {
        std::string p = ptr + "/" + std::to_string(i);
        auto n = read_network(v[i], p, d);
        if (!n) {
            ok = false;
        } else if (std::find(out.begin(), out.end(), *n) != out.end()) {
            d.error(p, v[i], "prefix listed twice");
            ok = false;
        } else {
            out.push_back(*n);
        }
    }
    if (!ok) return std::nullopt;
    return out;
}

std::optional<PrefixRule> read_rule(const json& v, const std::string& ptr, Diagnostics& d) {
    if (!v.is_object()) {
        auto p = read_network(v, ptr, d);
        if (!p) return std::nullopt;
        return PrefixRule{*p, 0, 0};
    }
    ObjectReader o(v, ptr, d, {"prefix", "ge", "le"}, "accept rule");
    const json* pv = o.get("prefix");
    if (!pv) {
        d.error_text(ptr, "", "missing \"prefix\"");
        return std::nullopt;
    }
    auto p = read_network(*pv, o.at("prefix"), d);
    if (!p) return std::nullopt;
    unsigned bits = p->addr.size() * 8;
    PrefixRule r{*p, 0, 0};
    for (const char* k : {"ge", "le"}) {
        const json* x = o.get(k);
        if (!x) continue;
        auto n = read_uint(*x, o.at(k), d, p->len + 1u, bits, k);
        if (!n) return std::nullopt;
        (k[0] == 'g' ? r.ge : r.le) = static_cast<uint8_t>(*n);
    }
    if (r.ge && r.le && r.ge > r.le) {
        d.error(o.at("le"), *o.get("le"), "le must be at least ge (" + std::to_string(r.ge) + ")");
        return std::nullopt;
    }
    return r;
}

std::optional<std::vector<PrefixRule>> read_accept(const json& v, const std::string& ptr,
                                                   Diagnostics& d) {
    if (!v.is_array()) {
        d.error(ptr, v,
                "expected an array of prefixes or {\"prefix\", \"ge\", \"le\"} (empty: accept "
                "nothing)");
        return std::nullopt;
    }
    std::vector<PrefixRule> out;
    bool ok = true;
    for (size_t i = 0; i < v.size(); ++i) {
        if (auto r = read_rule(v[i], ptr + "/" + std::to_string(i), d))
            out.push_back(*r);
        else
            ok = false;
    }
    if (!ok) return std::nullopt;
    return out;
}

bool valid_token(const std::string& s) {
    static const std::regex re("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
    return std::regex_match(s, re);
}

void read_bfd_profiles(const ObjectReader& o, BgpGateway& b) {
    const json* v = o.get("bfd_profiles");
    if (!v) return;
    Diagnostics& d = o.diags();
    if (!v->is_object()) {
        d.error(o.at("bfd_profiles"), *v,
                "expected an object of profiles, e.g. {\"fast\": {\"tx_ms\": 300, \"rx_ms\": 300, "
                "\"multiplier\": 3}}");
        return;
    }
    for (const auto& [name, body] : v->items()) {
        std::string ptr = o.at("bfd_profiles") + "/" + pointer_token(name);
        if (!valid_token(name)) {
            d.error_text(ptr, render_value(json(name)),
                         "profile name must be 1 to 32 letters, digits, '_', '.' or '-'");
            continue;
        }
        ObjectReader p(body, ptr, d, {"tx_ms", "rx_ms", "multiplier"}, "BFD profile");
        if (!p.ok()) continue;
        BfdProfile prof;
        prof.name = name;
        if (auto* x = p.get("tx_ms"))
            prof.tx_ms = read_uint(*x, p.at("tx_ms"), d, 10, 60000, "tx_ms").value_or(300);
        if (auto* x = p.get("rx_ms"))
            prof.rx_ms = read_uint(*x, p.at("rx_ms"), d, 10, 60000, "rx_ms").value_or(300);
        if (auto* x = p.get("multiplier"))
            prof.multiplier =
                read_uint(*x, p.at("multiplier"), d, 2, 255, "multiplier").value_or(3);
        b.bfd_profiles.push_back(prof);
    }
}

// `extra_config`: lines handed to FRR verbatim. Each must stay one line: a line break or another
// control character would smuggle in lines `check` never saw.
void read_extra_config(const json& v, const std::string& ptr, Diagnostics& d, BgpGateway& b) {
    constexpr size_t kMaxLines = 256, kMaxLength = 512;
    if (!v.is_array() || v.size() > kMaxLines) {
        d.error(ptr, v,
                "expected an array of at most " + std::to_string(kMaxLines) +
                    " FRR configuration lines, e.g. [\"bgp log-neighbor-changes\"]");
        return;
    }
    for (size_t i = 0; i < v.size(); ++i) {
        std::string p = ptr + "/" + std::to_string(i);
        if (!v[i].is_string()) {
            d.error(p, v[i], "expected a string (one FRR configuration line)");
            continue;
        }
        const auto& line = v[i].get_ref<const std::string&>();
        bool control = std::any_of(line.begin(), line.end(), [](char ch) {
            auto u = static_cast<unsigned char>(ch);
            return u < 0x20 || u == 0x7f;
        });
        if (control)
            d.error(p, v[i],
                    "a line break or control character in an FRR line; give each line as its "
                    "own string");
        else if (line.find_first_not_of(' ') == std::string::npos)
            d.error(p, v[i], "blank FRR line");
        else if (line.size() > kMaxLength)
            d.error(p, v[i], "longer than " + std::to_string(kMaxLength) + " characters");
        else
            b.frr.extra_config.push_back(line);
    }
}

void read_frr(const ObjectReader& o, BgpGateway& b) {
    const json* v = o.get("frr");
    if (!v) return;
    Diagnostics& d = o.diags();
    ObjectReader f(
        *v, o.at("frr"), d,
        {"managed", "pathspace", "reload_timeout", "kernel_nexthop_groups", "extra_config"}, "frr");
    if (!f.ok()) return;
    if (auto* x = f.get("managed"))
        b.frr.managed = read_bool(*x, f.at("managed"), d).value_or(true);
    if (auto* x = f.get("pathspace")) {
        auto s = read_string(*x, f.at("pathspace"), d);
        if (s && valid_token(*s))
            b.frr.pathspace = *s;
        else if (s)
            d.error(f.at("pathspace"), *x,
                    "pathspace must be 1 to 32 letters, digits, '_', '.' or '-' (FRR's -N name)");
    }
    if (auto* x = f.get("reload_timeout"))
        b.frr.reload_timeout = read_duration(*x, f.at("reload_timeout"), d, 5, 3600).value_or(60);
    if (auto* x = f.get("kernel_nexthop_groups"))
        b.frr.kernel_nexthop_groups =
            read_bool(*x, f.at("kernel_nexthop_groups"), d).value_or(false);
    if (auto* x = f.get("extra_config")) read_extra_config(*x, f.at("extra_config"), d, b);
}

// `password_file` / `password_env`: sources like a PSK's; the value itself is never echoed.
void read_password(const ObjectReader& o, BgpInput& in) {
    Diagnostics& d = o.diags();
    const json* file = o.get("password_file");
    const json* env = o.get("password_env");
    if (file && env) {
        d.error_text(o.pointer(), "",
                     "give either \"password_file\" or \"password_env\", not both");
        return;
    }
    if (file) {
        if (auto s = read_name(*file, o.at("password_file"), d, 4096, "password_file")) {
            in.password = PskSource{PskSource::Kind::File, *s, {}};
            in.password_pointer = o.at("password_file");
        }
    } else if (env) {
        static const std::regex name_re("[A-Za-z_][A-Za-z0-9_]{0,254}");
        if (env->is_string() && std::regex_match(env->get_ref<const std::string&>(), name_re)) {
            in.password = PskSource{PskSource::Kind::Env, env->get<std::string>(), {}};
            in.password_pointer = o.at("password_env");
        } else {
            d.error_text(o.at("password_env"), "<redacted>",
                         "expected an environment variable name ([A-Za-z_][A-Za-z0-9_]*); the "
                         "password itself belongs in the environment, not here");
        }
    }
}

}  // namespace

std::optional<BgpGateway> read_bgp_gateway(const json& v, Diagnostics& d) {
    ObjectReader o(
        v, "/bgp", d,
        {"asn", "router_id", "announce", "accept", "maximum_paths", "bfd_profiles", "frr"}, "bgp");
    if (!o.ok()) return std::nullopt;
    size_t before = d.error_count();
    BgpGateway b;
    if (auto* x = o.get("asn")) {
        if (auto n = read_asn(*x, o.at("asn"), d)) b.asn = *n;
    } else {
        d.error_text("/bgp", "", "missing \"asn\": this gateway's autonomous system number");
    }
    if (auto* x = o.get("router_id")) {
        auto a = read_address(*x, o.at("router_id"), d);
        if (a && a->is_v4())
            b.router_id = *a;
        else if (a)
            d.error(o.at("router_id"), *x, "the router ID is an IPv4 address (even for IPv6 BGP)");
    } else {
        d.error_text("/bgp", "",
                     "missing \"router_id\": an IPv4 address unique among the gateways and peers, "
                     "e.g. the LAN address");
    }
    if (auto* x = o.get("announce"))
        b.announce = read_announce(*x, o.at("announce"), d).value_or(std::vector<vti::Prefix>{});
    if (auto* x = o.get("accept"))
        b.accept = read_accept(*x, o.at("accept"), d).value_or(std::vector<PrefixRule>{});
    if (auto* x = o.get("maximum_paths"))
        b.maximum_paths =
            read_uint(*x, o.at("maximum_paths"), d, 1, 64, "maximum_paths (1: no ECMP)")
                .value_or(4);
    read_bfd_profiles(o, b);
    read_frr(o, b);
    if (d.error_count() != before) return std::nullopt;
    return b;
}

std::optional<BgpInput> read_tunnel_bgp(const json& v, const std::string& pointer, Diagnostics& d) {
    ObjectReader o(
        v, pointer, d,
        {"peer", "peer_asn", "profile", "bfd", "med", "prepend", "multihop", "keepalive", "hold",
         "passive", "password_file", "password_env", "announce", "accept", "max_prefix_in"},
        "tunnel bgp");
    if (!o.ok()) return std::nullopt;
    size_t before = d.error_count();
    BgpInput in;
    in.pointer = pointer;
    if (auto* x = o.get("peer")) in.peer = read_address(*x, o.at("peer"), d);
    if (auto* x = o.get("peer_asn"))
        in.peer_asn = read_asn(*x, o.at("peer_asn"), d);
    else
        d.error_text(pointer, "", "missing \"peer_asn\": the peer's autonomous system number");
    if (auto* x = o.get("profile")) {
        if (auto i = read_choice(*x, o.at("profile"), d, bgp_profile_names()))
            in.profile = static_cast<BgpProfile>(*i);
    }
    if (auto* x = o.get("bfd")) {
        if (x->is_boolean())
            in.bfd = x->get<bool>() ? kDefaultBfdProfile : "";
        else if (x->is_string() && valid_token(x->get<std::string>()))
            in.bfd = x->get<std::string>();
        else
            d.error(o.at("bfd"), *x, "expected true, false or the name of a BFD profile");
    }
    struct Num {
        const char* key;
        std::optional<uint32_t>* dst;
        uint32_t min, max;
        const char* what;
    };
    for (const Num& n :
         {Num{"med", &in.med, 0, UINT32_MAX, "med"}, Num{"prepend", &in.prepend, 0, 10, "prepend"},
          Num{"multihop", &in.multihop, 1, 255, "multihop (TTL)"},
          Num{"keepalive", &in.keepalive, 0, 65535, "keepalive (seconds)"},
          Num{"hold", &in.hold, 0, 65535, "hold (seconds)"},
          Num{"max_prefix_in", &in.max_prefix_in, 1, UINT32_MAX, "max_prefix_in"}}) {
        if (auto* x = o.get(n.key)) *n.dst = read_uint(*x, o.at(n.key), d, n.min, n.max, n.what);
    }
    if (auto* x = o.get("passive")) in.passive = read_bool(*x, o.at("passive"), d);
    read_password(o, in);
    if (auto* x = o.get("announce")) in.announce = read_announce(*x, o.at("announce"), d);
    if (auto* x = o.get("accept")) in.accept = read_accept(*x, o.at("accept"), d);
    if (d.error_count() != before) return std::nullopt;
    return in;
}

}  // namespace gateway::detail
