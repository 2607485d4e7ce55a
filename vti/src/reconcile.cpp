// SPDX-License-Identifier: GPL-2.0-or-later
// diff(): the pure part of reconciling. Compares a KernelSnapshot with a DesiredState and returns
// ordered steps; never touches objects vtigw does not own, and refuses when one is in the way.

#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <map>
#include <set>
#include <tuple>

#include "reconcile.h"
#include "vti/manager.h"
#include "vti/wanted.h"

namespace vti {

namespace {

Result conflict(const std::string& tunnel, const std::string& what) {
    return Result::fail(EEXIST, "tunnel " + tunnel + ": " + what);
}

std::string policy_id(const PolicyInfo& p) {
    return std::string("dir ") + dir_name(p.dir) + (p.family == AF_INET6 ? " ::/0" : " 0.0.0.0/0") +
           (p.if_id ? " if_id " + std::to_string(p.if_id) : " mark " + std::to_string(p.mark));
}

class Differ {
  public:
    Differ(const KernelSnapshot& s, const DesiredState& d, const ManagerOptions& o,
           const std::set<std::string>* scope)
        : s_(s), d_(d), adopt_(o.link_mode == LinkMode::Adopt), scope_(scope) {
        for (const auto& l : s.links) {
            by_name_[l.name] = &l;
            by_index_[l.index] = &l;
            if (l.kind == "xfrm") links_by_key_.insert({l.if_id, &l});
            if (l.kind == "vti" || l.kind == "vti6") links_by_key_.insert({l.ikey, &l});
        }
        for (const auto& t : d.tunnels) desired_ifnames_[t.ifname] = t.name;
        // Indexes keep the diff near-linear: 1,000 tunnels mean 6,000 policies.
        for (const auto& a : s.addresses) {
            addrs_by_index_[a.index].push_back(&a);
            addrs_by_ip_[a.prefix.addr].push_back(&a);
        }
        for (const auto& r : s.routes) {
            routes_by_key_[route_slot(r)].push_back(&r);
            routes_by_oif_[r.oif].push_back(&r);
        }
        for (const auto& p : s.policies) policies_by_key_[policy_slot(p)] = &p;
        for (const auto& c : s.sysctls) sysctl_values_[c.path] = c.value;
        // Steps are large: growing vectors would move each several times.
        size_t n = scope ? scope->size() : d.tunnels.size();
        links_.reserve(n);
        addrs_.reserve(n);
        routes_.reserve(n);
        policies_.reserve(6 * n);
        sysctls_.reserve(2 * n);
    }

    Expected<std::vector<Step>> run() {
        for (const auto& t : d_.tunnels) {
            if (scope_ && !scope_->count(t.name)) continue;
            Result r = tunnel(t);
            if (!r.ok()) return r;
        }
        stale_links();
        stale_routes_and_policies();
        std::vector<MssRule> rules = desired_mss_rules(d_);
        if (!mss_table_matches(s_.nft, rules)) nft_.push_back(make_nft_step(rules, s_.nft));
        std::vector<Step>* phases[] = {&pre_,      &links_,   &addrs_, &route_dels_,    &routes_,
                                       &policies_, &sysctls_, &nft_,   &post_policies_, &post_};
        size_t total = 0;
        for (auto* phase : phases) total += phase->size();
        std::vector<Step> out;
        out.reserve(total);
        for (auto* phase : phases)
            for (auto& st : *phase) out.push_back(std::move(st));
        return out;
    }

  private:
    std::string name_of(int index) const {
        auto it = by_index_.find(index);
        return it == by_index_.end() ? "if" + std::to_string(index) : it->second->name;
    }

