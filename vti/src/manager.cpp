// SPDX-License-Identifier: GPL-2.0-or-later
#include "vti/manager.h"

#include "reconcile.h"

#include <linux/netlink.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <map>
#include <set>
#include <tuple>

namespace vti {

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

}  // namespace

Manager::Manager(ManagerOptions opt, std::unique_ptr<nl::Socket> rtnl,
                 std::unique_ptr<nl::Socket> xfrm, std::unique_ptr<nl::Socket> nfnl,
                 std::unique_ptr<EventMonitor> monitor)
    : opt_(opt),
      rtnl_(std::move(rtnl)),
      xfrm_(std::move(xfrm)),
      nfnl_(std::move(nfnl)),
      monitor_(std::move(monitor)),
      owned_(opt.link_mode == LinkMode::Manage) {}

Expected<std::unique_ptr<Manager>> Manager::open(ManagerOptions opt) {
    auto rtnl = nl::Socket::open(NETLINK_ROUTE);
    if (!rtnl) return rtnl.status();
    auto xfrm = nl::Socket::open(NETLINK_XFRM);
    if (!xfrm) return xfrm.status();
    auto nfnl = nl::Socket::open(NETLINK_NETFILTER);
    if (!nfnl) return nfnl.status();
    // Scoped snapshots filter address and route dumps by interface in the kernel.
    Result strict = (*rtnl)->enable_strict_check();
    std::unique_ptr<EventMonitor> monitor;
    std::string no_cache = "no cache yet";
    if (!opt.cache) {
        no_cache = "cache turned off";
    } else if (!strict.ok()) {
        no_cache = "no cache: " + strict.message();
    } else if (auto m = EventMonitor::open()) {
        monitor = std::move(m.value());
    } else {
        no_cache = "no cache: " + m.message();  // the full path still works
    }
    std::unique_ptr<Manager> mgr(new Manager(opt, std::move(rtnl.value()), std::move(xfrm.value()),
                                             std::move(nfnl.value()), std::move(monitor)));
    mgr->cache_miss_ = no_cache;
    return mgr;
}

Expected<KernelSnapshot> Manager::snapshot(const DesiredState& d) {
    KernelSnapshot s;
    auto m = build_link_dump();
    Result r = rtnl_->dump(m, [&](const nlmsghdr* h) {
        if (auto l = parse_link(h)) s.links.push_back(std::move(*l));
    });
    if (!r.ok()) return r.prefix("links: ");
    m = build_address_dump();
    r = rtnl_->dump(m, [&](const nlmsghdr* h) {
        if (auto a = parse_address(h)) s.addresses.push_back(std::move(*a));
    });
    if (!r.ok()) return r.prefix("addresses: ");
    m = build_route_dump();
    r = rtnl_->dump(m, [&](const nlmsghdr* h) {
        if (auto rt = parse_route(h)) s.routes.push_back(std::move(*rt));
    });
    if (!r.ok()) return r.prefix("routes: ");
    m = build_policy_dump();
    r = xfrm_->dump(m, [&](const nlmsghdr* h) {
        if (auto p = parse_policy(h)) s.policies.push_back(std::move(*p));
    });
    if (!r.ok()) return r.prefix("xfrm policies: ");
    ifindex_.clear();
    for (const auto& l : s.links) ifindex_[l.name] = l.index;
    read_sysctls(d, nullptr, s);
    auto nft = read_mss_table(*nfnl_);
    if (!nft) return nft.status();
    s.nft = std::move(*nft);
    return s;
}

void Manager::read_sysctls(const DesiredState& d, const std::set<std::string>* scope,
                           KernelSnapshot& s) {
    std::map<std::string, const LinkInfo*> by_name;
    for (const auto& l : s.links) by_name[l.name] = &l;
    for (const auto& t : d.tunnels) {
        if (scope && !scope->count(t.name)) continue;
        auto link = by_name.find(t.ifname);
        if (link == by_name.end()) continue;
        for (auto st : desired_sysctls(t)) {
            // From the link dump when the kernel reports it there; /proc/sys otherwise.
            if (auto v = sysctl_from_link(*link->second, st.path)) {
                st.value = *v;
            } else if (auto r = read_sysctl(st.path)) {
                st.value = *r;
            } else {
                continue;  // unreadable counts as "not set": the plan writes it
            }
            s.sysctls.push_back(std::move(st));
        }
    }
}

