// SPDX-License-Identifier: GPL-2.0-or-later
#include "gateway/describe.h"

#include <algorithm>

namespace gateway {

std::string describe_auth(const Auth& auth) {
    if (auth.method == Auth::Method::X509) return "x509 cert " + auth.cert;
    switch (auth.psk.kind) {
        case PskSource::Kind::File:
            return "psk from file " + auth.psk.location;
        case PskSource::Kind::Env:
            return "psk from env " + auth.psk.location;
        case PskSource::Kind::Inline:
            return "psk (inline)";
    }
    return "psk";
}

nlohmann::json ike_connection_json(const Tunnel& t) {
    nlohmann::json auth = {{"method", t.auth.method == Auth::Method::Psk ? "psk" : "x509"}};
    if (t.auth.method == Auth::Method::Psk) {
        const char* kinds[] = {"file", "env", "inline"};
        auth["psk_source"] = kinds[static_cast<int>(t.auth.psk.kind)];
        if (t.auth.psk.kind != PskSource::Kind::Inline) auth["psk_location"] = t.auth.psk.location;
    } else {
        auth["cert"] = t.auth.cert;
        auth["key"] = t.auth.key;
        auth["ca"] = t.auth.ca;
    }
    return {
        {"name", t.name},
        {"ike_version", t.ike_version},
        {"local", t.local.family ? t.local.str() : "auto"},
        {"remote", t.remote_any ? "any" : t.remote.str()},
        {"local_id", t.local_id},
        {"remote_id", t.remote_id},
        {"auth", auth},
        {"ike_proposals", t.ike_proposals},
        {"esp_proposals", t.esp_proposals},
        {"ike_lifetime", t.ike_lifetime},
        {"esp_lifetime", t.esp_lifetime},
        {"rekey_margin", t.rekey_margin},
        {"rekey_fuzz", t.rekey_fuzz},
        {"replay_window", t.replay_window},
        {"dpd",
         {{"interval", t.dpd.interval},
          {"timeout", t.dpd.timeout},
          {"action", to_string(t.dpd.action)}}},
        {"start_action", to_string(t.start_action)},
        {"nat_traversal",
         {{"enabled", t.nat.enabled},
          {"force_encap", t.nat.force_encap},
          {"keepalive", t.nat.keepalive}}},
        {"kind", to_string(t.kind)},
        {t.kind == vti::LinkKind::Vti ? "mark" : "if_id", t.key},
        {"reqid", t.reqid},
        {"profile", t.profile},
    };
}

std::string ike_connection_line(const Tunnel& t) {
    return t.name + ": IKEv" + std::to_string(t.ike_version) + " " +
           (t.local.family ? t.local.str() : "auto") + " -> " +
           (t.remote_any ? "any" : t.remote.str()) + ", ids \"" + t.local_id + "\" / \"" +
           t.remote_id + "\", " + describe_auth(t.auth) + ", " + to_string(t.start_action) +
           ", ike " + t.ike_proposals.front() + (t.ike_proposals.size() > 1 ? ",…" : "") +
           ", esp " + t.esp_proposals.front() + (t.esp_proposals.size() > 1 ? ",…" : "") +
           ", reqid " + std::to_string(t.reqid) + ", " +
           (t.kind == vti::LinkKind::Vti ? "mark " : "if_id ") + std::to_string(t.key);
}

nlohmann::json bgp_session_json(const TunnelBgp& b) {
    nlohmann::json j = {
        {"peer", b.peer.str()},
        {"peer_asn", b.peer_asn},
        {"profile", to_string(b.profile)},
        {"keepalive", b.keepalive},
        {"hold", b.hold},
        {"connect", b.connect},
        {"bfd", b.bfd_profile.empty() ? nlohmann::json(false) : nlohmann::json(b.bfd_profile)},
        {"multihop", b.multihop},
        {"passive", b.passive},
        {"prepend", b.prepend},
        {"max_prefix_in", b.max_prefix_in},
        {"max_prefix_out", b.max_prefix_out}};
    if (b.med) j["med"] = *b.med;
    if (b.password)
        j["password"] =
            (b.password->kind == PskSource::Kind::File ? "file " : "env ") + b.password->location;
    return j;
}

std::string bgp_summary(const Config& c) {
    if (!c.bgp) return "";
    size_t sessions = std::count_if(c.tunnels.begin(), c.tunnels.end(),
                                    [](const Tunnel& t) { return t.bgp.has_value(); });
    return "BGP AS " + std::to_string(c.bgp->asn) + ", router ID " + c.bgp->router_id.str() + ", " +
           std::to_string(sessions) + " session(s)";
}

nlohmann::json diagnostics_json(const Diagnostics& d) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& x : d.items())
        out.push_back({{"severity", x.severity == Severity::Error ? "error" : "warning"},
                       {"pointer", x.pointer},
                       {"value", x.value},
                       {"message", x.message}});
    return out;
}

}  // namespace gateway