    // Removes an owned link and what vtigw put on it, in `phase` (routes, addresses, link).
    void remove_link(const LinkInfo& l, std::vector<Step>& phase) {
        if (!removed_.insert(l.index).second) return;
        std::string tunnel = owner_of_alias(l.alias).value_or(l.name);
        for (const RouteInfo* rp : routes_by_oif_[l.index])
            if (const RouteInfo& r = *rp; r.protocol == kRouteProtocol) {
                RouteInfo ri = r;
                ri.oif_name = l.name;
                phase.push_back(make_route_step(RouteOp::Delete, ri, {}, tunnel));
                claimed_routes_.insert(&r);
            }
        for (const AddressInfo* ap : addrs_by_index_[l.index])
            if (const AddressInfo& a = *ap; !is_kernel_address(a.prefix)) {
                AddressInfo ai = a;
                ai.ifname = l.name;
                phase.push_back(make_address_step(false, ai, tunnel));
            }
        LinkStep ls;
        ls.kind = LinkStep::Kind::Delete;
        ls.want = l;
        ls.before = l;
        ls.adopted = adopt_;
        if (adopt_) ls.want.alias.clear();
        phase.push_back(make_link_step(ls, tunnel));
    }

    Result tunnel(const TunnelSpec& t) {
        LinkInfo want = wanted_link(t);
        if (!t.underlay.empty()) {
            auto it = by_name_.find(t.underlay);
            if (it == by_name_.end())
                return Result::fail(ENODEV, "tunnel " + t.name + ": underlay interface '" +
                                                t.underlay + "' does not exist");
            want.underlay_index = it->second->index;
        }
        auto it = by_name_.find(t.ifname);
        const LinkInfo* cur = it == by_name_.end() ? nullptr : it->second;
        bool fresh = false;
        if (adopt_) {
            if (!cur)
                return Result::fail(ENODEV, "tunnel " + t.name + ": interface " + t.ifname +
                                                " does not exist (adopt mode)");
            LinkInfo w = *cur;
            w.alias = want.alias;
            w.mtu = want.mtu;
            w.up = want.up;
            if (w.alias != cur->alias || w.mtu != cur->mtu || cur->up != want.up) {
                LinkStep ls{LinkStep::Kind::Change, w, *cur, false, true};
                links_.push_back(make_link_step(ls, t.name));
            }
        } else {
            auto owner = cur ? owner_of_alias(cur->alias) : std::nullopt;
            if (cur && !owner)
                return conflict(t.name, "interface " + t.ifname +
                                            " already exists and is not owned by vtigw (kind '" +
                                            cur->kind + "', alias '" + cur->alias +
                                            "'); choose another interface name or remove it");
            if (cur && (*owner != t.name || cur->kind != want.kind)) {
                remove_link(*cur, pre_);  // renamed tunnel or changed kind: replace
                cur = nullptr;
            }
            if (!cur) {
                Result r = key_conflicts(t, want);
                if (!r.ok()) return r;
                links_.push_back(
                    make_link_step({LinkStep::Kind::Create, want, {}, true, false}, t.name));
                fresh = true;
            } else {
                want.index = cur->index;
                bool tun = !want.same_tunnel(*cur);
                if (tun || want.mtu != cur->mtu || cur->up != want.up || want.alias != cur->alias)
                    links_.push_back(
                        make_link_step({LinkStep::Kind::Change, want, *cur, tun, false}, t.name));
            }
        }
        Result r = addresses(t, fresh ? nullptr : cur);
        if (!r.ok()) return r;
        r = routes(t, fresh);
        if (!r.ok()) return r;
        r = policies(t);
        if (!r.ok()) return r;
        for (const auto& want_s : desired_sysctls(t)) {
            std::string before;
            if (!fresh) {
                auto it = sysctl_values_.find(want_s.path);
                if (it != sysctl_values_.end()) before = it->second;
            }
            if (before != want_s.value) sysctls_.push_back(make_sysctl_step(want_s, before));
        }
        return {};
    }

