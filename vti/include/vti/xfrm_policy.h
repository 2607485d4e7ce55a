// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// xfrm policy family: the mark / if_id based catch-all policies of a route-based tunnel
// (out/in/fwd, selectors 0.0.0.0/0 and ::/0, tunnel-mode ESP template between the outer
// addresses, reqid fixed per tunnel, infinite lifetimes).

#include <linux/netlink.h>

#include <cstdint>
#include <optional>
#include <string>

#include "vti/ip.h"
#include "vti/netlink_socket.h"

namespace vti {

/** Priority of every policy vtigw installs; together with a mark or if_id it marks ownership. */
inline constexpr uint32_t kPolicyPriority = 2130;

/** xfrm policy direction (values of XFRM_POLICY_IN / OUT / FWD). */
enum class PolicyDir : uint8_t { In = 0, Out = 1, Fwd = 2 };

/** One xfrm policy with a catch-all selector of `family`. */
struct PolicyInfo {
    /** Direction. */
    PolicyDir dir = PolicyDir::Out;
    /** Selector family (AF_INET: 0.0.0.0/0, AF_INET6: ::/0). */
    int family = 0;
    /** True when the selector is the catch-all of `family` (only those can be ours). */
    bool catch_all = true;
    /** XFRMA_MARK value (VTI key), 0 if none. */
    uint32_t mark = 0;
    /** XFRMA_MARK mask. */
    uint32_t mark_mask = 0;
    /** XFRMA_IF_ID, 0 if none. */
    uint32_t if_id = 0;
    /** Policy priority. */
    uint32_t priority = kPolicyPriority;
    /** Template outer source address (family gives the outer family). */
    IpAddress tmpl_src;
    /** Template outer destination address. */
    IpAddress tmpl_dst;
    /** Template reqid. */
    uint32_t reqid = 0;
    /** Tunnel name, for messages. */
    std::string tunnel;

    /** Same kernel slot: direction, selector, mark and if_id. */
    bool same_key(const PolicyInfo& o) const {
        return dir == o.dir && family == o.family && catch_all == o.catch_all && mark == o.mark &&
               mark_mask == o.mark_mask && if_id == o.if_id;
    }
    /** Same key and same contents (priority, template). */
    bool same(const PolicyInfo& o) const {
        return same_key(o) && priority == o.priority && tmpl_src == o.tmpl_src &&
               tmpl_dst == o.tmpl_dst && reqid == o.reqid;
    }
    /** True when vtigw owns it: our priority, a catch-all selector, and a full mark or if_id. */
    bool ours() const {
        return priority == kPolicyPriority && catch_all &&
               ((mark != 0 && mark_mask == 0xffffffff) || if_id != 0);
    }
};

/** How a policy message acts. */
enum class PolicyOp { Add, Update, Delete };

/** XFRM_MSG_NEWPOLICY / UPDPOLICY / DELPOLICY for `p`. */
nl::Message build_policy(PolicyOp op, const PolicyInfo& p);
/** XFRM_MSG_GETPOLICY dump request. */
nl::Message build_policy_dump();
/** Parses an XFRM_MSG_NEWPOLICY (dump reply); nullopt for others or malformed ones. */
std::optional<PolicyInfo> parse_policy(const nlmsghdr* nlh);
/** Parses an XFRM_MSG_NEWPOLICY / UPDPOLICY / DELPOLICY notification; nullopt for socket
 *  policies, other messages or malformed ones. */
std::optional<PolicyInfo> parse_policy_event(const nlmsghdr* nlh);
/** `ip xfrm policy add|update|delete ...` equivalent. */
std::string policy_command(PolicyOp op, const PolicyInfo& p);
/** "out", "in" or "fwd". */
const char* dir_name(PolicyDir d);

}  // namespace vti
