// SPDX-License-Identifier: GPL-2.0-or-later
#include "vti/ip.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace vti {

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    std::string s(text);
    IpAddress a;
    if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) {
        a.family = AF_INET;
        return a;
    }
    if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) {
        a.family = AF_INET6;
        return a;
    }
    return std::nullopt;
}

std::string IpAddress::str() const {
    char buf[INET6_ADDRSTRLEN] = {};
    if (family != AF_INET && family != AF_INET6) return "<none>";
    inet_ntop(family, bytes.data(), buf, sizeof buf);
    return buf;
}

std::optional<Prefix> Prefix::parse(std::string_view text) {
    auto slash = text.find('/');
    auto addr = IpAddress::parse(text.substr(0, slash));
    if (!addr) return std::nullopt;
    unsigned max = addr->size() * 8;
    unsigned len = max;
    if (slash != std::string_view::npos) {
        auto digits = text.substr(slash + 1);
        if (digits.empty() || digits.size() > 3) return std::nullopt;
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), len);
        if (ec != std::errc() || end != digits.data() + digits.size() || len > max)
            return std::nullopt;
    }
    return Prefix{*addr, static_cast<uint8_t>(len)};
}

std::string Prefix::str() const { return addr.str() + "/" + std::to_string(len); }

Prefix Prefix::network() const {
    Prefix p = *this;
    for (size_t i = 0; i < p.addr.size(); ++i) {
        int bits = std::clamp(static_cast<int>(len) - static_cast<int>(i * 8), 0, 8);
        p.addr.bytes[i] &= static_cast<uint8_t>(0xff00 >> bits);
    }
    return p;
}

bool Prefix::contains(const IpAddress& other) const {
    if (other.family != addr.family) return false;
    Prefix host{other, len};
    return host.network().addr == network().addr;
}

bool Prefix::overlaps(const Prefix& other) const {
    if (other.addr.family != addr.family) return false;
    const Prefix& shorter = len <= other.len ? *this : other;
    const Prefix& longer = len <= other.len ? other : *this;
    return shorter.contains(longer.addr);
}

}  // namespace vti