    // A new link's key must not be held by another link; a stale owned one is removed first.
    Result key_conflicts(const TunnelSpec& t, const LinkInfo& want) {
        auto [first, last] =
            links_by_key_.equal_range(want.kind == "xfrm" ? want.if_id : want.ikey);
        for (auto it = first; it != last; ++it) {
            const LinkInfo& l = *it->second;
            bool clash = l.kind == want.kind &&
                         (want.kind == "xfrm" ? l.if_id == want.if_id
                                              : l.ikey == want.ikey && l.local == want.local &&
                                                    l.remote == want.remote);
            if (!clash || removed_.count(l.index)) continue;
            auto owner = owner_of_alias(l.alias);
            if (owner && !desired_ifnames_.count(l.name)) {
                remove_link(l, pre_);
                continue;
            }
            return conflict(t.name, (want.kind == "xfrm" ? "if_id " : "key ") +
                                        std::to_string(t.key) + " is already used by interface " +
                                        l.name + (owner ? "" : " (not owned by vtigw)"));
        }
        return {};
    }

    Result addresses(const TunnelSpec& t, const LinkInfo* cur) {
        std::set<Prefix> have;
        if (cur)
            for (const AddressInfo* a : addrs_by_index_[cur->index])
                if (!is_kernel_address(a->prefix)) have.insert(a->prefix);
        std::set<Prefix> want(t.addresses.begin(), t.addresses.end());
        for (const auto& p : want) {
            for (const AddressInfo* ap : addrs_by_ip_[p.addr])
                if (const AddressInfo& a = *ap;
                    a.prefix.addr == p.addr && (!cur || a.index != cur->index) &&
                    !removed_.count(a.index) && !owner_of_alias_index(a.index))
                    return conflict(t.name, "address " + p.addr.str() +
                                                " is already configured on interface " +
                                                name_of(a.index));
        }
        // Adds first: removing a device's last IPv4 address makes the kernel flush its routes.
        for (const auto& p : want)
            if (!have.count(p)) addrs_.push_back(make_address_step(true, {0, t.ifname, p}, t.name));
        for (const auto& p : have)
            if (!want.count(p))
                addrs_.push_back(make_address_step(false, {0, t.ifname, p}, t.name));
        return {};
    }

    bool owner_of_alias_index(int index) const {
        auto it = by_index_.find(index);
        return it != by_index_.end() && owner_of_alias(it->second->alias);
    }

    Result routes(const TunnelSpec& t, bool fresh) {
        for (const RouteInfo& want : wanted_routes(t)) {
            const RouteInfo* have = nullptr;
            for (const RouteInfo* r : routes_by_key_[route_slot(want)])
                if (!claimed_routes_.count(r)) have = r;
            if (have && have->protocol != kRouteProtocol)
                return conflict(t.name, "route " + want.dst.str() + " table " +
                                            std::to_string(want.table) + " metric " +
                                            std::to_string(want.metric) +
                                            " already exists and is not vtigw's (protocol " +
                                            std::to_string(have->protocol) + ", dev " +
                                            name_of(have->oif) + ")");
            if (have) claimed_routes_.insert(have);
            if (have && removed_.count(have->oif)) have = nullptr;  // deleted with its link
            if (!have) {
                routes_.push_back(make_route_step(RouteOp::Add, want, {}, t.name));
            } else if (fresh || name_of(have->oif) != t.ifname || have->type != RTN_UNICAST) {
                RouteInfo before = *have;
                before.oif_name = name_of(have->oif);
                routes_.push_back(make_route_step(RouteOp::Replace, want, before, t.name));
            }
        }
        return {};
    }

    Result policies(const TunnelSpec& t) {
        for (const auto& want : wanted_policies(t)) {
            const PolicyInfo* have = nullptr;
            auto found = policies_by_key_.find(policy_slot(want));
            if (found != policies_by_key_.end()) have = found->second;
            if (have && !have->ours())
                return conflict(t.name, "xfrm policy " + policy_id(want) +
                                            " is taken by a foreign policy (priority " +
                                            std::to_string(have->priority) + ")");
            if (have) claimed_policies_.insert(have);
            if (!have)
                policies_.push_back(make_policy_step(PolicyOp::Add, want, {}, t.name));
            else if (!have->same(want))
                policies_.push_back(make_policy_step(PolicyOp::Update, want, *have, t.name));
        }
        return {};
    }

