// SPDX-License-Identifier: GPL-2.0-or-later
// Manager::execute(): sends planned steps to the kernel, one batch per socket and object family,
// and records what succeeded for a rollback.
#include <linux/rtnetlink.h>

#include <cerrno>
#include <chrono>
#include <map>
#include <set>

#include "vti/manager.h"

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

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

}  // namespace

Result Manager::execute(std::vector<Step>& steps, std::vector<size_t>* done, ApplyStats* st) {
    nl::Socket* chan = nullptr;
    Change::Object family = Change::Object::Link;  // of the queued batch
    std::vector<nl::Request> reqs;
    std::vector<size_t> which;
    std::set<std::string> created;  // links created since ifindex_ was last refreshed
    std::set<size_t> chosen;        // create steps sent with an ifindex chosen here
    chosen_taken_ = false;
    nft_sole_commit_ = false;
    Result first;
    ApplyTimes unused;
    ApplyTimes& times = st ? st->times : unused;
    auto clock_for = [&](Change::Object o) -> double& {
        switch (o) {
            case Change::Object::Link:
                return times.links_ms;
            case Change::Object::Address:
                return times.addresses_ms;
            case Change::Object::Route:
                return times.routes_ms;
            case Change::Object::Policy:
                return times.policies_ms;
            case Change::Object::Sysctl:
                return times.sysctls_ms;
            case Change::Object::Nft:
                return times.nft_ms;
        }
        return times.links_ms;
    };
    auto timed = [&](Change::Object o, auto&& f) {
        auto t0 = Clock::now();
        f();
        clock_for(o) += ms_since(t0);
    };
    LinkSettings folded = settings_on_created_links(steps);
    if (st) st->sysctls_on_link += folded.steps.size();

    auto flush = [&]() {
        if (reqs.empty()) return;
        std::vector<Result> results;
        timed(family, [&] { results = chan->transact(reqs); });
        size_t last_done = steps.size();  // a create is two requests: record its step once
        for (size_t i = 0; i < results.size(); ++i) {
            if (results[i].ok()) {
                if (done && which[i] != last_done) done->push_back(which[i]);
                last_done = which[i];
            } else if (first.ok()) {
                first = explain_link_error(steps[which[i]], results[i]);
                // The name is free (the diff saw to it): the index was taken meanwhile.
                int code = results[i].code();
                chosen_taken_ = chosen.count(which[i]) && (code == EEXIST || code == EBUSY);
            }
        }
        reqs.clear();
        which.clear();
    };
    // One batch per socket and object family: each family's time is its own batches'.
    auto queue = [&](nl::Socket* sock, nl::Message m, nl::Idempotence idem, size_t i) {
        if (chan != sock || family != steps[i].change.object) flush();
        chan = sock;
        family = steps[i].change.object;
        reqs.push_back({std::move(m), idem, steps[i].change.str()});
        which.push_back(i);
    };
    // Addresses and routes name their interface by index: links created in this run are looked
    // up once, after the batch that created them.
    auto index_of = [&](const std::string& name) -> int {
        if (created.count(name)) {
            flush();
            if (!first.ok()) return 0;
            timed(Change::Object::Link, [&] {
                Result r = refresh_ifindexes(created);
                if (!r.ok()) first = r;
            });
            // Looked up after their creation: the cache update need not look again.
            for (const auto& n : created) relinked_.erase(n);
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
    // The cache reads the table back after the apply (drain_own): the kernel need not describe
    // each rule of our own transaction to the monitor.
    // When the generation rose by exactly one around it, no other transaction came between:
    // the table is as sent and need not be read back.
    auto run_nft_muted = [&](const std::string& script) {
        bool muted = monitor_ && monitor_->mute_nft(true).ok();
        auto before = read_nft_generation(*nfnl_);
        Result w = run_nft(script);
        if (muted && !monitor_->mute_nft(false).ok()) {
            monitor_.reset();  // deaf to nf_tables: no cache from now on, every apply is full
            invalidate("no cache: cannot listen to nf_tables notifications again");
        }
        if (w.ok() && before) {
            auto after = read_nft_generation(*nfnl_);
            nft_sole_commit_ = after && *after == *before + 1;
        }
        return w;
    };
    using I = nl::Idempotence;

    for (size_t i = 0; i < steps.size() && first.ok(); ++i) {
        Step& s = steps[i];
        if (auto* l = std::get_if<LinkStep>(&s.op)) {
            if (l->adopted || l->kind == LinkStep::Kind::Change) {
                queue(rtnl_.get(), build_link_change(l->want, l->tunnel), I::Strict, i);
            } else if (l->kind == LinkStep::Kind::Create) {
                nl::Message create = build_link_create(l->want);
                if (choose_from_ > 0) {
                    // Addresses and routes can name it at once: no lookup after the batch.
                    int index = choose_from_++;
                    static_cast<ifinfomsg*>(NLMSG_DATA(create.header()))->ifi_index = index;
                    ifindex_[l->want.name] = index;
                    chosen.insert(i);
                    if (st) ++st->chosen_ifindexes;
                } else {
                    created.insert(l->want.name);
                    relinked_.insert(l->want.name);
                }
                queue(rtnl_.get(), std::move(create), I::Strict, i);
                queue(rtnl_.get(), build_link_change(l->want, false, folded.conf[l->want.name]),
                      I::Strict, i);
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
            if (folded.steps.count(i)) continue;  // went with its link (no value to restore)
            Result w;
            timed(Change::Object::Sysctl, [&] { w = write_sysctl(c->want.path, c->want.value); });
            if (!w.ok())
                first = w.prefix(s.change.str() + ": ");
            else if (done)
                done->push_back(i);
        } else if (auto* n = std::get_if<NftStep>(&s.op)) {
            flush();
            if (!first.ok()) break;
            Result w;
            timed(Change::Object::Nft, [&] { w = run_nft_muted(n->script); });
            if (!w.ok())
                first = w.prefix(s.change.str() + ": ");
            else if (done)
                done->push_back(i);
        }
    }
    flush();
    return first;
}

}  // namespace vti
