// SPDX-License-Identifier: GPL-2.0-or-later
// Checks of one tunnel that need more than one field: addresses, inside prefixes, crypto,
// lifetimes, DPD, provider constraints; and the derivation of MTU and MSS.
#include <algorithm>

#include "gateway/proposal.h"
#include "loader_internal.h"
#include "reserved.h"

namespace gateway::detail {

namespace {

std::string quoted(const std::string& s) {
    return render_value(json(s));
}

void check_remote(const Tunnel& t, const TunnelExtras& x, const GatewayInfo& gw, Diagnostics& d) {
    if (auto why = unusable_peer_reason(t.remote))
        d.error(x.pointer + "/remote", t.remote.str(), *why + ", not a peer's address");
    else if (std::find(gw.local.begin(), gw.local.end(), t.remote) != gw.local.end())
        d.error(x.pointer + "/remote", t.remote.str(),
                "one of this gateway's own addresses (/gateway/local), not a peer's");
}

void choose_local(Tunnel& t, const TunnelExtras& x, const GatewayInfo& gw, Diagnostics& d) {
    if (gw.local.empty()) return;  // already reported for /gateway/local
    if (t.local.family != 0) {
        if (std::find(gw.local.begin(), gw.local.end(), t.local) == gw.local.end())
            d.error(x.pointer + "/local", t.local.str(),
                    "not one of the gateway's local addresses (/gateway/local)");
        else if (t.local.family != t.remote.family)
            d.error(x.pointer + "/local", t.local.str(),
                    "address family differs from remote " + t.remote.str());
        return;
    }
    for (const auto& a : gw.local) {
        if (a.family == t.remote.family) {
            t.local = a;
            return;
        }
    }
    d.error(x.pointer + "/remote", t.remote.str(),
            std::string("no gateway local address of the same family (add an ") +
                (t.remote.is_v4() ? "IPv4" : "IPv6") + " address to /gateway/local)");
}

// The peer's inside address of a point-to-point prefix, when it is unambiguous.
std::optional<vti::IpAddress> other_end(const vti::Prefix& p) {
    unsigned bits = p.addr.size() * 8;
    vti::IpAddress a = p.addr;
    uint8_t& last = a.bytes[p.addr.size() - 1];
    if (p.len == bits - 1) {
        last ^= 1;
        return a;
    }
    if (p.len == bits - 2) {
        unsigned host = last & 3;
        if (host == 1 || host == 2) {
            last = static_cast<uint8_t>((last & ~3u) | (3 - host));
            return a;
        }
    }
    return std::nullopt;
}

void check_inside_pair(const std::optional<vti::Prefix>& local,
                       std::optional<vti::IpAddress>& remote, const std::string& ptr,
                       const std::string& remote_key, bool v6, Diagnostics& d) {
    const std::string local_ptr = ptr + (v6 ? "/local6" : "/local");
    if (!local) {
        if (remote) d.error(ptr + "/" + remote_key, remote->str(), "given without a local address");
        return;
    }
    unsigned bits = v6 ? 128 : 32;
    if (local->addr.family != (v6 ? 10 : 2)) {
        d.error(local_ptr, local->str(),
                v6 ? "expected an IPv6 address" : "expected an IPv4 address");
        return;
    }
    if (local->len != bits - 2 && local->len != bits - 1) {
        d.error(local_ptr, local->str(),
                v6 ? "inside prefix must be /126 or /127" : "inside prefix must be /30 or /31");
        return;
    }
    unsigned host = local->addr.bytes[local->addr.size() - 1] & 3;
    if (local->len == bits - 2 && (host == 0 || (!v6 && host == 3))) {
        d.error(local_ptr, local->str(),
                v6 ? "the first address of a /126 is the subnet-router anycast address; use ::1 or "
                     "::2 style host addresses"
                   : "network or broadcast address of the /30; use the .1 or .2 host address");
        return;
    }
    if (remote) {
        if (!local->contains(*remote) || *remote == local->addr)
            d.error(ptr + "/" + remote_key, remote->str(),
                    "must be another address inside " + local->network().str());
        return;
    }
    remote = other_end(*local);
    if (!remote)
        d.error_text(ptr, "",
                     "\"" + remote_key + "\" is needed: the peer's inside address in " +
                         local->network().str() + " is ambiguous");
}

void check_proposals(const Tunnel& t, const TunnelExtras& x, const GatewayInfo& gw,
                     std::vector<EspTransform>& transforms, Diagnostics& d) {
    for (bool ike : {true, false}) {
        const auto& opt = ike ? x.settings.ike_proposals : x.settings.esp_proposals;
        const auto& list = ike ? t.ike_proposals : t.esp_proposals;
        for (size_t i = 0; i < list.size(); ++i) {
            std::string ptr = opt.from.starts_with("/") ? opt.from + "/" + std::to_string(i)
                                                        : x.pointer + " (" + opt.from + ")";
            auto c = check_proposal(list[i], ike ? ProposalKind::Ike : ProposalKind::Esp);
            for (const auto& e : c.errors) d.error(ptr, list[i], e);
            for (const auto& w : c.weak) {
                std::string msg = "weak algorithm \"" + w + "\"";
                if (gw.allow_weak_crypto)
                    d.warning_text(ptr, quoted(list[i]), msg + " (allowed by allow_weak_crypto)");
                else
                    d.error(ptr, list[i],
                            msg +
                                "; use a stronger one or set "
                                "/gateway/allow_weak_crypto");
            }
            if (ike && t.ike_version == 1 && c.errors.empty() &&
                list[i].find("gcm") != std::string::npos)
                d.error(ptr, list[i], "IKEv1 does not support AEAD ciphers for the IKE SA");
            transforms.insert(transforms.end(), c.transforms.begin(), c.transforms.end());
        }
    }
}

void check_timers(const Tunnel& t, const TunnelExtras& x, Diagnostics& d) {
    const Settings& s = x.settings;
    uint64_t worst = uint64_t{t.rekey_margin} * (100 + t.rekey_fuzz) / 100;
    for (auto [life, name] :
         {std::pair{t.ike_lifetime, "ike_lifetime"}, std::pair{t.esp_lifetime, "esp_lifetime"}}) {
        if (worst >= life)
            d.error_text(s.rekey_margin.from, std::to_string(t.rekey_margin),
                         "rekey margin plus " + std::to_string(t.rekey_fuzz) + "% fuzz (" +
                             std::to_string(worst) + " s) must be less than " + name + " (" +
                             std::to_string(life) + " s)");
    }
    if (t.dpd.interval > 0 && t.dpd.timeout <= t.dpd.interval)
        d.error_text(s.dpd_timeout.from, std::to_string(t.dpd.timeout),
                     "DPD timeout must be longer than the DPD interval (" +
                         std::to_string(t.dpd.interval) + " s)");
    if (t.profile == "aws") {
        if (t.dpd.timeout < 30)
            d.error_text(s.dpd_timeout.from, std::to_string(t.dpd.timeout),
                         "AWS requires a DPD timeout of at least 30 s");
        if (t.ike_lifetime < 900 || t.ike_lifetime > 28800)
            d.error_text(s.ike_lifetime.from, std::to_string(t.ike_lifetime),
                         "AWS accepts an IKE (phase 1) lifetime from 900 to 28800 s");
        if (t.esp_lifetime < 900 || t.esp_lifetime > 3600)
            d.error_text(s.esp_lifetime.from, std::to_string(t.esp_lifetime),
                         "AWS accepts an ESP (phase 2) lifetime from 900 to 3600 s");
        if (t.inside.local4 &&
            !vti::Prefix::parse("169.254.0.0/16")->contains(t.inside.local4->addr))
            d.error(x.pointer + "/inside/local", t.inside.local4->str(),
                    "AWS inside addresses are a /30 from 169.254.0.0/16");
    }
}

void derive_mtu(Tunnel& t, const TunnelExtras& x, const std::vector<EspTransform>& transforms,
                Diagnostics& d) {
    bool natt = t.nat.enabled || t.nat.force_encap;
    bool v6 = (t.remote_any ? t.local : t.remote).is_v6();
    std::optional<uint32_t> best;
    std::string worst_name;
    for (const auto& tr : transforms) {
        auto m = esp_inner_mtu(tr, t.underlay_mtu, natt, v6);
        if (!m) continue;
        if (!best || *m < *best) {
            best = *m;
            worst_name = tr.name;
        }
    }
    bool v6_inner = t.inside.local6.has_value() ||
                    std::any_of(t.routes.begin(), t.routes.end(),
                                [](const Route& r) { return r.prefix.addr.is_v6(); });
    uint32_t min_mtu = v6_inner ? 1280 : 576;
    const auto& mtu_from = x.settings.mtu.from;
    if (t.mtu_setting.automatic) {
        if (!best || *best < min_mtu) {
            d.error_text(x.settings.underlay_mtu.from, std::to_string(t.underlay_mtu),
                         "underlay MTU leaves less than " + std::to_string(min_mtu) +
                             " bytes for inner packets with " + worst_name);
            return;
        }
        t.mtu = *best;
    } else {
        t.mtu = t.mtu_setting.value;
        if (v6_inner && t.mtu < 1280)
            d.error_text(mtu_from, std::to_string(t.mtu),
                         "IPv6 inside addresses or routes need an MTU of at least 1280");
        if (best && t.mtu > *best)
            d.warning_text(mtu_from, std::to_string(t.mtu),
                           "larger than the " + std::to_string(*best) + " bytes that fit in " +
                               std::to_string(t.underlay_mtu) + " with " + worst_name +
                               ": packets will be fragmented");
    }
    switch (t.mss_setting.mode) {
        case MssSetting::Mode::Off:
            t.mss4 = t.mss6 = 0;
            break;
        case MssSetting::Mode::Auto:
            t.mss4 = mss_for_mtu(t.mtu, false);
            t.mss6 = mss_for_mtu(t.mtu, true);
            break;
        case MssSetting::Mode::Fixed:
            t.mss4 = t.mss_setting.value;
            t.mss6 = t.mss_setting.value - 20;
            if (t.mss4 > mss_for_mtu(t.mtu, false))
                d.warning_text(x.settings.mss.from, std::to_string(t.mss4),
                               "larger than MTU " + std::to_string(t.mtu) +
                                   " − 40 = " + std::to_string(mss_for_mtu(t.mtu, false)));
            break;
    }
}

// Relative credential paths are taken relative to the configuration file: the daemon's working
// directory (systemd, CI runner) is not something users control.
void resolve_paths(Auth& auth, const std::string& base) {
    if (base.empty()) return;
    auto fix = [&](std::string& p) {
        if (!p.empty() && p[0] != '/') p = base + "/" + p;
    };
    if (auth.method == Auth::Method::Psk) {
        if (auth.psk.kind == PskSource::Kind::File) fix(auth.psk.location);
        return;
    }
    fix(auth.cert);
    fix(auth.key);
    for (auto& c : auth.ca) fix(c);
}

}  // namespace

void validate_tunnel(Tunnel& t, const TunnelExtras& x, const GatewayInfo& gw,
                     const LoadOptions& options, Diagnostics& d) {
    check_ipv6_outer(t, x, gw, d);
    if (gw.local_auto) {
        check_auto_local(t, x, d);
        if (!t.remote_any) check_remote(t, x, gw, d);
    } else if (t.remote_any) {
        check_open_remote(t, x, gw, d);
    } else {
        check_remote(t, x, gw, d);
        choose_local(t, x, gw, d);
    }
    if (t.local_id.empty() && t.local.family != 0) t.local_id = t.local.str();
    if (t.remote_id.empty() && !t.remote_any) t.remote_id = t.remote.str();
    std::string in = x.pointer + "/inside";
    check_inside_pair(t.inside.local4, t.inside.remote4, in, "remote", false, d);
    check_inside_pair(t.inside.local6, t.inside.remote6, in, "remote6", true, d);
    if (!x.key_pointer.empty()) {
        bool is_mark = x.key_pointer.ends_with("/mark");
        if (is_mark != (t.kind == vti::LinkKind::Vti))
            d.error_text(x.key_pointer, std::to_string(t.key),
                         is_mark ? "\"mark\" is for kind \"vti\"; an XFRM interface takes \"if_id\""
                                 : "\"if_id\" is for kind \"xfrm\"; a VTI takes \"mark\"");
    }
    std::vector<EspTransform> transforms;
    check_proposals(t, x, gw, transforms, d);
    check_timers(t, x, d);
    derive_mtu(t, x, transforms, d);
    resolve_paths(t.auth, options.base_dir);
    if (options.check_files && x.settings.auth.value)
        validate_credentials(t.auth, x.settings.auth.from, options, d);
    if (x.settings.auth.value && t.auth.method == Auth::Method::Psk &&
        t.auth.psk.kind == PskSource::Kind::Inline && t.auth.psk.inline_value.reveal().size() < 16)
        d.error_text(x.settings.auth.from + "/psk", "<redacted>",
                     "pre-shared key shorter than 16 characters");
}

}  // namespace gateway::detail
