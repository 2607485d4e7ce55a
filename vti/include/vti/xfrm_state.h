// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// xfrm state family: the SAs the IKE daemon installs with a tunnel's mark or if_id. The manager
// never creates SAs; it only finds and deletes stale ones (left by a daemon that was killed).

#include <linux/netlink.h>

#include <cstdint>
#include <optional>
#include <string>

#include "vti/ip.h"
#include "vti/netlink_socket.h"

namespace vti {

/** One SA as dumped. */
struct StateInfo {
    /** Outer source and destination. */
    IpAddress src;
    IpAddress dst;
    /** SPI, host order (0 for a larval ACQUIRE state). */
    uint32_t spi = 0;
    /** IPPROTO_ESP, IPPROTO_AH, … */
    uint8_t proto = 0;
    /** CHILD_SA reqid. */
    uint32_t reqid = 0;
    /** XFRMA_MARK value and mask (0/0 when none). */
    uint32_t mark = 0;
    uint32_t mark_mask = 0;
    /** XFRMA_IF_ID (0 when none). */
    uint32_t if_id = 0;

    /** True when this SA carries `key` as a full mark or as its if_id. */
    bool keyed_by(uint32_t key) const {
        return key != 0 && ((mark == key && mark_mask == 0xffffffff) || if_id == key);
    }
};

/** XFRM_MSG_GETSA dump request. */
nl::Message build_state_dump();
/** Parses an XFRM_MSG_NEWSA (dump reply); nullopt for others or malformed ones. */
std::optional<StateInfo> parse_state(const nlmsghdr* nlh);
/** XFRM_MSG_DELSA for `s` (looked up by destination, SPI, protocol and mark). */
nl::Message build_state_delete(const StateInfo& s);
/** `ip xfrm state delete …` equivalent. */
std::string state_delete_command(const StateInfo& s);

}  // namespace vti