Expected<Manager::Prepared> Manager::prepare(const DesiredState& d, const ApplyOptions& o,
                                             ApplyStats& st) {
    Result v = validate(d);
    if (!v.ok()) return v;
    read_events(st);
    Prepared p;
    std::string miss = o.full ? "full path requested" : cache_miss_;
    if (cache_valid_ && !o.full) miss = scope_of(d, p.scope);
    if (miss.empty()) {
        auto snap = scoped_snapshot(d, p.scope);
        if (snap) {
            auto steps = diff_validated(*snap, d, &p.scope, opt_);  // validated above
            if (steps) {
                p.snap = std::move(*snap);
                p.steps = std::move(*steps);
                p.scoped = true;
                st.used_cache = true;
                st.tunnels_diffed = p.scope.size();
                return p;
            }
            // A conflict or missing underlay: let the full path give the authoritative answer.
            miss = "scoped diff: " + steps.message();
        } else {
            miss = "scoped snapshot: " + snap.message();
        }
    }
    st.cache_miss = miss;
    ++st.full_snapshots;
    auto snap = snapshot(d);
    if (!snap) return snap.status();
    auto steps = diff_validated(*snap, d, nullptr, opt_);
    if (!steps) return steps.status();
    p.snap = std::move(*snap);
    p.steps = std::move(*steps);
    st.tunnels_diffed = d.tunnels.size();
    return p;
}

Expected<std::vector<Change>> Manager::plan(const DesiredState& d, ApplyOptions o,
                                            ApplyStats* stats) {
    ApplyStats local;
    ApplyStats& st = stats ? *stats : local;
    st = {};
    auto p = prepare(d, o, st);
    if (!p) return p.status();
    std::vector<Change> out;
    for (auto& s : p->steps) out.push_back(std::move(s.change));
    return out;
}

Result Manager::remove_stale_states(const DesiredState& d, std::vector<std::string>* commands) {
    // An SA is a tunnel's when it carries the tunnel's key (mark or if_id) or, like charon's
    // inbound VTI SAs which carry no mark, its reqid between the tunnel's outer addresses.
    std::set<uint32_t> keys;
    std::set<std::tuple<uint32_t, IpAddress, IpAddress>> flows;
    auto add_flows = [&](uint32_t reqid, const IpAddress& a, const IpAddress& b) {
        flows.insert({reqid, a, b});
        flows.insert({reqid, b, a});
    };
    for (const auto& t : d.tunnels) {
        keys.insert(t.key);
        add_flows(t.reqid, t.local, t.remote);
    }
    auto pm = build_policy_dump();
    Result r = xfrm_->dump(pm, [&](const nlmsghdr* h) {
        auto p = parse_policy(h);
        if (!p || !p->ours()) return;
        keys.insert(p->mark ? p->mark : p->if_id);
        add_flows(p->reqid, p->tmpl_src, p->tmpl_dst);
    });
    if (!r.ok()) return r.prefix("xfrm policies: ");
    std::vector<StateInfo> stale;
    auto sm = build_state_dump();
    r = xfrm_->dump(sm, [&](const nlmsghdr* h) {
        auto st = parse_state(h);
        if (!st || st->spi == 0) return;
        bool keyed =
            std::any_of(keys.begin(), keys.end(), [&](uint32_t k) { return st->keyed_by(k); });
        if (keyed || flows.count({st->reqid, st->src, st->dst})) stale.push_back(*st);
    });
    if (!r.ok()) return r.prefix("xfrm states: ");
    std::vector<nl::Request> reqs;
    for (const auto& st : stale) {
        reqs.push_back({build_state_delete(st), nl::Idempotence::IgnoreMissing,
                        "stale SA: " + state_delete_command(st)});
        if (commands) commands->push_back(state_delete_command(st));
    }
    if (reqs.empty()) return {};
    for (auto& res : xfrm_->transact(reqs))
        if (!res.ok()) return res;
    return {};
}

