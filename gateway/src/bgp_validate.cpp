// SPDX-License-Identifier: GPL-2.0-or-later
// A tunnel's BGP session: its profile's values applied (explicit fields win), and the checks
// that refuse what cannot work, each naming its field and value.
#include <algorithm>
#include <map>

#include "bgp_internal.h"

namespace gateway::detail {

namespace {

// Azure refuses these as the on-premises ASN: its own (8074, 8075, 12076, 65515, 65517–65520)
// and the documentation range 64496–64511 (RFC 5398).
bool azure_reserved_asn(uint32_t asn) {
    return asn == 8074 || asn == 8075 || asn == 12076 || asn == 65515 ||
           (asn >= 65517 && asn <= 65520) || (asn >= 64496 && asn <= 64511);
}

// The tunnel's `profile` when it is a provider's, else generic.
BgpProfile default_profile(const Tunnel& t) {
    if (t.profile == "aws") return BgpProfile::Aws;
    if (t.profile == "azure") return BgpProfile::Azure;
    if (t.profile == "gcp") return BgpProfile::Gcp;
    return BgpProfile::Generic;
}

bool cloud(BgpProfile p) {
    return p == BgpProfile::Aws || p == BgpProfile::Azure || p == BgpProfile::Gcp;
}

const char* provider(BgpProfile p) {
    switch (p) {
        case BgpProfile::Aws:
            return "AWS Site-to-Site VPN";
        case BgpProfile::Azure:
            return "Azure VPN Gateway";
        case BgpProfile::Gcp:
            return "GCP HA VPN";
        default:
            return "this peer";
    }
}

// The peer's address when not given: the other end of the tunnel's inside prefix.
std::optional<vti::IpAddress> default_peer(const Tunnel& t) {
    if (t.inside.local4 && t.inside.remote4) return t.inside.remote4;
    if (t.inside.local6 && t.inside.remote6) return t.inside.remote6;
    return std::nullopt;
}

bool on_inside_prefix(const Tunnel& t, const vti::IpAddress& a) {
    for (const auto& local : {t.inside.local4, t.inside.local6})
        if (local && local->addr.family == a.family && local->contains(a) && local->addr != a)
            return true;
    return false;
}

void check_password(const BgpInput& in, const TunnelBgp& b, const LoadOptions& options,
                    Diagnostics& d) {
    if (!b.password || !options.check_files) return;
    std::string error;
    auto pw = read_psk(*b.password, error, options);
    std::string shown = render_value(json(in.password->location));
    bool file = b.password->kind == PskSource::Kind::File;
    if (!pw) {
        d.error_text(in.password_pointer, shown, (file ? "password file " : "") + error);
        return;
    }
    const std::string& s = pw->reveal();
    // TCP_MD5SIG_MAXKEYLEN; FRR takes the password as one word of its configuration.
    bool plain = std::all_of(s.begin(), s.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u < 0x7f;
    });
    if (s.size() > 80 || !plain)
        d.error_text(in.password_pointer, shown,
                     "the password must be 1 to 80 printable characters without blanks (TCP-MD5)");
}

}  // namespace