    void stale_links() {
        std::map<std::string, std::string> want;  // ifname -> tunnel
        for (const auto& t : d_.tunnels) want[t.ifname] = t.name;
        for (const auto& l : s_.links) {
            auto owner = owner_of_alias(l.alias);
            if (!owner || removed_.count(l.index)) continue;
            auto it = want.find(l.name);
            if (it != want.end() && it->second == *owner) continue;
            if (adopt_ && it != want.end()) continue;  // re-marked by its tunnel's step
            remove_link(l, post_);
        }
    }

    // The tunnel an owned object belonged to, from the alias of its link, for messages.
    std::string tunnel_of(int index) const {
        auto it = by_index_.find(index);
        if (it == by_index_.end()) return "";
        return owner_of_alias(it->second->alias).value_or("");
    }
    std::string tunnel_of(const PolicyInfo& p) const {
        auto [first, last] = links_by_key_.equal_range(p.if_id ? p.if_id : p.mark);
        for (auto it = first; it != last; ++it)
            if ((it->second->kind == "xfrm") == (p.if_id != 0))
                if (auto o = owner_of_alias(it->second->alias)) return *o;
        return "";
    }

    void stale_routes_and_policies() {
        for (const auto& r : s_.routes)
            if (r.protocol == kRouteProtocol && !claimed_routes_.count(&r)) {
                RouteInfo ri = r;
                ri.oif_name = name_of(r.oif);
                // Before the adds: an IPv4 delete with metric 0 matches any metric, so it must
                // run while the stale metric-0 route is still the first match.
                route_dels_.push_back(make_route_step(RouteOp::Delete, ri, {}, tunnel_of(r.oif)));
            }
        for (const auto& p : s_.policies)
            if (p.ours() && !claimed_policies_.count(&p))
                post_policies_.push_back(make_policy_step(PolicyOp::Delete, p, {}, tunnel_of(p)));
    }

    const KernelSnapshot& s_;
    const DesiredState& d_;
    bool adopt_;
    const std::set<std::string>* scope_;
    std::map<std::string, const LinkInfo*> by_name_;
    std::map<int, const LinkInfo*> by_index_;
    std::map<std::string, std::string> desired_ifnames_;
    std::multimap<uint32_t, const LinkInfo*> links_by_key_;  // VTI ikey / XFRM if_id
    std::map<int, std::vector<const AddressInfo*>> addrs_by_index_;
    std::map<IpAddress, std::vector<const AddressInfo*>> addrs_by_ip_;
    std::map<RouteSlot, std::vector<const RouteInfo*>> routes_by_key_;
    std::map<int, std::vector<const RouteInfo*>> routes_by_oif_;
    std::map<PolicySlot, const PolicyInfo*> policies_by_key_;
    std::map<std::string, std::string> sysctl_values_;
    std::set<int> removed_;
    std::set<const RouteInfo*> claimed_routes_;
    std::set<const PolicyInfo*> claimed_policies_;
    std::vector<Step> pre_, links_, addrs_, route_dels_, routes_, policies_, sysctls_, nft_,
        post_policies_, post_;
};

}  // namespace

Expected<std::vector<Step>> diff_validated(const KernelSnapshot& snap, const DesiredState& d,
                                           const std::set<std::string>* scope,
                                           const ManagerOptions& opt) {
    return Differ(snap, d, opt, scope).run();
}

Expected<std::vector<Step>> diff(const KernelSnapshot& snap, const DesiredState& d,
                                 const ManagerOptions& opt) {
    Result v = validate(d);
    if (!v.ok()) return v;
    return diff_validated(snap, d, nullptr, opt);
}

Expected<std::vector<Step>> diff(const KernelSnapshot& snap, const DesiredState& d,
                                 const std::set<std::string>& scope, const ManagerOptions& opt) {
    Result v = validate(d);
    if (!v.ok()) return v;
    return diff_validated(snap, d, &scope, opt);
}

}  // namespace vti
