// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Helpers shared by the xfrm policy and state families (internal to vti/).

#include <libmnl/libmnl.h>
#include <linux/xfrm.h>

#include <cstdint>
#include <string>

#include "vti/ip.h"
#include "vti/netlink_socket.h"

namespace vti::xfrm {

/** An xfrm_address_t of `family` as an IpAddress (empty for other families). */
IpAddress from_xfrm(const xfrm_address_t& a, int family);
/** `from` into an xfrm_address_t, zero-padded. */
void to_xfrm(xfrm_address_t& to, const IpAddress& from);
/** "0x2a". */
std::string hex(uint32_t v);
/** Applies XFRMA_MARK and XFRMA_IF_ID attributes to `mark`, `mask` and `if_id`; other
 *  attributes are left to the caller (returns false for them). */
bool parse_key_attr(const nlattr* a, uint32_t& mark, uint32_t& mask, uint32_t& if_id);
/** Appends XFRMA_MARK (when mark or mask is set). */
void put_mark(nl::Message& m, uint32_t mark, uint32_t mask);

}  // namespace vti::xfrm