Result Manager::refresh_ifindexes(const std::set<std::string>& names) {
    // A few links are looked up by name; many at once cost less as one dump.
    if (names.size() > 16) {
        ifindex_.clear();
        auto m = build_link_dump();
        return rtnl_->dump(m, [&](const nlmsghdr* h) {
            if (auto l = parse_link(h)) ifindex_[l->name] = l->index;
        });
    }
    for (const auto& name : names) {
        ifindex_.erase(name);
        auto m = build_link_get(name);
        Result r = rtnl_->get(m, [&](const nlmsghdr* h) {
            if (auto l = parse_link(h)) ifindex_[l->name] = l->index;
        });
        if (!r.ok() && r.code() != ENODEV) return r.prefix("link " + name + ": ");
    }
    return {};
}

int Manager::first_free_ifindex(const KernelSnapshot& snap) {
    if (opt_.link_mode != LinkMode::Manage || !choose_ifindexes_) return 0;
    if (opt_.first_ifindex > 0) return opt_.first_ifindex;
    int top = 0;
    for (const auto& l : snap.links) top = std::max(top, l.index);
    // Never an index this manager gave before (a recently deleted link's).
    next_ifindex_ = std::max(next_ifindex_, top + 1);
    return next_ifindex_ < (1 << 30) ? next_ifindex_ : 0;
}

Result Manager::apply(const DesiredState& d, ApplyStats* stats, ApplyOptions o) {
    ApplyStats local;
    ApplyStats& st = stats ? *stats : local;
    Result r = apply_once(d, st, o);
    if (r.ok() || !chosen_taken_) return r;
    // Someone created a link with an index chosen for ours: undone; now the kernel chooses.
    choose_ifindexes_ = false;
    r = apply_once(d, st, o);
    st.ifindex_fallback = true;
    return r;
}

Result Manager::apply_once(const DesiredState& d, ApplyStats& st, const ApplyOptions& o) {
    auto trips = [&] { return rtnl_->round_trips() + xfrm_->round_trips() + nfnl_->round_trips(); };
    uint64_t trips0 = trips();
    st = {};
    auto t0 = Clock::now();
    auto prepared = prepare(d, o, st);
    st.times.prepare_ms = ms_since(t0);
    if (!prepared) {
        st.round_trips = trips() - trips0;
        return prepared.status();
    }
    std::vector<Step>& steps = prepared->steps;
    st.changes = steps.size();
    std::vector<size_t> done;  // indexes of the steps that succeeded
    relinked_.clear();
    if (!prepared->scoped) choose_from_ = first_free_ifindex(prepared->snap);
    Result r = execute(steps, &done, &st);
    if (choose_from_ > 0) next_ifindex_ = std::max(next_ifindex_, choose_from_);
    choose_from_ = 0;
    t0 = Clock::now();
    if (r.ok()) {
        update_cache(d, *prepared, st);
        st.times.cache_ms = ms_since(t0);
    } else {
        invalidate("the last apply failed");
        std::vector<Step> undo;
        for (auto it = done.rbegin(); it != done.rend(); ++it) undo.push_back(inverse(steps[*it]));
        bool taken = chosen_taken_;
        Result u = execute(undo, nullptr, nullptr);
        chosen_taken_ = taken && u.ok();  // redo only from where it started
        st.rolled_back = true;
        Error e = r.error();
        e.context += u.ok() ? " [rolled back " + std::to_string(undo.size()) + " changes]"
                            : " [rollback failed: " + u.message() + "]";
        r = Result(e);
        if (monitor_) monitor_->drain([](int, const nlmsghdr*) {});  // the cache is gone anyway
        st.times.rollback_ms = ms_since(t0);
    }
    st.round_trips = trips() - trips0;
    return r;
}

}  // namespace vti
