// SPDX-License-Identifier: GPL-2.0-or-later
// Checks of a tunnel's IPv6 outer addresses that cannot work in the kernel or in IKE: addresses
// that never leave one link or never appear on the wire, and an underlay too small for IPv6.
#include "loader_internal.h"

namespace gateway::detail {

namespace {

constexpr uint32_t kIpv6MinLinkMtu = 1280;

// Why an IPv6 address cannot be a tunnel's outer address, beyond unusable_peer_reason.
std::optional<std::string> unusable_outer_v6_reason(const vti::IpAddress& a) {
    if (!a.is_v6()) return std::nullopt;
    if (a.bytes[0] == 0xfe && (a.bytes[1] & 0xc0) == 0x80)
        return "a link-local address (fe80::/10): it is only valid with an interface scope, "
               "which the tunnel's outer addresses cannot carry; use a global or unique-local "
               "address";
    bool mapped = a.bytes[10] == 0xff && a.bytes[11] == 0xff;
    for (size_t i = 0; i < 10 && mapped; ++i) mapped = a.bytes[i] == 0;
    if (mapped)
        return "an IPv4-mapped address (::ffff:0:0/96), which never appears in an IPv6 packet; "
               "write the IPv4 address";
    return std::nullopt;
}

// The address choose_local picks for the tunnel's remote when the tunnel has no `local`.
std::optional<vti::IpAddress> first_local_of_family(const GatewayInfo& gw, int family) {
    for (const auto& a : gw.local)
        if (a.family == family) return a;
    return std::nullopt;
}

}  // namespace

void check_ipv6_outer(const Tunnel& t, const TunnelExtras& x, const GatewayInfo& gw,
                      Diagnostics& d) {
    if (auto why = unusable_outer_v6_reason(t.remote))
        d.error(x.pointer + "/remote", t.remote.str(), *why);
    if (t.local.family != 0) {
        if (auto why = unusable_outer_v6_reason(t.local))
            d.error(x.pointer + "/local", t.local.str(), *why);
    } else if (t.remote.is_v6()) {
        if (auto l = first_local_of_family(gw, t.remote.family))
            if (auto why = unusable_outer_v6_reason(*l))
                d.error(x.pointer + "/remote", t.remote.str(),
                        "its local address would be " + l->str() +
                            ", the first IPv6 address of /gateway/local, which is " + *why +
                            "; or set the tunnel's \"local\"");
    }
    if (t.remote.is_v6() && t.underlay_mtu < kIpv6MinLinkMtu)
        d.error_text(x.settings.underlay_mtu.from, std::to_string(t.underlay_mtu),
                     "the IPv6 outer address " + t.remote.str() +
                         " needs an underlay MTU of at least 1280: the kernel disables IPv6 on "
                         "a smaller link");
}

}  // namespace gateway::detail
