// SPDX-License-Identifier: GPL-2.0-or-later
// BGP session values per peer profile. Sources (see docs/bgp.md):
//  - AWS Site-to-Site VPN: generated customer gateway configs use keepalive 10 / hold 30; a
//    customer gateway may announce at most 100 routes to AWS (vpn-limits, cannot be increased).
//  - Azure VPN Gateway: BGP timers fixed at 60 / 180 s; at most 4000 prefixes; it never opens
//    a session from an APIPA address, so we must (bgp-howto).
//  - GCP Cloud Router: keepalive 20 s by default, hold three times the keepalive; MED carries
//    the advertised route priority.
//  - None of the three offers BFD on VPN tunnels (only on Direct Connect / ExpressRoute /
//    Interconnect).
#include "bgp_internal.h"

namespace gateway {

const char* to_string(BgpProfile p) {
    return detail::bgp_profile_names()[static_cast<size_t>(p)].data();
}

namespace detail {

BgpProfileValues bgp_profile_values(BgpProfile p) {
    switch (p) {
        case BgpProfile::Aws:
            return {10, 30, 10, false, 100};
        case BgpProfile::Azure:
            return {60, 180, 10, false, 4000};
        case BgpProfile::Gcp:
            return {20, 60, 10, false, 0};
        case BgpProfile::Vtigw:
            return {3, 9, 5, true, 0};
        case BgpProfile::Generic:
            break;
    }
    return {10, 30, 10, false, 0};
}

const std::vector<std::string_view>& bgp_profile_names() {
    static const std::vector<std::string_view> names = {"aws", "azure", "gcp", "vtigw", "generic"};
    return names;
}

}  // namespace detail
}  // namespace gateway
