// SPDX-License-Identifier: GPL-2.0-or-later
#include "xfrm_common.h"

#include <sys/socket.h>

#include <cstdio>
#include <cstring>

namespace vti::xfrm {

IpAddress from_xfrm(const xfrm_address_t& a, int family) {
    IpAddress ip;
    if (family != AF_INET && family != AF_INET6) return ip;
    ip.family = family;
    memcpy(ip.bytes.data(), &a, ip.size());
    return ip;
}

void to_xfrm(xfrm_address_t& to, const IpAddress& from) {
    memset(&to, 0, sizeof to);
    memcpy(&to, from.bytes.data(), from.size());
}

std::string hex(uint32_t v) {
    char buf[16];
    snprintf(buf, sizeof buf, "0x%x", v);
    return buf;
}

bool parse_key_attr(const nlattr* a, uint32_t& mark, uint32_t& mask, uint32_t& if_id) {
    switch (mnl_attr_get_type(a)) {
        case XFRMA_MARK:
            if (mnl_attr_get_payload_len(a) >= sizeof(xfrm_mark)) {
                xfrm_mark mk;
                memcpy(&mk, mnl_attr_get_payload(a), sizeof mk);
                mark = mk.v;
                mask = mk.m;
            }
            return true;
        case XFRMA_IF_ID:
            if (mnl_attr_validate(a, MNL_TYPE_U32) == 0) if_id = mnl_attr_get_u32(a);
            return true;
        default:
            return false;
    }
}

void put_mark(nl::Message& m, uint32_t mark, uint32_t mask) {
    if (!mark && !mask) return;
    xfrm_mark mk{mark, mask};
    m.put(XFRMA_MARK, &mk, sizeof mk);
}

}  // namespace vti::xfrm
