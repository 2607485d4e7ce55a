// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Exact ESP overhead and the largest inner MTU that fits an underlay MTU (RFC 4303 layout:
// outer IP header, optional UDP encapsulation, SPI + sequence, IV, payload padded with pad-length
// and next-header to the cipher's block size, ICV).

#include <cstdint>
#include <optional>
#include <string>

namespace gateway {

/** Sizes of one ESP transform (encryption + integrity) that determine its overhead. */
struct EspTransform {
    /** Human-readable name, e.g. "aes128gcm16" or "aes256-sha256". */
    std::string name;
    /** Explicit IV bytes carried in each packet. */
    uint32_t iv_size = 0;
    /** Alignment of payload + pad-length + next-header (4 for stream/AEAD ciphers). */
    uint32_t block_size = 4;
    /** Integrity check value bytes (AEAD tag or truncated HMAC). */
    uint32_t icv_size = 0;
};

/** Outer IPv4 header bytes. */
inline constexpr uint32_t kIpv4Header = 20;
/** Outer IPv6 header bytes. */
inline constexpr uint32_t kIpv6Header = 40;
/** UDP header for NAT-T encapsulation. */
inline constexpr uint32_t kUdpEncap = 8;
/** ESP header: SPI + sequence number. */
inline constexpr uint32_t kEspHeader = 8;

/** Size of the outer packet carrying an inner packet of `inner` bytes. */
uint32_t esp_outer_size(const EspTransform& t, uint32_t inner, bool natt, bool ipv6_outer);

/**
 * Largest inner packet whose outer packet fits in `underlay_mtu`; nullopt when not even a
 * 1-byte inner packet fits.
 */
std::optional<uint32_t> esp_inner_mtu(const EspTransform& t, uint32_t underlay_mtu, bool natt,
                                      bool ipv6_outer);

/** TCP MSS for SYNs of the given inner family through a link of `mtu`: mtu − 40 or − 60. */
uint32_t mss_for_mtu(uint32_t mtu, bool ipv6_inner);

}  // namespace gateway
