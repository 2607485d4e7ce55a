// SPDX-License-Identifier: GPL-2.0-or-later
#include "vti/manager.h"

#include <linux/netlink.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <set>
#include <tuple>

namespace vti {

namespace {

// Turns "Unknown device type" into something a user can act on.
Result explain_link_error(const Step& s, Result r) {
    const auto* l = std::get_if<LinkStep>(&s.op);
    if (r.ok() || !l || l->kind != LinkStep::Kind::Create) return r;
    const Error& e = r.error();
    if (e.code != EOPNOTSUPP && e.kernel.find("Unknown device type") == std::string::npos) return r;
    std::string kind = l->want.kind;
    std::string module = kind == "xfrm" ? "xfrm_interface" : kind == "vti6" ? "ip6_vti" : "ip_vti";
    std::string cfg = kind == "xfrm"   ? "CONFIG_XFRM_INTERFACE"
                      : kind == "vti6" ? "CONFIG_IPV6_VTI"
                                       : "CONFIG_NET_IPVTI";
    return Result::fail(e.code,
                        e.context + ": this kernel has no '" + kind +
                            "' interface support; load it with `modprobe " + module +
                            "` or use a kernel built with " + cfg +
                            (kind == "xfrm" ? "" : " (or switch the tunnel to kind xfrm)"),
                        e.kernel);
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
            auto steps = diff(*snap, d, p.scope, opt_);
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
    auto steps = diff(*snap, d, opt_);
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

Result Manager::execute(std::vector<Step>& steps, std::vector<Step>* done) {
    nl::Socket* chan = nullptr;
    std::vector<nl::Request> reqs;
    std::vector<size_t> which;
    std::set<std::string> created;  // links created since ifindex_ was last refreshed
    Result first;

    auto flush = [&]() {
        if (reqs.empty()) return;
        auto results = chan->transact(reqs);
        size_t last_done = steps.size();  // a create is two requests: record its step once
        for (size_t i = 0; i < results.size(); ++i) {
            if (results[i].ok()) {
                if (done && which[i] != last_done) done->push_back(steps[which[i]]);
                last_done = which[i];
            } else if (first.ok()) {
                first = explain_link_error(steps[which[i]], results[i]);
            }
        }
        reqs.clear();
        which.clear();
    };
    auto queue = [&](nl::Socket* sock, nl::Message m, nl::Idempotence idem, size_t i) {
        if (chan != sock) flush();
        chan = sock;
        reqs.push_back({std::move(m), idem, steps[i].change.str()});
        which.push_back(i);
    };
    // Addresses and routes name their interface by index: links created in this run are looked
    // up once, after the batch that created them.
    auto index_of = [&](const std::string& name) -> int {
        if (created.count(name)) {
            flush();
            if (!first.ok()) return 0;
            Result r = refresh_ifindexes(created);
            if (!r.ok()) first = r;
            created.clear();
        }
        auto it = ifindex_.find(name);
        return it == ifindex_.end() ? 0 : it->second;
    };
    auto fail_missing = [&](size_t i, const std::string& name) {
        flush();
        if (first.ok())
            first = Result::fail(ENODEV,
                                 steps[i].change.str() + ": interface " + name + " does not exist");
    };
    using I = nl::Idempotence;

    for (size_t i = 0; i < steps.size() && first.ok(); ++i) {
        Step& s = steps[i];
        if (auto* l = std::get_if<LinkStep>(&s.op)) {
            if (l->adopted || l->kind == LinkStep::Kind::Change) {
                queue(rtnl_.get(), build_link_change(l->want, l->tunnel), I::Strict, i);
            } else if (l->kind == LinkStep::Kind::Create) {
                queue(rtnl_.get(), build_link_create(l->want), I::Strict, i);
                queue(rtnl_.get(), build_link_change(l->want, false), I::Strict, i);
                created.insert(l->want.name);
                relinked_.insert(l->want.name);
            } else {
                queue(rtnl_.get(), build_link_delete(l->want.name), I::IgnoreMissing, i);
                relinked_.insert(l->want.name);
            }
        } else if (auto* a = std::get_if<AddressStep>(&s.op)) {
            AddressInfo ai = a->addr;
            ai.index = index_of(ai.ifname);
            if (!first.ok()) break;
            if (!ai.index) {
                if (!a->add) continue;  // its interface is gone, and so is the address
                fail_missing(i, ai.ifname);
                break;
            }
            queue(rtnl_.get(), build_address(a->add, ai),
                  a->add ? I::IgnoreExists : I::IgnoreMissing, i);
        } else if (auto* r = std::get_if<RouteStep>(&s.op)) {
            RouteInfo ri = r->route;
            ri.oif = index_of(ri.oif_name);
            if (!first.ok()) break;
            if (!ri.oif && r->op != RouteOp::Delete) {
                fail_missing(i, ri.oif_name);
                break;
            }
            queue(rtnl_.get(), build_route(r->op, ri),
                  r->op == RouteOp::Delete ? I::IgnoreMissing : I::Strict, i);
        } else if (auto* p = std::get_if<PolicyStep>(&s.op)) {
            queue(xfrm_.get(), build_policy(p->op, p->policy),
                  p->op == PolicyOp::Delete ? I::IgnoreMissing : I::Strict, i);
        } else if (auto* c = std::get_if<SysctlStep>(&s.op)) {
            flush();
            if (!first.ok()) break;
            if (c->want.value.empty()) continue;  // rollback of a value never known
            Result w = write_sysctl(c->want.path, c->want.value);
            if (!w.ok())
                first = w.prefix(s.change.str() + ": ");
            else if (done)
                done->push_back(s);
        } else if (auto* n = std::get_if<NftStep>(&s.op)) {
            flush();
            if (!first.ok()) break;
            Result w = run_nft(n->script);
            if (!w.ok())
                first = w.prefix(s.change.str() + ": ");
            else if (done)
                done->push_back(s);
        }
    }
    flush();
    return first;
}

Result Manager::apply(const DesiredState& d, ApplyStats* stats, ApplyOptions o) {
    auto trips = [&] { return rtnl_->round_trips() + xfrm_->round_trips() + nfnl_->round_trips(); };
    uint64_t trips0 = trips();
    ApplyStats local;
    ApplyStats& st = stats ? *stats : local;
    st = {};
    auto prepared = prepare(d, o, st);
    if (!prepared) {
        st.round_trips = trips() - trips0;
        return prepared.status();
    }
    std::vector<Step>& steps = prepared->steps;
    st.changes = steps.size();
    std::vector<Step> done;
    relinked_.clear();
    Result r = execute(steps, &done);
    if (r.ok()) {
        update_cache(d, *prepared, st);
    } else {
        invalidate("the last apply failed");
        std::vector<Step> undo;
        for (auto it = done.rbegin(); it != done.rend(); ++it) undo.push_back(inverse(*it));
        Result u = execute(undo, nullptr);
        st.rolled_back = true;
        Error e = r.error();
        e.context += u.ok() ? " [rolled back " + std::to_string(undo.size()) + " changes]"
                            : " [rollback failed: " + u.message() + "]";
        r = Result(e);
        if (monitor_) monitor_->drain([](int, const nlmsghdr*) {});  // the cache is gone anyway
    }
    st.round_trips = trips() - trips0;
    return r;
}

}  // namespace vti
