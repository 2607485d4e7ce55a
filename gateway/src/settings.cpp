// SPDX-License-Identifier: GPL-2.0-or-later
#include "settings.h"

#include <regex>

namespace gateway::detail {

namespace {

constexpr uint32_t kMaxLifetime = 7 * 86400;

std::optional<Auth> read_auth(const json& v, const std::string& ptr, Diagnostics& d) {
    ObjectReader o(v, ptr, d, {"method", "psk_file", "psk_env", "psk", "cert", "key", "ca"},
                   "auth");
    if (!o.ok()) return std::nullopt;
    size_t before = d.error_count();
    Auth auth;
    bool has_psk = o.get("psk_file") || o.get("psk_env") || o.get("psk");
    bool has_cert = o.get("cert") || o.get("key") || o.get("ca");
    auth.method = has_cert && !has_psk ? Auth::Method::X509 : Auth::Method::Psk;
    if (auto* m = o.get("method")) {
        if (auto i = read_choice(*m, o.at("method"), d, {"psk", "x509"}))
            auth.method = *i == 0 ? Auth::Method::Psk : Auth::Method::X509;
    }
    if (auth.method == Auth::Method::Psk) {
        int sources = 0;
        if (auto* f = o.get("psk_file")) {
            ++sources;
            if (auto s = read_name(*f, o.at("psk_file"), d, 4096, "psk_file")) {
                auth.psk.kind = PskSource::Kind::File;
                auth.psk.location = *s;
            }
        }
        if (auto* e = o.get("psk_env")) {
            ++sources;
            // Not echoed when malformed: a key pasted here by mistake must not reach the output.
            static const std::regex name_re("[A-Za-z_][A-Za-z0-9_]{0,254}");
            if (e->is_string() && std::regex_match(e->get_ref<const std::string&>(), name_re)) {
                auth.psk.kind = PskSource::Kind::Env;
                auth.psk.location = e->get<std::string>();
            } else {
                d.error_text(o.at("psk_env"), "<redacted>",
                             "expected an environment variable name ([A-Za-z_][A-Za-z0-9_]*); "
                             "the key itself belongs in the environment, not here");
            }
        }
        if (auto* p = o.get("psk")) {
            ++sources;
            if (auto s = read_string(*p, o.at("psk"), d, true)) {
                auth.psk.kind = PskSource::Kind::Inline;
                auth.psk.inline_value = Secret(std::move(*s));
                d.warning_text(o.at("psk"), "<redacted>",
                               "inline pre-shared key: prefer psk_file (mode 0600) or psk_env");
            }
        }
        if (sources != 1)
            d.error_text(ptr, "",
                         "PSK authentication needs exactly one of \"psk_file\", \"psk_env\" or "
                         "\"psk\" (found " +
                             std::to_string(sources) + ")");
        for (const char* k : {"cert", "key", "ca"})
            if (o.get(k)) d.error_text(o.at(k), "", "only valid with \"method\": \"x509\"");
    } else {
        for (const char* k : {"cert", "key"}) {
            if (auto* f = o.get(k)) {
                if (auto s = read_name(*f, o.at(k), d, 4096, k))
                    (k[0] == 'c' ? auth.cert : auth.key) = *s;
            } else {
                d.error_text(ptr, "", std::string("X.509 authentication needs \"") + k + "\"");
            }
        }
        if (auto* c = o.get("ca")) {
            if (auto l = read_string_list(*c, o.at("ca"), d)) auth.ca = *l;
        } else {
            d.error_text(ptr, "", "X.509 authentication needs \"ca\" (file or list of files)");
        }
        for (const char* k : {"psk_file", "psk_env", "psk"})
            if (o.get(k))
                d.error_text(o.at(k), "<redacted>", "only valid with \"method\": \"psk\"");
    }
    if (d.error_count() != before) return std::nullopt;
    return auth;
}

std::optional<MtuSetting> read_mtu(const json& v, const std::string& ptr, Diagnostics& d) {
    if (v == "auto") return MtuSetting{true, 0};
    if (v.is_number()) {
        if (auto n = read_uint(v, ptr, d, 576, 9000, "mtu")) return MtuSetting{false, *n};
        return std::nullopt;
    }
    d.error(ptr, v, "expected \"auto\" or a number from 576 to 9000");
    return std::nullopt;
}

std::optional<MssSetting> read_mss(const json& v, const std::string& ptr, Diagnostics& d) {
    if (v == "auto") return MssSetting{MssSetting::Mode::Auto, 0};
    if (v == "off") return MssSetting{MssSetting::Mode::Off, 0};
    if (v.is_number()) {
        if (auto n = read_uint(v, ptr, d, 536, 8960, "mss"))
            return MssSetting{MssSetting::Mode::Fixed, *n};
        return std::nullopt;
    }
    d.error(ptr, v, "expected \"auto\", \"off\" or a number from 536 to 8960");
    return std::nullopt;
}

}  // namespace

void Settings::overlay(const Settings& o) {
    profile.overlay(o.profile);
    kind.overlay(o.kind);
    ike_version.overlay(o.ike_version);
    ike_proposals.overlay(o.ike_proposals);
    esp_proposals.overlay(o.esp_proposals);
    ike_lifetime.overlay(o.ike_lifetime);
    esp_lifetime.overlay(o.esp_lifetime);
    rekey_margin.overlay(o.rekey_margin);
    rekey_fuzz.overlay(o.rekey_fuzz);
    replay_window.overlay(o.replay_window);
    dpd_interval.overlay(o.dpd_interval);
    dpd_timeout.overlay(o.dpd_timeout);
    dpd_action.overlay(o.dpd_action);
    start_action.overlay(o.start_action);
    nat_enabled.overlay(o.nat_enabled);
    nat_force_encap.overlay(o.nat_force_encap);
    nat_keepalive.overlay(o.nat_keepalive);
    mtu.overlay(o.mtu);
    mss.overlay(o.mss);
    underlay_mtu.overlay(o.underlay_mtu);
    auth.overlay(o.auth);
    metric.overlay(o.metric);
    table.overlay(o.table);
    local_id.overlay(o.local_id);
}

const std::vector<std::string_view>& settings_keys() {
    static const std::vector<std::string_view> keys = {
        "profile",      "kind",         "ike_version",   "ike_proposals", "esp_proposals",
        "ike_lifetime", "esp_lifetime", "rekey_margin",  "rekey_fuzz",    "replay_window",
        "dpd",          "start_action", "nat_traversal", "mtu",           "mss",
        "underlay_mtu", "auth",         "metric",        "table",         "local_id"};
    return keys;
}

Settings read_settings(const ObjectReader& o) {
    Settings s;
    Diagnostics& d = o.diags();
    auto field = [&](std::string_view key) { return o.get(key); };
    if (auto* v = field("profile")) {
        if (auto i = read_choice(*v, o.at("profile"), d, profile_names()))
            s.profile.set(std::string(profile_names()[*i]), o.at("profile"));
    }
    if (auto* v = field("kind")) {
        if (auto i = read_choice(*v, o.at("kind"), d, {"vti", "xfrm"}))
            s.kind.set(*i == 0 ? vti::LinkKind::Vti : vti::LinkKind::Xfrm, o.at("kind"));
    }
    if (auto* v = field("ike_version")) {
        if (auto n = read_uint(*v, o.at("ike_version"), d, 1, 2, "ike_version"))
            s.ike_version.set(static_cast<int>(*n), o.at("ike_version"));
    }
    for (auto [key, dst] : {std::pair{"ike_proposals", &s.ike_proposals},
                            std::pair{"esp_proposals", &s.esp_proposals}}) {
        if (auto* v = field(key)) {
            if (auto l = read_string_list(*v, o.at(key), d)) dst->set(*l, o.at(key));
        }
    }
    struct Dur {
        const char* key;
        Opt<uint32_t>* dst;
        uint32_t min, max;
    };
    for (const Dur& x : {Dur{"ike_lifetime", &s.ike_lifetime, 60, kMaxLifetime},
                         Dur{"esp_lifetime", &s.esp_lifetime, 60, kMaxLifetime},
                         Dur{"rekey_margin", &s.rekey_margin, 0, kMaxLifetime}}) {
        if (auto* v = field(x.key)) {
            if (auto n = read_duration(*v, o.at(x.key), d, x.min, x.max))
                x.dst->set(*n, o.at(x.key));
        }
    }
    if (auto* v = field("rekey_fuzz")) {
        if (auto n = read_uint(*v, o.at("rekey_fuzz"), d, 0, 100, "rekey_fuzz (percent)"))
            s.rekey_fuzz.set(*n, o.at("rekey_fuzz"));
    }
    if (auto* v = field("replay_window")) {
        if (auto n = read_uint(*v, o.at("replay_window"), d, 0, 65536, "replay_window (packets)"))
            s.replay_window.set(*n, o.at("replay_window"));
    }
    if (auto* v = field("dpd")) {
        ObjectReader dpd(*v, o.at("dpd"), d, {"interval", "timeout", "action"}, "dpd");
        if (auto* x = dpd.get("interval")) {
            if (auto n = read_duration(*x, dpd.at("interval"), d, 0, 3600))
                s.dpd_interval.set(*n, dpd.at("interval"));
        }
        if (auto* x = dpd.get("timeout")) {
            if (auto n = read_duration(*x, dpd.at("timeout"), d, 1, 86400))
                s.dpd_timeout.set(*n, dpd.at("timeout"));
        }
        if (auto* x = dpd.get("action")) {
            if (auto i = read_choice(*x, dpd.at("action"), d, {"clear", "restart", "trap", "none"}))
                s.dpd_action.set(static_cast<Dpd::Action>(*i), dpd.at("action"));
        }
    }
    if (auto* v = field("start_action")) {
        if (auto i = read_choice(*v, o.at("start_action"), d, {"initiate", "respond", "on-demand"}))
            s.start_action.set(static_cast<StartAction>(*i), o.at("start_action"));
    }
    if (auto* v = field("nat_traversal")) {
        ObjectReader nat(*v, o.at("nat_traversal"), d, {"enabled", "force_encap", "keepalive"},
                         "nat_traversal");
        if (auto* x = nat.get("enabled")) {
            if (auto b = read_bool(*x, nat.at("enabled"), d))
                s.nat_enabled.set(*b, nat.at("enabled"));
        }
        if (auto* x = nat.get("force_encap")) {
            if (auto b = read_bool(*x, nat.at("force_encap"), d))
                s.nat_force_encap.set(*b, nat.at("force_encap"));
        }
        if (auto* x = nat.get("keepalive")) {
            if (auto n = read_duration(*x, nat.at("keepalive"), d, 0, 3600))
                s.nat_keepalive.set(*n, nat.at("keepalive"));
        }
    }
    if (auto* v = field("mtu")) {
        if (auto m = read_mtu(*v, o.at("mtu"), d)) s.mtu.set(*m, o.at("mtu"));
    }
    if (auto* v = field("mss")) {
        if (auto m = read_mss(*v, o.at("mss"), d)) s.mss.set(*m, o.at("mss"));
    }
    if (auto* v = field("underlay_mtu")) {
        if (auto n = read_uint(*v, o.at("underlay_mtu"), d, 576, 65535, "underlay_mtu"))
            s.underlay_mtu.set(*n, o.at("underlay_mtu"));
    }
    if (auto* v = field("auth")) {
        if (auto a = read_auth(*v, o.at("auth"), d)) s.auth.set(std::move(*a), o.at("auth"));
    }
    if (auto* v = field("metric")) {
        if (auto n = read_uint(*v, o.at("metric"), d, 0, UINT32_MAX, "metric"))
            s.metric.set(*n, o.at("metric"));
    }
    if (auto* v = field("table")) {
        if (auto n = read_table(*v, o.at("table"), d)) s.table.set(*n, o.at("table"));
    }
    if (auto* v = field("local_id")) {
        if (auto n = read_name(*v, o.at("local_id"), d, 255, "local_id"))
            s.local_id.set(*n, o.at("local_id"));
    }
    return s;
}

}  // namespace gateway::detail
