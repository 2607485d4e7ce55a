// SPDX-License-Identifier: GPL-2.0-or-later
#include "gateway/nat.h"

namespace gateway {

uint32_t nat_keepalive_seconds(const Config& config) {
    uint32_t shortest = 0;
    for (const auto& t : config.tunnels) {
        if (!t.nat.enabled && !t.nat.force_encap) continue;
        if (t.nat.keepalive == 0) continue;
        if (shortest == 0 || t.nat.keepalive < shortest) shortest = t.nat.keepalive;
    }
    return shortest;
}

}  // namespace gateway
