// SPDX-License-Identifier: GPL-2.0-or-later
#include "vti/xfrm_state.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdio>
#include <cstring>

#include "xfrm_common.h"

namespace vti {

namespace {

const char* proto_name(uint8_t p) {
    return p == IPPROTO_ESP ? "esp" : p == IPPROTO_AH ? "ah" : p == IPPROTO_COMP ? "comp" : "?";
}

}  // namespace

nl::Message build_state_dump() {
    return nl::Message(XFRM_MSG_GETSA, 0);
}

std::optional<StateInfo> parse_state(const nlmsghdr* nlh) {
    if (nlh->nlmsg_type != XFRM_MSG_NEWSA ||
        mnl_nlmsg_get_payload_len(nlh) < sizeof(xfrm_usersa_info))
        return std::nullopt;
    const auto* info = static_cast<const xfrm_usersa_info*>(mnl_nlmsg_get_payload(nlh));
    StateInfo s;
    s.src = xfrm::from_xfrm(info->saddr, info->family);
    s.dst = xfrm::from_xfrm(info->id.daddr, info->family);
    s.spi = ntohl(info->id.spi);
    s.proto = info->id.proto;
    s.reqid = info->reqid;
    nl::for_each_attr(nlh, sizeof(xfrm_usersa_info), [&](const nlattr* a) {
        xfrm::parse_key_attr(a, s.mark, s.mark_mask, s.if_id);
    });
    return s;
}

nl::Message build_state_delete(const StateInfo& s) {
    nl::Message m(XFRM_MSG_DELSA, 0);
    auto* id = m.put_extra<xfrm_usersa_id>();
    if (!id) return m;
    xfrm::to_xfrm(id->daddr, s.dst);
    id->spi = htonl(s.spi);
    id->family = static_cast<uint16_t>(s.dst.family);
    id->proto = s.proto;
    xfrm::put_mark(m, s.mark, s.mark_mask);
    if (s.src.family) {
        xfrm_address_t src;
        xfrm::to_xfrm(src, s.src);
        m.put(XFRMA_SRCADDR, &src, sizeof src);
    }
    return m;
}

std::string state_delete_command(const StateInfo& s) {
    std::string c = "ip xfrm state delete src " + s.src.str() + " dst " + s.dst.str() + " proto " +
                    proto_name(s.proto) + " spi " + xfrm::hex(s.spi);
    if (s.mark || s.mark_mask)
        c += " mark " + xfrm::hex(s.mark) + " mask " + xfrm::hex(s.mark_mask);
    return c;
}

}  // namespace vti
