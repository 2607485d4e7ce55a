// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// IPv4/IPv6 addresses and prefixes as plain values, parsed and printed in the usual text forms.

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vti {

/** An IPv4 or IPv6 address in network byte order. */
struct IpAddress {
    /** AF_INET or AF_INET6. */
    int family = 0;
    /** Address bytes; the first 4 are used for IPv4. */
    std::array<uint8_t, 16> bytes{};

    /** Parses "192.0.2.1" or "2001:db8::1"; nullopt when the text is not an address. */
    static std::optional<IpAddress> parse(std::string_view text);
    /** 4 for IPv4, 16 for IPv6. */
    size_t size() const { return family == 10 /* AF_INET6 */ ? 16 : 4; }
    /** Canonical text form (inet_ntop). */
    std::string str() const;
    bool is_v4() const { return family == 2; /* AF_INET */ }
    bool is_v6() const { return family == 10; }
    auto operator<=>(const IpAddress&) const = default;
};

/** An address with a prefix length: an interface address ("169.254.10.1/30") or a network. */
struct Prefix {
    IpAddress addr;
    uint8_t len = 0;

    /** Parses "a.b.c.d/n" or "x::y/n"; a bare address gets the full length. */
    static std::optional<Prefix> parse(std::string_view text);
    /** "addr/len". */
    std::string str() const;
    /** The network: host bits cleared. */
    Prefix network() const;
    /** True when addr has no host bits set. */
    bool is_network() const { return network().addr == addr; }
    /** True when `other` lies inside this prefix (same family). */
    bool contains(const IpAddress& other) const;
    /** True when the two prefixes share any address (same family). */
    bool overlaps(const Prefix& other) const;
    auto operator<=>(const Prefix&) const = default;
};

}  // namespace vti
