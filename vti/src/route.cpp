// SPDX-License-Identifier: GPL-2.0-or-later
#include "vti/route.h"

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cstring>

namespace vti {

nl::Message build_route(RouteOp op, const RouteInfo& r) {
    uint16_t flags = op == RouteOp::Add       ? NLM_F_CREATE | NLM_F_EXCL
                     : op == RouteOp::Replace ? NLM_F_CREATE | NLM_F_REPLACE
                                              : 0;
    nl::Message m(op == RouteOp::Delete ? RTM_DELROUTE : RTM_NEWROUTE, flags);
    auto* rtm = m.put_extra<rtmsg>();
    if (!rtm) return m;
    rtm->rtm_family = static_cast<uint8_t>(r.dst.addr.family);
    rtm->rtm_dst_len = r.dst.len;
    rtm->rtm_table = static_cast<uint8_t>(r.table < 256 ? r.table : RT_TABLE_UNSPEC);
    rtm->rtm_protocol = r.protocol;
    rtm->rtm_scope = op == RouteOp::Delete ? RT_SCOPE_NOWHERE : RT_SCOPE_LINK;
    rtm->rtm_type = r.type;
    if (r.dst.len) m.put(RTA_DST, r.dst.addr.bytes.data(), r.dst.addr.size());
    m.put_u32(RTA_TABLE, r.table);
    m.put_u32(RTA_PRIORITY, r.metric);
    if (r.oif) m.put_u32(RTA_OIF, static_cast<uint32_t>(r.oif));
    return m;
}

nl::Message build_route_dump(int oif) {
    nl::Message m(RTM_GETROUTE, 0);
    auto* rtm = m.put_extra<rtmsg>();
    if (!rtm) return m;
    rtm->rtm_family = AF_UNSPEC;
    if (oif) m.put_u32(RTA_OIF, static_cast<uint32_t>(oif));
    return m;
}

std::optional<RouteInfo> parse_route(const nlmsghdr* nlh) {
    if ((nlh->nlmsg_type != RTM_NEWROUTE && nlh->nlmsg_type != RTM_DELROUTE) ||
        mnl_nlmsg_get_payload_len(nlh) < sizeof(rtmsg))
        return std::nullopt;
    const auto* rtm = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(nlh));
    if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6) return std::nullopt;
    if (rtm->rtm_flags & RTM_F_CLONED) return std::nullopt;
    RouteInfo r;
    r.dst.addr.family = rtm->rtm_family;
    r.dst.len = rtm->rtm_dst_len;
    r.table = rtm->rtm_table;
    r.protocol = rtm->rtm_protocol;
    r.type = rtm->rtm_type;
    size_t want = rtm->rtm_family == AF_INET6 ? 16 : 4;
    nl::for_each_attr(nlh, sizeof(rtmsg), [&](const nlattr* a) {
        bool u32ok = mnl_attr_validate(a, MNL_TYPE_U32) == 0;
        switch (mnl_attr_get_type(a)) {
            case RTA_DST:
                if (mnl_attr_get_payload_len(a) == want)
                    memcpy(r.dst.addr.bytes.data(), mnl_attr_get_payload(a), want);
                break;
            case RTA_TABLE:
                if (u32ok) r.table = mnl_attr_get_u32(a);
                break;
            case RTA_PRIORITY:
                if (u32ok) r.metric = mnl_attr_get_u32(a);
                break;
            case RTA_OIF:
                if (u32ok) r.oif = static_cast<int>(mnl_attr_get_u32(a));
                break;
            default:
                break;
        }
    });
    if (r.table == RT_TABLE_LOCAL) return std::nullopt;
    return r;
}

std::string route_command(RouteOp op, const RouteInfo& r) {
    std::string s = op == RouteOp::Add       ? "ip route add "
                    : op == RouteOp::Replace ? "ip route replace "
                                             : "ip route del ";
    s += r.dst.str();
    if (op != RouteOp::Delete) s += " dev " + r.oif_name;
    s += " metric " + std::to_string(r.metric) + " table " + std::to_string(r.table) + " proto " +
         std::to_string(r.protocol);
    if (op == RouteOp::Delete) return s;
    return s + " scope link";
}

}  // namespace vti