void resolve_tunnel_bgp(Tunnel& t, const BgpInput& in, const BgpGateway* gw,
                        const LoadOptions& options, Diagnostics& d) {
    const std::string& p = in.pointer;
    if (!gw) {
        d.error_text(p, "",
                     "a tunnel's \"bgp\" needs the gateway-level \"bgp\" block (asn, router_id, "
                     "announce, accept)");
        return;
    }
    TunnelBgp b;
    b.profile = in.profile.value_or(default_profile(t));
    BgpProfileValues v = bgp_profile_values(b.profile);

    if (in.peer) {
        b.peer = *in.peer;
    } else if (auto peer = default_peer(t)) {
        b.peer = *peer;
    } else {
        d.error_text(p, "",
                     "missing \"peer\": the peer's BGP address (it defaults to the inside remote "
                     "address, and this tunnel has none)");
        return;
    }
    b.peer_asn = in.peer_asn.value_or(0);
    b.keepalive = in.keepalive.value_or(v.keepalive);
    b.hold = in.hold.value_or(v.hold);
    b.connect = v.connect;
    b.med = in.med;
    b.prepend = in.prepend.value_or(0);
    b.multihop = in.multihop.value_or(0);
    b.passive = in.passive.value_or(false);
    b.password = in.password;
    if (b.password && b.password->kind == PskSource::Kind::File && !options.base_dir.empty() &&
        !b.password->location.starts_with("/"))
        b.password->location = options.base_dir + "/" + b.password->location;
    b.announce = in.announce;
    b.accept = in.accept;
    b.max_prefix_in = in.max_prefix_in.value_or(0);
    b.max_prefix_out = v.max_prefix_out;
    if (in.bfd)
        b.bfd_profile = *in.bfd;
    else if (v.bfd)
        b.bfd_profile = kDefaultBfdProfile;

    if (b.peer_asn != 0 && b.peer_asn == gw->asn)
        d.error_text(p + "/peer_asn", std::to_string(b.peer_asn),
                     "equals the local ASN (/bgp/asn): vtigw runs eBGP only; give the gateways "
                     "of one side the same ASN and the peer another");
    if (!on_inside_prefix(t, b.peer) && b.multihop == 0)
        d.error_text(
            in.peer ? p + "/peer" : p, b.peer.str(),
            "the peer is not on the tunnel's inside prefix" +
                std::string(t.inside.local4 ? " " + t.inside.local4->network().str() : "") +
                ": set \"multihop\" (vtigw then routes the peer's address into the "
                "tunnel)");
    if (b.hold != 0 && (b.hold < 3 || b.keepalive >= b.hold))
        d.error_text(in.hold ? p + "/hold" : p + "/keepalive", std::to_string(b.hold),
                     "hold must be 0 or at least 3 s and longer than keepalive (" +
                         std::to_string(b.keepalive) + " s)");
    if (!b.bfd_profile.empty() && cloud(b.profile))
        d.error_text(in.bfd ? p + "/bfd" : p, render_value(json(b.bfd_profile)),
                     std::string(provider(b.profile)) +
                         " does not offer BFD on VPN tunnels (only on dedicated links); remove "
                         "\"bfd\" or use profile \"vtigw\"/\"generic\" for a peer that runs it");
    if (!b.bfd_profile.empty() && b.bfd_profile != kDefaultBfdProfile &&
        std::none_of(gw->bfd_profiles.begin(), gw->bfd_profiles.end(),
                     [&](const BfdProfile& f) { return f.name == b.bfd_profile; }))
        d.error_text(p + "/bfd", render_value(json(b.bfd_profile)),
                     "unknown BFD profile (define it in /bgp/bfd_profiles, or use true for the "
                     "default 300 ms x 3)");

    // Announced prefixes of the session's family, against the provider's limit.
    const auto& announce = b.announce ? *b.announce : gw->announce;
    size_t count = std::count_if(announce.begin(), announce.end(), [&](const vti::Prefix& x) {
        return x.addr.family == b.peer.family;
    });
    if (v.max_prefix_out && count > v.max_prefix_out)
        d.error_text(b.announce ? p + "/announce" : "/bgp/announce",
                     std::to_string(count) + " prefixes",
                     std::string(provider(b.profile)) + " accepts at most " +
                         std::to_string(v.max_prefix_out) +
                         " prefixes from a customer gateway (the session is dropped above that); "
                         "announce aggregates");

    if (b.profile == BgpProfile::Azure) {
        if (b.passive)
            d.error_text(p + "/passive", "true",
                         "Azure VPN Gateway never opens BGP sessions from APIPA addresses: "
                         "vtigw must connect");
        static const vti::Prefix link_local = *vti::Prefix::parse("169.254.0.0/16");
        static const vti::Prefix apipa = *vti::Prefix::parse("169.254.21.0/23");
        if (link_local.contains(b.peer) && !apipa.contains(b.peer))
            d.error_text(in.peer ? p + "/peer" : p, b.peer.str(),
                         "Azure's custom APIPA BGP addresses are 169.254.21.0 to 169.254.22.255");
        if (azure_reserved_asn(gw->asn))
            d.error_text("/bgp/asn", std::to_string(gw->asn),
                         "reserved by Azure (8074, 8075, 12076, 65515, 65517-65520) or for "
                         "documentation (64496-64511); tunnel " +
                             t.name + " uses profile azure");
    }
    check_password(in, b, options, d);
    t.bgp = std::move(b);
    t.link_follows_sa = true;  // FRR learns the tunnel's liveness from its link
}

void validate_bgp_across(const std::vector<Tunnel>& tunnels,
                         const std::vector<std::string>& pointers, BgpGateway* gw, Diagnostics& d) {
    if (!gw) return;
    std::map<vti::IpAddress, const Tunnel*> peers;
    bool default_bfd_used = false;
    for (size_t i = 0; i < tunnels.size(); ++i) {
        const Tunnel& t = tunnels[i];
        // Routes of a BGP gateway are staticd's: zebra prefers any kernel route over BGP.
        for (size_t r = 0; r < t.routes.size(); ++r) {
            std::string ptr = pointers[i] + "/routes/" + std::to_string(r);
            if (t.routes[r].metric > 255)
                d.error_text(ptr, std::to_string(t.routes[r].metric),
                             "on a BGP gateway routes are FRR static routes, whose metric is an "
                             "administrative distance from 0 to 255 (eBGP is 20)");
            if (t.routes[r].table != 254)
                d.error_text(ptr, std::to_string(t.routes[r].table),
                             "on a BGP gateway routes go into the main table (254)");
        }
        if (!t.bgp) continue;
        if (auto [it, fresh] = peers.emplace(t.bgp->peer, &t); !fresh)
            d.error_text(pointers[i] + "/bgp", t.bgp->peer.str(),
                         "same BGP peer address as tunnel " + it->second->name);
        if (t.bgp->bfd_profile == kDefaultBfdProfile) default_bfd_used = true;
    }
    bool defined = std::any_of(gw->bfd_profiles.begin(), gw->bfd_profiles.end(),
                               [](const BfdProfile& f) { return f.name == kDefaultBfdProfile; });
    if (default_bfd_used && !defined) {
        gw->bfd_profiles.push_back({kDefaultBfdProfile, 300, 300, 3});
        std::sort(gw->bfd_profiles.begin(), gw->bfd_profiles.end(),
                  [](const BfdProfile& a, const BfdProfile& b) { return a.name < b.name; });
    }
}

}  // namespace gateway::detail
