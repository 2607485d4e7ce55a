// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// NAT traversal settings that apply to the IKE daemon as a whole rather than to one tunnel.

#include <cstdint>

#include "gateway/config.h"

namespace gateway {

/**
 * The NAT keepalive interval for the whole IKE daemon: strongSwan has one (`charon.keep_alive`),
 * not one per connection, so the shortest non-zero `nat_traversal/keepalive` of the tunnels that
 * may use NAT-T wins (a shorter interval only costs a 1-byte packet more often); 0 when every
 * such tunnel disables keepalives or no tunnel uses NAT-T.
 */
uint32_t nat_keepalive_seconds(const Config& config);

}  // namespace gateway
