// SPDX-License-Identifier: GPL-2.0-or-later
#include "reserved.h"

#include <algorithm>
#include <string_view>

namespace gateway::detail {

namespace {

bool all_bytes(const vti::IpAddress& a, uint8_t value) {
    return std::all_of(a.bytes.begin(), a.bytes.begin() + a.size(),
                       [value](uint8_t b) { return b == value; });
}

}  // namespace

std::optional<std::string> unusable_peer_reason(const vti::IpAddress& a) {
    if (all_bytes(a, 0)) return "the unspecified address";
    if (a.is_v4()) {
        if (a.bytes[0] == 127) return "a loopback address (127.0.0.0/8)";
        if (a.bytes[0] >= 224 && a.bytes[0] <= 239) return "a multicast address (224.0.0.0/4)";
        if (all_bytes(a, 255)) return "the limited broadcast address";
        return std::nullopt;
    }
    if (a.bytes[0] == 0xff) return "a multicast address (ff00::/8)";
    vti::IpAddress loopback = a;
    loopback.bytes.fill(0);
    loopback.bytes[15] = 1;
    if (a == loopback) return "the loopback address";
    return std::nullopt;
}

std::optional<std::string> reserved_interface_reason(const std::string& name) {
    if (name == "lo") return "the loopback device";
    // The fallback devices of ip_vti, ip6_vti, sit, ipip, ip_gre and ip6_gre/ip6_tunnel: the
    // kernel creates them in every namespace when the module loads.
    static constexpr std::string_view fallback[] = {
        "ip_vti0", "ip6_vti0", "sit0", "tunl0", "gre0", "gretap0", "erspan0", "ip6tnl0", "ip6gre0"};
    if (std::find(std::begin(fallback), std::end(fallback), name) != std::end(fallback))
        return "a device the kernel creates itself when its tunnel module loads";
    if (name == "all" || name == "default")
        return "the name of the sysctl directory that applies to every interface "
               "(net.ipv4.conf." +
               name + ")";
    return std::nullopt;
}

}  // namespace gateway::detail
