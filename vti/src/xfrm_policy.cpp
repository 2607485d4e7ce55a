// SPDX-License-Identifier: GPL-2.0-or-later
#include "vti/xfrm_policy.h"

#include <libmnl/libmnl.h>
#include <linux/xfrm.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdio>
#include <cstring>

#include "xfrm_common.h"

namespace vti {

namespace {

void fill_selector(xfrm_selector& sel, int family) {
    memset(&sel, 0, sizeof sel);
    sel.family = static_cast<uint16_t>(family);
}

void put_ids(nl::Message& m, const PolicyInfo& p) {
    xfrm::put_mark(m, p.mark, p.mark_mask);
    if (p.if_id) m.put_u32(XFRMA_IF_ID, p.if_id);
}

}  // namespace

const char* dir_name(PolicyDir d) {
    return d == PolicyDir::In ? "in" : d == PolicyDir::Out ? "out" : "fwd";
}

nl::Message build_policy(PolicyOp op, const PolicyInfo& p) {
    if (op == PolicyOp::Delete) {
        nl::Message m(XFRM_MSG_DELPOLICY, 0);
        auto* id = m.put_extra<xfrm_userpolicy_id>();
        if (!id) return m;
        fill_selector(id->sel, p.family);
        id->dir = static_cast<uint8_t>(p.dir);
        put_ids(m, p);
        return m;
    }
    nl::Message m(op == PolicyOp::Add ? XFRM_MSG_NEWPOLICY : XFRM_MSG_UPDPOLICY, 0);
    auto* info = m.put_extra<xfrm_userpolicy_info>();
    if (!info) return m;
    fill_selector(info->sel, p.family);
    info->lft.soft_byte_limit = XFRM_INF;
    info->lft.hard_byte_limit = XFRM_INF;
    info->lft.soft_packet_limit = XFRM_INF;
    info->lft.hard_packet_limit = XFRM_INF;
    info->priority = p.priority;
    info->dir = static_cast<uint8_t>(p.dir);
    info->action = XFRM_POLICY_ALLOW;
    info->share = XFRM_SHARE_ANY;
    xfrm_user_tmpl t;
    memset(&t, 0, sizeof t);
    xfrm::to_xfrm(t.id.daddr, p.tmpl_dst);
    xfrm::to_xfrm(t.saddr, p.tmpl_src);
    t.id.proto = IPPROTO_ESP;
    t.family = static_cast<uint16_t>(p.tmpl_src.family);
    t.reqid = p.reqid;
    t.mode = XFRM_MODE_TUNNEL;
    t.aalgos = t.ealgos = t.calgos = ~0u;
    m.put(XFRMA_TMPL, &t, sizeof t);
    put_ids(m, p);
    return m;
}

nl::Message build_policy_dump() {
    nl::Message m(XFRM_MSG_GETPOLICY, 0);
    return m;
}

namespace {

// `info` is the policy header, `attrs` the offset of the template/mark/if_id attributes.
std::optional<PolicyInfo> parse_policy_info(const xfrm_userpolicy_info* info, const nlmsghdr* nlh,
                                            size_t attrs) {
    if (info->dir > XFRM_POLICY_FWD) return std::nullopt;  // socket policies
    PolicyInfo p;
    p.dir = static_cast<PolicyDir>(info->dir);
    p.family = info->sel.family;
    static const xfrm_address_t zero{};
    p.catch_all = info->sel.prefixlen_d == 0 && info->sel.prefixlen_s == 0 &&
                  !memcmp(&info->sel.daddr, &zero, sizeof zero) &&
                  !memcmp(&info->sel.saddr, &zero, sizeof zero) && info->sel.proto == 0 &&
                  info->sel.ifindex == 0 && info->action == XFRM_POLICY_ALLOW;
    p.priority = info->priority;
    int ntmpl = 0;
    nl::for_each_attr(nlh, attrs, [&](const nlattr* a) {
        if (xfrm::parse_key_attr(a, p.mark, p.mark_mask, p.if_id)) return;
        switch (mnl_attr_get_type(a)) {
            case XFRMA_TMPL: {
                size_t n = mnl_attr_get_payload_len(a) / sizeof(xfrm_user_tmpl);
                ntmpl = static_cast<int>(n);
                if (n >= 1) {
                    xfrm_user_tmpl t;
                    memcpy(&t, mnl_attr_get_payload(a), sizeof t);
                    p.tmpl_src = xfrm::from_xfrm(t.saddr, t.family);
                    p.tmpl_dst = xfrm::from_xfrm(t.id.daddr, t.family);
                    p.reqid = t.reqid;
                    if (t.mode != XFRM_MODE_TUNNEL || t.id.proto != IPPROTO_ESP) p.reqid = ~0u;
                }
                break;
            }
            default:
                break;
        }
    });
    // Anything but exactly one template is not a shape vtigw writes: never equal to ours.
    if (ntmpl != 1) p.reqid = ~0u;
    return p;
}

}  // namespace

std::optional<PolicyInfo> parse_policy(const nlmsghdr* nlh) {
    if (nlh->nlmsg_type != XFRM_MSG_NEWPOLICY ||
        mnl_nlmsg_get_payload_len(nlh) < sizeof(xfrm_userpolicy_info))
        return std::nullopt;
    const auto* info = static_cast<const xfrm_userpolicy_info*>(mnl_nlmsg_get_payload(nlh));
    return parse_policy_info(info, nlh, sizeof(xfrm_userpolicy_info));
}

std::optional<PolicyInfo> parse_policy_event(const nlmsghdr* nlh) {
    size_t plen = mnl_nlmsg_get_payload_len(nlh);
    if (nlh->nlmsg_type == XFRM_MSG_NEWPOLICY || nlh->nlmsg_type == XFRM_MSG_UPDPOLICY) {
        if (plen < sizeof(xfrm_userpolicy_info)) return std::nullopt;
        const auto* info = static_cast<const xfrm_userpolicy_info*>(mnl_nlmsg_get_payload(nlh));
        return parse_policy_info(info, nlh, sizeof(xfrm_userpolicy_info));
    }
    if (nlh->nlmsg_type != XFRM_MSG_DELPOLICY || plen < sizeof(xfrm_userpolicy_id))
        return std::nullopt;
    // A deletion carries the policy id as header and the whole policy in XFRMA_POLICY; template,
    // mark and if_id follow as attributes of their own.
    xfrm_userpolicy_info info;
    bool found = false;
    nl::for_each_attr(nlh, sizeof(xfrm_userpolicy_id), [&](const nlattr* a) {
        if (mnl_attr_get_type(a) != XFRMA_POLICY || mnl_attr_get_payload_len(a) < sizeof info)
            return;
        memcpy(&info, mnl_attr_get_payload(a), sizeof info);
        found = true;
    });
    if (!found) return std::nullopt;
    return parse_policy_info(&info, nlh, sizeof(xfrm_userpolicy_id));
}

std::string policy_command(PolicyOp op, const PolicyInfo& p) {
    const char* any = p.family == AF_INET6 ? "::/0" : "0.0.0.0/0";
    std::string s = op == PolicyOp::Add      ? "ip xfrm policy add"
                    : op == PolicyOp::Update ? "ip xfrm policy update"
                                             : "ip xfrm policy delete";
    s += std::string(" src ") + any + " dst " + any + " dir " + dir_name(p.dir);
    if (p.mark || p.mark_mask)
        s += " mark " + xfrm::hex(p.mark) + " mask " + xfrm::hex(p.mark_mask);
    if (p.if_id) s += " if_id " + std::to_string(p.if_id);
    if (op == PolicyOp::Delete) return s;
    s += " priority " + std::to_string(p.priority) + " tmpl src " + p.tmpl_src.str() + " dst " +
         p.tmpl_dst.str() + " proto esp reqid " + std::to_string(p.reqid) + " mode tunnel";
    return s;
}

}  // namespace vti
