// SPDX-License-Identifier: GPL-2.0-or-later
#include "gateway/mtu.h"

namespace gateway {

namespace {

uint32_t round_up(uint32_t n, uint32_t block) {
    return (n + block - 1) / block * block;
}

uint32_t fixed_overhead(const EspTransform& t, bool natt, bool ipv6_outer) {
    return (ipv6_outer ? kIpv6Header : kIpv4Header) + (natt ? kUdpEncap : 0) + kEspHeader +
           t.iv_size + t.icv_size;
}

}  // namespace

uint32_t esp_outer_size(const EspTransform& t, uint32_t inner, bool natt, bool ipv6_outer) {
    // The trailer's pad-length and next-header bytes are encrypted with the payload, so they
    // count towards the cipher block alignment.
    uint32_t block = t.block_size == 0 ? 4 : t.block_size;
    return fixed_overhead(t, natt, ipv6_outer) + round_up(inner + 2, block);
}

std::optional<uint32_t> esp_inner_mtu(const EspTransform& t, uint32_t underlay_mtu, bool natt,
                                      bool ipv6_outer) {
    uint32_t block = t.block_size == 0 ? 4 : t.block_size;
    uint32_t fixed = fixed_overhead(t, natt, ipv6_outer);
    if (underlay_mtu <= fixed) return std::nullopt;
    uint32_t room = (underlay_mtu - fixed) / block * block;  // largest aligned encrypted part
    if (room < 3) return std::nullopt;
    return room - 2;
}

uint32_t mss_for_mtu(uint32_t mtu, bool ipv6_inner) {
    uint32_t hdr = ipv6_inner ? 60 : 40;
    return mtu > hdr ? mtu - hdr : 0;
}

}  // namespace gateway
