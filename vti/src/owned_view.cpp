// SPDX-License-Identifier: GPL-2.0-or-later
#include "vti/owned_view.h"

#include <libmnl/libmnl.h>
#include <linux/netconf.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>
#include <linux/xfrm.h>
#include <sys/socket.h>

#include <cstring>

namespace vti {

namespace {

bool tunnel_kind(const std::string& kind) {
    return kind == "vti" || kind == "vti6" || kind == "xfrm";
}

uint32_t link_key(const LinkInfo& l) {
    return l.kind == "xfrm" ? l.if_id : l.ikey;
}

std::string route_name(const RouteInfo& r) {
    return "route " + r.dst.str() + " table " + std::to_string(r.table) + " metric " +
           std::to_string(r.metric);
}

std::string policy_name(const PolicyInfo& p) {
    return std::string("xfrm policy ") + dir_name(p.dir) +
           (p.family == AF_INET6 ? " ::/0" : " 0.0.0.0/0") +
           (p.if_id ? " if_id " + std::to_string(p.if_id) : " mark " + std::to_string(p.mark));
}

}  // namespace

void ForeignSlots::add_snapshot(const KernelSnapshot& s) {
    std::set<int> owned;
    for (const auto& l : s.links) {
        if (owner_of_alias(l.alias)) {
            owned.insert(l.index);
        } else if (tunnel_kind(l.kind)) {
            link_keys.insert(link_key(l));
        }
    }
    for (const auto& a : s.addresses)
        if (!owned.count(a.index)) addresses.insert(a.prefix.addr);
    for (const auto& r : s.routes)
        if (r.protocol != kRouteProtocol) routes.insert(route_slot(r));
    for (const auto& p : s.policies)
        if (!p.ours()) policies.insert(policy_slot(p));
}

void OwnedView::add(const TunnelSpec& t, int ifindex, int underlay_index) {
    remove(t.name);
    auto& [name, e] = *tunnels_.emplace(t.name, Entry{t, ifindex, underlay_index}).first;
    by_ifname_[t.ifname] = &e;
    if (ifindex) by_index_[ifindex] = &e;
    if (!t.underlay.empty()) {
        auto& u = underlays_[t.underlay];
        u.first = underlay_index;
        ++u.second;
    }
    for (const auto& r : wanted_routes(t)) routes_[route_slot(r)] = &name;
    for (const auto& p : wanted_policies(t)) policies_[policy_slot(p)] = &name;
}

void OwnedView::remove(const std::string& name) {
    auto it = tunnels_.find(name);
    if (it == tunnels_.end()) return;
    const Entry& e = it->second;
    by_ifname_.erase(e.spec.ifname);
    by_index_.erase(e.index);
    if (!e.spec.underlay.empty()) {
        auto u = underlays_.find(e.spec.underlay);
        if (u != underlays_.end() && --u->second.second == 0) underlays_.erase(u);
    }
    for (const auto& r : wanted_routes(e.spec)) routes_.erase(route_slot(r));
    for (const auto& p : wanted_policies(e.spec)) policies_.erase(policy_slot(p));
    tunnels_.erase(it);
}

void OwnedView::clear() {
    tunnels_.clear();
    by_ifname_.clear();
    by_index_.clear();
    underlays_.clear();
    routes_.clear();
    policies_.clear();
}

const TunnelSpec* OwnedView::spec(const std::string& name) const {
    auto it = tunnels_.find(name);
    return it == tunnels_.end() ? nullptr : &it->second.spec;
}

std::vector<std::string> OwnedView::names() const {
    std::vector<std::string> out;
    for (const auto& [name, e] : tunnels_) out.push_back(name);
    return out;
}

const std::string* OwnedView::route_owner(const RouteSlot& slot) const {
    auto it = routes_.find(slot);
    return it == routes_.end() ? nullptr : it->second;
}

const std::string* OwnedView::policy_owner(const PolicySlot& slot) const {
    auto it = policies_.find(slot);
    return it == policies_.end() ? nullptr : it->second;
}

const OwnedView::Entry* OwnedView::by_index(int index) const {
    auto it = by_index_.find(index);
    return it == by_index_.end() ? nullptr : it->second;
}

EventVerdict OwnedView::classify(int protocol, const nlmsghdr* h, ForeignSlots* foreign) const {
    if (protocol == NETLINK_ROUTE) {
        switch (h->nlmsg_type) {
            case RTM_NEWLINK:
            case RTM_DELLINK:
                return link_event(h, foreign);
            case RTM_NEWADDR:
            case RTM_DELADDR:
                return address_event(h, foreign);
            case RTM_NEWROUTE:
            case RTM_DELROUTE:
                return route_event(h, foreign);
            case RTM_NEWNETCONF:
                return netconf_event(h);
            default:
                return {};  // nothing a snapshot reads (link properties, netconf removal, ...)
        }
    }
    if (protocol == NETLINK_XFRM) {
        switch (h->nlmsg_type) {
            case XFRM_MSG_NEWPOLICY:
            case XFRM_MSG_UPDPOLICY:
            case XFRM_MSG_DELPOLICY:
                return policy_event(h, foreign);
            case XFRM_MSG_FLUSHPOLICY:
                return {"xfrm policies flushed"};
            default:
                return {"xfrm notification " + std::to_string(h->nlmsg_type)};
        }
    }
    if (protocol == NETLINK_NETFILTER) {
        if ((h->nlmsg_type >> 8) != NFNL_SUBSYS_NFTABLES) return {};
        if ((h->nlmsg_type & 0xff) == NFT_MSG_NEWGEN) return {};
        if (mnl_nlmsg_get_payload_len(h) < sizeof(nfgenmsg))
            return {"malformed nft notification", true};
        const auto* g = static_cast<const nfgenmsg*>(mnl_nlmsg_get_payload(h));
        // Attribute 1 names the table in every nf_tables object message (NFTA_TABLE_NAME,
        // NFTA_CHAIN_TABLE, NFTA_RULE_TABLE, NFTA_SET_TABLE, ...).
        std::string table;
        bool named = false;
        nl::for_each_attr(h, sizeof(nfgenmsg), [&](const nlattr* a) {
            if (mnl_attr_get_type(a) == 1 && mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0) {
                table = mnl_attr_get_str(a);
                named = true;
            }
        });
        if (named && (g->nfgen_family != NFPROTO_INET || table != kNftTable)) return {};
        return {"nft table inet " + std::string(kNftTable) + " changed", true};
    }
    return {};
}

EventVerdict OwnedView::link_event(const nlmsghdr* h, ForeignSlots* foreign) const {
    auto l = parse_link(h);
    if (!l) return {"unreadable link notification"};
    bool del = h->nlmsg_type == RTM_DELLINK;
    auto named = by_ifname_.find(l->name);
    const Entry* at_index = by_index(l->index);
    if (named != by_ifname_.end() || at_index) {
        const Entry* e = named != by_ifname_.end() ? named->second : nullptr;
        if (e != at_index || !e) return {"link " + l->name + " renumbered or renamed"};
        if (del) return {"link " + l->name + " deleted"};
        LinkInfo w = wanted_link(e->spec);
        w.underlay_index = e->underlay_index;
        if (l->alias != w.alias || l->mtu != w.mtu || l->up != w.up)
            return {"link " + l->name + " changed (mtu " + std::to_string(l->mtu) + ", alias '" +
                    l->alias + "', " + (l->up ? "up" : "down") + ")"};
        if (tunnel_params_ && !w.same_tunnel(*l))
            return {"link " + l->name + " tunnel parameters changed"};
        for (const auto& st : desired_sysctls(e->spec)) {
            auto v = sysctl_from_link(*l, st.path);
            if (v && *v != st.value) return {st.path + " changed to " + *v};
        }
        return {};
    }
    for (const auto& [name, u] : underlays_) {
        if ((name == l->name) != (u.first == l->index) || (name == l->name && del))
            return {"underlay " + name + " changed (" + l->name + ", index " +
                    std::to_string(l->index) + ")"};
    }
    if (del) return {};
    if (owner_of_alias(l->alias)) return {"link " + l->name + " carries alias " + l->alias};
    if (foreign && tunnel_kind(l->kind)) foreign->link_keys.insert(link_key(*l));
    return {};
}

EventVerdict OwnedView::address_event(const nlmsghdr* h, ForeignSlots* foreign) const {
    auto a = parse_address(h);
    if (!a) return {};  // a family or shape the snapshot does not read either
    bool del = h->nlmsg_type == RTM_DELADDR;
    if (const Entry* e = by_index(a->index)) {
        if (is_kernel_address(a->prefix)) return {};
        bool wanted = false;
        for (const auto& p : e->spec.addresses) wanted |= p == a->prefix;
        if (wanted == del)
            return {"address " + a->prefix.str() + (del ? " removed from " : " added to ") +
                    e->spec.ifname};
        return {};
    }
    if (!del && foreign) foreign->addresses.insert(a->prefix.addr);
    return {};
}

EventVerdict OwnedView::route_event(const nlmsghdr* h, ForeignSlots* foreign) const {
    auto r = parse_route(h);
    if (!r) return {};  // local table and cached clones: not in a snapshot either
    bool del = h->nlmsg_type == RTM_DELROUTE;
    RouteSlot slot = route_slot(*r);
    auto owner = routes_.find(slot);
    if (owner != routes_.end()) {
        const Entry& e = tunnels_.at(*owner->second);
        if (del)
            return r->protocol == kRouteProtocol ? EventVerdict{route_name(*r) + " deleted"}
                                                 : EventVerdict{};
        if (r->protocol != kRouteProtocol || r->oif != e.index || r->type != RTN_UNICAST)
            return {route_name(*r) + " changed (protocol " + std::to_string(r->protocol) +
                    ", oif " + std::to_string(r->oif) + ")"};
        return {};
    }
    if (r->protocol == kRouteProtocol)
        return del ? EventVerdict{} : EventVerdict{"unexpected vtigw " + route_name(*r)};
    if (!del && foreign) foreign->routes.insert(slot);
    return {};
}

EventVerdict OwnedView::netconf_event(const nlmsghdr* h) const {
    if (mnl_nlmsg_get_payload_len(h) < sizeof(netconfmsg)) return {};
    const auto* ncm = static_cast<const netconfmsg*>(mnl_nlmsg_get_payload(h));
    if (ncm->ncm_family != AF_INET) return {};
    int index = 0;
    bool has_rp = false;
    uint32_t rp = 0;
    nl::for_each_attr(h, sizeof(netconfmsg), [&](const nlattr* a) {
        if (mnl_attr_validate(a, MNL_TYPE_U32) != 0) return;
        if (mnl_attr_get_type(a) == NETCONFA_IFINDEX) index = static_cast<int>(mnl_attr_get_u32(a));
        if (mnl_attr_get_type(a) == NETCONFA_RP_FILTER) {
            has_rp = true;
            rp = mnl_attr_get_u32(a);
        }
    });
    const Entry* e = by_index(index);
    if (!e || !has_rp) return {};
    for (const auto& st : desired_sysctls(e->spec))
        if (st.path.ends_with("/rp_filter") && st.value != std::to_string(rp))
            return {st.path + " changed to " + std::to_string(rp)};
    return {};
}

EventVerdict OwnedView::policy_event(const nlmsghdr* h, ForeignSlots* foreign) const {
    auto p = parse_policy_event(h);
    bool del = h->nlmsg_type == XFRM_MSG_DELPOLICY;
    if (!p && del) return {"unreadable xfrm policy deletion"};
    if (!p) return {};  // socket policies: not in a snapshot either
    PolicySlot slot = policy_slot(*p);
    auto owner = policies_.find(slot);
    if (owner != policies_.end()) {
        if (del) return {policy_name(*p) + " deleted"};
        for (const auto& w : wanted_policies(tunnels_.at(*owner->second).spec))
            if (policy_slot(w) == slot && w.same(*p)) return {};
        return {policy_name(*p) + " changed"};
    }
    if (p->ours())
        return del ? EventVerdict{} : EventVerdict{"unexpected vtigw " + policy_name(*p)};
    if (!del && foreign) foreign->policies.insert(slot);
    return {};
}

}  // namespace vti
