// SPDX-License-Identifier: GPL-2.0-or-later
#include "gateway/loader.h"

#include <charconv>
#include <filesystem>
#include <regex>

#include "gateway/desired.h"
#include "gateway/json_reader.h"
#include "loader_internal.h"
#include "reserved.h"
#include "vti/manager.h"

namespace gateway {

using namespace detail;

namespace {

// The VTI manager's limit (vti/src/validate.cpp).
constexpr size_t kMaxRoutesPerTunnel = 256;

const std::vector<std::string_view>& tunnel_keys() {
    static const std::vector<std::string_view> keys = [] {
        std::vector<std::string_view> k = settings_keys();
        for (std::string_view extra : {"name", "remote", "local", "remote_id", "inside", "routes",
                                       "interface", "mark", "if_id", "reqid", "bgp", "mobike"})
            k.push_back(extra);
        return k;
    }();
    return keys;
}

/** gateway.metrics: {"listen": "ADDRESS:PORT" | "[IPv6]:PORT" | ":PORT"}, 127.0.0.1:9814 by
 *  default. */
void read_metrics(const json& v, const std::string& ptr, Diagnostics& d, MetricsEndpoint& m) {
    ObjectReader o(v, ptr, d, {"listen"}, "metrics");
    if (!o.ok()) return;
    m.enabled = true;
    const json* l = o.get("listen");
    if (!l) return;
    auto text = read_string(*l, o.at("listen"), d);
    if (!text) return;
    std::string host, port;
    auto colon = text->rfind(':');
    if (colon != std::string::npos) {
        host = text->substr(0, colon);
        port = text->substr(colon + 1);
    }
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    else if (host.find(':') != std::string::npos)
        host = "!";  // a bare IPv6 address needs brackets
    unsigned p = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (colon == std::string::npos || port.empty() || ec != std::errc() ||
        end != port.data() + port.size() || p == 0 || p > 65535) {
        d.error(o.at("listen"), *l,
                "expected ADDRESS:PORT, [IPv6]:PORT or :PORT with a port from 1 to 65535, "
                "e.g. \"127.0.0.1:9814\"");
        return;
    }
    if (!host.empty()) {
        auto a = vti::IpAddress::parse(host);
        if (!a) {
            d.error(o.at("listen"), *l, "\"" + host + "\" is not an IPv4 or [IPv6] address");
            return;
        }
        m.address = *a;
    }
    m.port = static_cast<uint16_t>(p);
}

std::optional<GatewayInfo> read_gateway(const json& v, Diagnostics& d) {
    ObjectReader o(v, "/gateway", d, {"name", "local", "underlay", "allow_weak_crypto", "metrics"},
                   "gateway");
    if (!o.ok()) return std::nullopt;
    GatewayInfo gw;
    if (auto* n = o.get("name")) {
        if (auto s = read_name(*n, o.at("name"), d, 64, "gateway name")) gw.name = *s;
    }
    if (auto* l = o.get("local"); l && l->is_string() && l->get<std::string>() == "auto") {
        gw.local_auto = true;
    } else if (l) {
        json list = l->is_array() ? *l : json::array({*l});
        if (list.empty()) d.error(o.at("local"), *l, "expected at least one underlay address");
        for (size_t i = 0; i < list.size(); ++i) {
            std::string ptr =
                l->is_array() ? o.at("local") + "/" + std::to_string(i) : o.at("local");
            if (auto a = read_address(list[i], ptr, d)) {
                if (std::find(gw.local.begin(), gw.local.end(), *a) != gw.local.end())
                    d.error(ptr, list[i], "address listed twice");
                else
                    gw.local.push_back(*a);
            }
        }
    } else {
        d.error_text("/gateway", "", "missing \"local\": the gateway's underlay address(es)");
    }
    if (auto* u = o.get("underlay")) {
        if (auto s = read_name(*u, o.at("underlay"), d, 15, "underlay interface name"))
            gw.underlay = *s;
    }
    if (auto* w = o.get("allow_weak_crypto")) {
        if (auto b = read_bool(*w, o.at("allow_weak_crypto"), d)) gw.allow_weak_crypto = *b;
    }
    if (auto* m = o.get("metrics")) read_metrics(*m, o.at("metrics"), d, gw.metrics);
    if (gw.local_auto && gw.underlay.empty())
        d.error_text("/gateway/local", "\"auto\"",
                     "\"auto\" takes the address of /gateway/underlay, which is missing");
    return gw;
}

bool valid_ifname(const std::string& s) {
    static const std::regex re("[A-Za-z0-9][A-Za-z0-9_.-]{0,14}");
    return std::regex_match(s, re);
}

void read_inside(const ObjectReader& t, Tunnel& tun) {
    const json* v = t.get("inside");
    if (!v) return;
    Diagnostics& d = t.diags();
    ObjectReader o(*v, t.at("inside"), d, {"local", "remote", "local6", "remote6"}, "inside");
    if (!o.ok()) return;
    if (auto* x = o.get("local")) tun.inside.local4 = read_prefix(*x, o.at("local"), d);
    if (auto* x = o.get("remote")) tun.inside.remote4 = read_address(*x, o.at("remote"), d);
    if (auto* x = o.get("local6")) tun.inside.local6 = read_prefix(*x, o.at("local6"), d);
    if (auto* x = o.get("remote6")) tun.inside.remote6 = read_address(*x, o.at("remote6"), d);
}

void read_routes(const ObjectReader& t, Tunnel& tun, const Settings& s) {
    const json* v = t.get("routes");
    if (!v) return;
    Diagnostics& d = t.diags();
    if (!v->is_array()) {
        d.error(t.at("routes"), *v, "expected an array of prefixes or {\"prefix\", \"metric\"}");
        return;
    }
    if (v->size() > kMaxRoutesPerTunnel) {
        d.error_text(t.at("routes"), std::to_string(v->size()) + " routes",
                     "at most " + std::to_string(kMaxRoutesPerTunnel) + " routes per tunnel");
        return;
    }
    for (size_t i = 0; i < v->size(); ++i) {
        std::string ptr = t.at("routes") + "/" + std::to_string(i);
        const json& r = (*v)[i];
        Route route;
        route.metric = s.metric.value.value_or(0);
        route.table = s.table.value.value_or(254);
        std::string prefix_ptr = ptr;
        const json* prefix = &r;
        if (r.is_object()) {
            ObjectReader o(r, ptr, d, {"prefix", "metric", "table"}, "route");
            prefix = o.get("prefix");
            prefix_ptr = o.at("prefix");
            if (!prefix) {
                d.error_text(ptr, "", "missing \"prefix\"");
                continue;
            }
            if (auto* m = o.get("metric")) {
                if (auto n = read_uint(*m, o.at("metric"), d, 0, UINT32_MAX, "metric"))
                    route.metric = *n;
            }
            if (auto* m = o.get("table")) {
                if (auto n = read_table(*m, o.at("table"), d)) route.table = *n;
            }
        }
        auto p = read_prefix(*prefix, prefix_ptr, d);
        if (!p) continue;
        if (!p->is_network()) {
            d.error(
                prefix_ptr, *prefix,
                "host bits set in a routed prefix (did you mean \"" + p->network().str() + "\"?)");
            continue;
        }
        route.prefix = *p;
        for (const auto& other : tun.routes)
            if (other.prefix == route.prefix && other.table == route.table)
                d.error(prefix_ptr, *prefix, "prefix listed twice in this tunnel");
        tun.routes.push_back(route);
    }
}

// Turns merged settings into resolved tunnel fields (every field is set by built-in defaults).
void apply_settings(Tunnel& t, const Settings& s) {
    t.profile = s.profile.value.value_or("");
    t.kind = *s.kind.value;
    t.ike_version = *s.ike_version.value;
    t.ike_proposals = *s.ike_proposals.value;
    t.esp_proposals = *s.esp_proposals.value;
    t.ike_lifetime = *s.ike_lifetime.value;
    t.esp_lifetime = *s.esp_lifetime.value;
    t.rekey_margin = *s.rekey_margin.value;
    t.rekey_fuzz = *s.rekey_fuzz.value;
    t.replay_window = *s.replay_window.value;
    t.dpd = Dpd{*s.dpd_interval.value, *s.dpd_timeout.value, *s.dpd_action.value};
    t.start_action = *s.start_action.value;
    t.nat = NatTraversal{*s.nat_enabled.value, *s.nat_force_encap.value, *s.nat_keepalive.value};
    t.mtu_setting = *s.mtu.value;
    t.mss_setting = *s.mss.value;
    t.underlay_mtu = *s.underlay_mtu.value;
    if (s.auth.value) t.auth = *s.auth.value;
}

std::optional<Tunnel> read_tunnel(const json& v, size_t index, const Settings& base,
                                  TunnelExtras& x, Diagnostics& d) {
    x.pointer = "/tunnels/" + std::to_string(index);
    ObjectReader o(v, x.pointer, d, tunnel_keys(), "tunnel");
    if (!o.ok()) return std::nullopt;
    size_t before = d.error_count();
    Tunnel t;
    t.index = index;
    Settings own = read_settings(o);
    Settings merged = builtin_settings();
    const auto& profile = own.profile.value ? own.profile : base.profile;
    if (profile.value) merged.overlay(*profile_settings(*profile.value));
    merged.overlay(base);
    merged.overlay(own);
    x.settings = merged;

    if (auto* n = o.get("name")) {
        static const std::regex re("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
        if (auto s = read_string(*n, o.at("name"), d)) {
            if (std::regex_match(*s, re))
                t.name = *s;
            else
                d.error(o.at("name"), *n,
                        "tunnel name must be 1 to 32 letters, digits, '_', '.' or '-', starting "
                        "with a letter or digit");
        }
    } else {
        d.error_text(x.pointer, "", "missing \"name\"");
    }
    if (auto* r = o.get("remote")) {
        if (r->is_string() && r->get<std::string>() == "any")
            t.remote_any = true;
        else if (auto a = read_address(*r, o.at("remote"), d))
            t.remote = *a;
    } else {
        d.error_text(x.pointer, "", "missing \"remote\": the peer's outer address (or \"any\")");
    }
    if (auto* l = o.get("local")) {
        if (auto a = read_address(*l, o.at("local"), d)) t.local = *a;
    }
    if (auto* m = o.get("mobike")) t.mobike = read_bool(*m, o.at("mobike"), d);
    if (auto* r = o.get("remote_id")) {
        if (auto s = read_name(*r, o.at("remote_id"), d, 255, "remote_id")) t.remote_id = *s;
    }
    if (auto* i = o.get("interface")) {
        if (auto s = read_string(*i, o.at("interface"), d)) {
            if (!valid_ifname(*s)) {
                d.error(o.at("interface"), *i,
                        "interface name must be 1 to 15 letters, digits, '_', '.' or '-'");
            } else if (auto why = reserved_interface_reason(*s)) {
                d.error(o.at("interface"), *i, *why + "; choose another name");
            } else {
                t.ifname = *s;
                x.explicit_ifname = true;
            }
        }
    }
    for (const char* k : {"mark", "if_id"}) {
        if (auto* m = o.get(k)) {
            if (!x.key_pointer.empty()) {
                d.error_text(o.at(k), "",
                             "give either \"mark\" (vti) or \"if_id\" (xfrm), not both");
                continue;
            }
            if (auto n = read_uint(*m, o.at(k), d, 1, UINT32_MAX, k)) {
                t.key = *n;
                x.key_pointer = o.at(k);
            }
        }
    }
    if (auto* r = o.get("reqid")) {
        if (auto n = read_uint(*r, o.at("reqid"), d, 1, INT32_MAX, "reqid")) {
            t.reqid = *n;
            x.explicit_reqid = true;
        }
    }
    // XFRM interfaces are the default (their per-packet policy lookup does not grow with the
    // tunnel count; docs/operations.md); a tunnel that gives a VTI's "mark" and no kind is a VTI.
    if (!own.kind.value && !base.kind.value && x.key_pointer.ends_with("/mark") &&
        !(profile.value && profile_settings(*profile.value)->kind.value)) {
        merged.kind.set(vti::LinkKind::Vti, x.key_pointer);
        x.settings.kind = merged.kind;
    }
    read_inside(o, t);
    read_routes(o, t, merged);
    if (auto* b = o.get("bgp")) x.bgp = read_tunnel_bgp(*b, o.at("bgp"), d);
    apply_settings(t, merged);
    if (merged.local_id.value) t.local_id = *merged.local_id.value;
    if (!merged.auth.value && before == d.error_count())
        d.error_text(x.pointer, "",
                     "missing \"auth\" (in the tunnel or in \"defaults\"): e.g. "
                     "{\"psk_file\": \"/etc/vtigw/tunnel.psk\"}");
    x.complete = d.error_count() == before;
    return t;
}

LoadResult load_unsorted(std::string_view text, const LoadOptions& options) {
    LoadResult result;
    Diagnostics& d = result.diagnostics;
    auto doc = parse_json_strict(text, d);
    if (!doc) return result;
    ObjectReader top(*doc, "", d, {"$schema", "gateway", "defaults", "tunnels", "bgp"},
                     "the configuration (top level)");
    if (!top.ok()) return result;

    std::optional<GatewayInfo> gw;
    if (auto* g = top.get("gateway"))
        gw = read_gateway(*g, d);
    else
        d.error_text("", "", "missing \"gateway\" object");

    std::optional<BgpGateway> bgp;
    if (auto* b = top.get("bgp")) bgp = read_bgp_gateway(*b, d);

    Settings base;
    if (auto* def = top.get("defaults")) {
        ObjectReader o(*def, "/defaults", d, settings_keys(), "defaults");
        if (o.ok()) base = read_settings(o);
    }

    std::vector<Tunnel> tunnels;
    std::vector<TunnelExtras> extras;
    const json* list = top.get("tunnels");
    if (!list || !list->is_array() || list->empty()) {
        d.error_text(list ? "/tunnels" : "", list ? render_value(*list) : "",
                     "expected \"tunnels\": a non-empty array of tunnel objects");
    } else if (list->size() > 4096) {
        d.error_text("/tunnels", std::to_string(list->size()) + " tunnels",
                     "at most 4096 tunnels are supported");
    } else {
        for (size_t i = 0; i < list->size(); ++i) {
            TunnelExtras x;
            if (auto t = read_tunnel((*list)[i], i, base, x, d)) {
                tunnels.push_back(std::move(*t));
                extras.push_back(std::move(x));
            }
        }
    }
    if (!gw) return result;

    // All errors at once: tunnels with field errors still get every check (failed fields fall
    // back to the lower layers); only tunnels without a usable name or remote are left out.
    std::vector<Tunnel> complete;
    std::vector<TunnelExtras> complete_extras;
    for (size_t i = 0; i < tunnels.size(); ++i) {
        if (tunnels[i].remote.family == 0 && !tunnels[i].remote_any) continue;
        validate_tunnel(tunnels[i], extras[i], *gw, options, d);
        // A `bgp` block with errors is reported already; its tunnels are not checked against it.
        if (extras[i].bgp && (bgp || !top.get("bgp")))
            resolve_tunnel_bgp(tunnels[i], *extras[i].bgp, bgp ? &*bgp : nullptr, options, d);
        if (!tunnels[i].name.empty()) {
            complete.push_back(std::move(tunnels[i]));
            complete_extras.push_back(std::move(extras[i]));
        }
    }
    tunnels = std::move(complete);
    extras = std::move(complete_extras);
    assign_identifiers(tunnels, extras, d);
    validate_across(tunnels, extras, d);
    check_open_remotes_across(tunnels, extras, d);
    warn_many_vtis(tunnels, extras, d);
    std::vector<std::string> pointers;
    for (const auto& x : extras) pointers.push_back(x.pointer);
    validate_bgp_across(tunnels, pointers, bgp ? &*bgp : nullptr, d);
    if (d.has_errors()) return result;
    Config config{std::move(*gw), std::move(tunnels), std::move(bgp)};
    // The VTI manager refuses what it cannot build; `check` must never pass such a config.
    if (auto v = vti::validate(to_desired_state(config)); !v.ok()) {
        d.error_text("", "", "the kernel model rejects this configuration: " + v.message());
        return result;
    }
    result.config = std::move(config);
    return result;
}

}  // namespace

LoadResult load_config_text(std::string_view text, const LoadOptions& options) {
    LoadResult result = load_unsorted(text, options);
    result.diagnostics.sort();
    return result;
}

LoadResult load_config_file(const std::string& path, const LoadOptions& options) {
    Diagnostics d;
    auto text = read_config_file(path, d);
    if (!text) {
        LoadResult r;
        r.diagnostics = std::move(d);
        return r;
    }
    LoadOptions with_base = options;
    if (with_base.base_dir.empty())
        with_base.base_dir = std::filesystem::absolute(path).parent_path().string();
    return load_config_text(*text, with_base);
}

}  // namespace gateway
