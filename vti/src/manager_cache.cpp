// SPDX-License-Identifier: GPL-2.0-or-later
// The Manager's event-maintained cache: reading notifications, choosing the tunnels to diff,
// the snapshot of just their objects, and updating the cache after an apply.
#include <cerrno>

#include "vti/manager.h"

namespace vti {

namespace {

// Beyond this many changed tunnels one full snapshot costs less than their lookups.
constexpr size_t kMaxScoped = 64;
// Foreign slots only grow between full applies (route churn of a routing daemon); past this
// many the full path starts over from a snapshot.
constexpr size_t kMaxForeignSlots = 1'000'000;

}  // namespace

void Manager::invalidate(const std::string& why) {
    cache_valid_ = false;
    cache_miss_ = why;
}

bool Manager::nft_as_cached() {
    auto nft = read_mss_table(*nfnl_);
    return nft && mss_table_matches(*nft, cached_mss_);
}

void Manager::read_events(ApplyStats& st) {
    if (!monitor_) return;
    uint64_t before = monitor_->events();
    auto check = [&](int protocol, const nlmsghdr* h) {
        if (!cache_valid_) return;  // only emptying the queue: the full path reads everything
        EventVerdict v = owned_.classify(protocol, h, &foreign_);
        if (!v.drift.empty()) invalidate(v.drift);
    };
    for (const auto& d : deferred_)
        check(d.protocol, reinterpret_cast<const nlmsghdr*>(d.msg.data()));
    deferred_.clear();
    MonitorOverflow lost = monitor_->drain(check);
    st.events += monitor_->events() - before;
    size_t slots = foreign_.link_keys.size() + foreign_.addresses.size() + foreign_.routes.size() +
                   foreign_.policies.size();
    if (lost.rtnl || lost.xfrm)
        invalidate("kernel notifications were lost (event queue overflow)");
    else if (cache_valid_ && slots > kMaxForeignSlots)
        invalidate("too many foreign objects recorded since the last full apply");
    else if (lost.nft && cache_valid_ && !nft_as_cached())
        invalidate("table inet vtigw is not as applied");
}

// After the last acknowledgement of a batch the notifications of its changes are already
// queued: rtnetlink and xfrm send them from the request's handler, before netlink_rcv_skb()
// sends the ack. Checked on 6.18 by NetnsCache.OwnNotificationsAreQueuedBeforeTheAck, and on
// the VM's 6.1 by bench/vti-apply: its cached no-op after 1,000 tunnels reads no notification.
// So what this drain reads is the apply's own doing, intermediate states included, plus
// whatever others did meanwhile. rtnetlink stamps a notification with the port id of the
// socket whose request caused it (0 for the kernel's own), so others' route and address
// changes are kept and judged by the next read_events(); xfrm and nf_tables give no such hint.
void Manager::drain_own(bool ran_nft, ApplyStats& st) {
    uint64_t before = monitor_->events();
    uint32_t own = rtnl_->portid();
    // Our own transaction, alone between two readings of the generation, needs no read-back.
    bool nft_touched = ran_nft && !nft_sole_commit_;
    MonitorOverflow lost = monitor_->drain([&](int protocol, const nlmsghdr* h) {
        // Stamped with our request socket: one of the objects just put in the cache.
        if (protocol == NETLINK_ROUTE && h->nlmsg_pid == own) return;
        if (protocol == NETLINK_ROUTE && h->nlmsg_pid != 0) {
            const auto* b = reinterpret_cast<const uint8_t*>(h);
            deferred_.push_back({protocol, std::vector<uint8_t>(b, b + h->nlmsg_len)});
            return;
        }
        // Drift here is the apply's own intermediate state; foreign slots are still recorded.
        nft_touched |= owned_.classify(protocol, h, &foreign_).nft;
    });
    st.events += monitor_->events() - before;
    if (lost.rtnl || lost.xfrm) {
        invalidate("kernel notifications were lost during the apply (event queue overflow)");
        return;
    }
    // nft notifications come from libnftables' own socket (and the monitor was muted meanwhile):
    // unless the generation showed ours was the only commit, the table is read back instead.
    if ((nft_touched || lost.nft) && !nft_as_cached())
        invalidate("table inet vtigw is not as applied");
}

std::string Manager::scope_of(const DesiredState& d, std::set<std::string>& scope) const {
    size_t known = 0;
    for (const auto& t : d.tunnels) {
        const TunnelSpec* c = owned_.spec(t.name);
        known += c != nullptr;
        if (!c || !(*c == t)) scope.insert(t.name);
    }
    if (known < owned_.size()) {
        std::set<std::string> wanted;
        for (const auto& t : d.tunnels) wanted.insert(t.name);
        for (const auto& name : owned_.names())
            if (!wanted.count(name)) scope.insert(name);
    }
    if (scope.size() > kMaxScoped) return std::to_string(scope.size()) + " tunnels changed";
    // Foreign objects where a changed tunnel wants its own: the full diff decides (conflict).
    auto taken = [&](const std::string* owner) { return owner && !scope.count(*owner); };
    for (const auto& t : d.tunnels) {
        if (!scope.count(t.name)) continue;
        std::string in = "tunnel " + t.name + ": ";
        if (opt_.link_mode == LinkMode::Manage && foreign_.link_keys.count(t.key))
            return in + "key " + std::to_string(t.key) + " seen on a foreign link";
        for (const auto& a : t.addresses)
            if (foreign_.addresses.count(a.addr))
                return in + "address " + a.addr.str() + " seen on a foreign link";
        for (const auto& r : wanted_routes(t))
            if (foreign_.routes.count(route_slot(r)) || taken(owned_.route_owner(route_slot(r))))
                return in + "route " + r.dst.str() + " slot seen taken";
        for (const auto& p : wanted_policies(t))
            if (foreign_.policies.count(policy_slot(p)) ||
                taken(owned_.policy_owner(policy_slot(p))))
                return in + "xfrm policy slot seen taken";
    }
    return "";
}

Expected<KernelSnapshot> Manager::scoped_snapshot(const DesiredState& d,
                                                  const std::set<std::string>& scope) {
    KernelSnapshot s;
    std::set<std::string> owned_names, names;
    for (const auto& t : d.tunnels) {
        if (!scope.count(t.name)) continue;
        owned_names.insert(t.ifname);
        if (!t.underlay.empty()) names.insert(t.underlay);
    }
    for (const auto& name : scope)
        if (const TunnelSpec* c = owned_.spec(name)) owned_names.insert(c->ifname);
    names.insert(owned_names.begin(), owned_names.end());
    for (const auto& name : names) {
        ifindex_.erase(name);
        auto m = build_link_get(name);
        Result r = rtnl_->get(m, [&](const nlmsghdr* h) {
            if (auto l = parse_link(h)) s.links.push_back(std::move(*l));
        });
        if (!r.ok() && r.code() != ENODEV) return r.prefix("link " + name + ": ");
    }
    for (const auto& l : s.links) {
        ifindex_[l.name] = l.index;
        if (!owned_names.count(l.name)) continue;
        // Only what is on the scoped tunnels' own links: objects of other tunnels would be
        // taken for stale ones.
        auto am = build_address_dump(l.index);
        Result r = rtnl_->dump(am, [&](const nlmsghdr* h) {
            auto a = parse_address(h);
            if (a && a->index == l.index) s.addresses.push_back(std::move(*a));
        });
        if (!r.ok()) return r.prefix("addresses of " + l.name + ": ");
        auto rm = build_route_dump(l.index);
        r = rtnl_->dump(rm, [&](const nlmsghdr* h) {
            auto rt = parse_route(h);
            if (rt && rt->oif == l.index) s.routes.push_back(std::move(*rt));
        });
        if (!r.ok()) return r.prefix("routes of " + l.name + ": ");
    }
    // Owned policies are exactly those applied (a notification would have told otherwise).
    for (const auto& name : scope) {
        const TunnelSpec* c = owned_.spec(name);
        if (!c) continue;
        for (auto p : wanted_policies(*c)) {
            p.tunnel.clear();
            s.policies.push_back(std::move(p));
        }
    }
    read_sysctls(d, &scope, s);
    s.nft.present = !cached_mss_.empty();
    s.nft.shape_ok = true;
    s.nft.rules = cached_mss_;
    return s;
}

void Manager::update_cache(const DesiredState& d, const Prepared& p, ApplyStats& st) {
    if (!monitor_) return;
    bool ran_nft = false;
    for (const auto& s : p.steps) ran_nft |= std::holds_alternative<NftStep>(s.op);
    if (!relinked_.empty()) {
        Result r = refresh_ifindexes(relinked_);
        if (!r.ok()) {
            invalidate("ifindexes after the apply: " + r.message());
            monitor_->drain([](int, const nlmsghdr*) {});
            return;
        }
    }
    auto index_of = [&](const std::string& name) {
        auto it = ifindex_.find(name);
        return it == ifindex_.end() ? 0 : it->second;
    };
    auto add = [&](const TunnelSpec& t) {
        owned_.add(t, index_of(t.ifname), t.underlay.empty() ? 0 : index_of(t.underlay));
    };
    if (!p.scoped) {
        owned_.clear();
        foreign_ = {};
        foreign_.add_snapshot(p.snap);
        for (const auto& t : d.tunnels) add(t);
        cache_valid_ = true;
        cache_miss_.clear();
    } else {
        for (const auto& name : p.scope) owned_.remove(name);
        for (const auto& t : d.tunnels)
            if (p.scope.count(t.name)) add(t);
    }
    cached_mss_ = desired_mss_rules(d);
    drain_own(ran_nft, st);
}

}  // namespace vti
