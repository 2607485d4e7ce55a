// SPDX-License-Identifier: GPL-2.0-or-later
// Layer 3: the manager's event-maintained cache on the real host kernel, each test in its own
// fresh network namespace (root only). Tunnel interfaces are adopted veth stand-ins.
#include <gtest/gtest.h>
#include <linux/rtnetlink.h>
#include <linux/xfrm.h>
#include <sys/socket.h>

#include <algorithm>
#include <set>

#include "netns_util.h"
#include "vti/manager.h"

using namespace vti;
using namespace vti::test;

namespace {

#define REQUIRE_ROOT() \
    if (!is_root()) GTEST_SKIP() << "needs root for network namespaces"

Prefix pfx(const std::string& s) {
    return *Prefix::parse(s);
}

// Tunnel i on veth vc<i> (peer vp<i>).
TunnelSpec tunnel(int i) {
    TunnelSpec t;
    t.name = "t" + std::to_string(i);
    t.ifname = "vc" + std::to_string(i);
    t.key = 100 + i;
    t.reqid = 100 + i;
    t.local = *IpAddress::parse("192.0.2.1");
    t.remote = *IpAddress::parse("198.51.100." + std::to_string(i + 1));
    t.mtu = 1400;
    t.addresses = {pfx("169.254." + std::to_string(i) + ".1/30"),
                   pfx("fd00::" + std::to_string(i + 1) + "00/127")};
    t.routes = {{pfx("10." + std::to_string(i) + ".0.0/16"), 0, 254},
                {pfx("2001:db8:" + std::to_string(i + 1) + "::/48"), 0, 254}};
    t.mss.mode = MssSpec::Mode::RouteMtu;
    return t;
}

void make_veths(int first, int n) {
    for (int i = first; i < first + n; ++i) {
        std::string a = "vc" + std::to_string(i), b = "vp" + std::to_string(i);
        ASSERT_EQ(sh("ip link add " + a + " type veth peer name " + b + " && ip link set " + b +
                     " up && ip link set " + a + " up"),
                  0);
    }
}

DesiredState tunnels(int n) {
    DesiredState d;
    for (int i = 0; i < n; ++i) d.tunnels.push_back(tunnel(i));
    return d;
}

std::unique_ptr<Manager> adopt_manager() {
    auto m = Manager::open({LinkMode::Adopt});
    EXPECT_TRUE(m) << m.message();
    return m ? std::move(m.value()) : nullptr;
}

// The plan's changes, sorted: stale policies are removed in the kernel's dump order on the
// full path and in the cached spec's order on the cached one (independent deletions).
std::vector<std::string> commands(const std::vector<Change>& plan) {
    std::vector<std::string> out;
    for (const auto& c : plan) out.push_back(c.tunnel + " | " + c.description + " | " + c.command);
    std::sort(out.begin(), out.end());
    return out;
}

// A full apply, then the cache must carry a no-op.
void apply_and_settle(Manager& m, const DesiredState& d) {
    ApplyStats st;
    Result r = m.apply(d, &st);
    ASSERT_TRUE(r.ok()) << r.message();
    r = m.apply(d, &st);
    ASSERT_TRUE(r.ok()) << r.message();
    EXPECT_EQ(st.changes, 0u);
    EXPECT_TRUE(st.used_cache) << st.cache_miss;
}

}  // namespace

TEST(NetnsCache, OwnNotificationsAreQueuedBeforeTheAck) {
    REQUIRE_ROOT();
    in_fresh_netns([] {
        make_veths(0, 1);
        auto mon = EventMonitor::open();
        ASSERT_TRUE(mon) << mon.message();
        auto rtnl = nl::Socket::open(NETLINK_ROUTE);
        auto xfrm = nl::Socket::open(NETLINK_XFRM);
        ASSERT_TRUE(rtnl && xfrm);
        int index = std::stoi(out("ip -o link show dev vc0 | cut -d: -f1"));
        LinkInfo l;
        l.name = "vc0";
        l.mtu = 1380;
        l.up = true;
        l.alias = "x";
        RouteInfo r;
        r.dst = pfx("10.7.0.0/16");
        r.oif = index;
        PolicyInfo p = wanted_policies(tunnel(0))[0];
        std::vector<nl::Request> reqs;
        reqs.push_back({build_link_change(l, false), nl::Idempotence::Strict, "link"});
        reqs.push_back({build_address(true, {index, "vc0", pfx("169.254.0.1/30")}),
                        nl::Idempotence::Strict, "addr"});
        reqs.push_back({build_route(RouteOp::Add, r), nl::Idempotence::Strict, "route"});
        for (auto& res : (*rtnl)->transact(reqs)) ASSERT_TRUE(res.ok()) << res.message();
        std::vector<nl::Request> preqs;
        preqs.push_back({build_policy(PolicyOp::Add, p), nl::Idempotence::Strict, "policy"});
        for (auto& res : (*xfrm)->transact(preqs)) ASSERT_TRUE(res.ok()) << res.message();
        // Read right after the acks, without waiting: everything must be there already.
        std::set<uint16_t> seen;
        bool route_from_us = false;
        (*mon)->drain([&](int protocol, const nlmsghdr* h) {
            seen.insert(static_cast<uint16_t>(protocol << 8 | h->nlmsg_type));
            if (h->nlmsg_type == RTM_NEWROUTE && protocol == NETLINK_ROUTE) {
                auto rt = parse_route(h);
                if (rt && rt->dst == r.dst) route_from_us = h->nlmsg_pid == (*rtnl)->portid();
            }
        });
        EXPECT_TRUE(seen.count(NETLINK_ROUTE << 8 | RTM_NEWLINK));
        EXPECT_TRUE(seen.count(NETLINK_ROUTE << 8 | RTM_NEWADDR));
        EXPECT_TRUE(seen.count(NETLINK_ROUTE << 8 | RTM_NEWROUTE));
        EXPECT_TRUE(seen.count(NETLINK_XFRM << 8 | XFRM_MSG_NEWPOLICY));
        EXPECT_TRUE(route_from_us) << "rtnetlink names the requesting socket";
    });
}

TEST(NetnsCache, NoopApplyUsesTheCacheAndTouchesNothing) {
    REQUIRE_ROOT();
    in_fresh_netns([] {
        make_veths(0, 2);
        auto mgr = adopt_manager();
        ASSERT_TRUE(mgr);
        DesiredState d = tunnels(2);
        ApplyStats st;
        ASSERT_TRUE(mgr->apply(d, &st).ok());
        EXPECT_FALSE(st.used_cache);
        EXPECT_EQ(st.full_snapshots, 1u);
        EXPECT_EQ(st.cache_miss, "no cache yet");
        EXPECT_TRUE(mgr->cache_valid());
        Result r = mgr->apply(d, &st);
        ASSERT_TRUE(r.ok()) << r.message();
        EXPECT_EQ(st.changes, 0u);
        EXPECT_TRUE(st.used_cache) << st.cache_miss;
        EXPECT_EQ(st.full_snapshots, 0u);
        EXPECT_EQ(st.tunnels_diffed, 0u);
        EXPECT_EQ(st.round_trips, 0u) << "nothing asked of the kernel";
        auto plan = mgr->plan(d, {}, &st);
        ASSERT_TRUE(plan) << plan.message();
        EXPECT_TRUE(plan->empty());
        EXPECT_TRUE(st.used_cache);
        // The full path agrees and keeps the cache.
        r = mgr->apply(d, &st, {.full = true});
        ASSERT_TRUE(r.ok()) << r.message();
        EXPECT_EQ(st.changes, 0u);
        EXPECT_EQ(st.full_snapshots, 1u);
        EXPECT_EQ(st.cache_miss, "full path requested");
        ASSERT_TRUE(mgr->apply(d, &st).ok());
        EXPECT_TRUE(st.used_cache) << st.cache_miss;
        mgr->invalidate();
        ASSERT_TRUE(mgr->apply(d, &st).ok());
        EXPECT_EQ(st.cache_miss, "invalidated");
        ASSERT_TRUE(mgr->apply(DesiredState{}).ok());
    });
}

TEST(NetnsCache, ForeignChangesToOwnedObjectsAreDetectedAndRepaired) {
    REQUIRE_ROOT();
    in_fresh_netns([] {
        make_veths(0, 2);
        auto mgr = adopt_manager();
        ASSERT_TRUE(mgr);
        DesiredState d = tunnels(2);
        apply_and_settle(*mgr, d);
        const std::vector<std::string> edits = {
            "ip route del 10.1.0.0/16 dev vc1",
            "ip -6 route del 2001:db8:1::/48 dev vc0",
            "ip link set vc1 mtu 1500",
            "ip link set vc0 down",
            "ip link set vc1 alias someone-else",
            "ip addr del 169.254.0.1/30 dev vc0",
            "ip addr add 192.0.2.200/24 dev vc1",
            "ip xfrm policy delete src 0.0.0.0/0 dst 0.0.0.0/0 dir out mark 101 mask 0xffffffff",
            "ip xfrm policy update src ::/0 dst ::/0 dir in mark 100 mask 0xffffffff priority 2130 "
            "tmpl src 198.51.100.1 dst 192.0.2.1 proto esp reqid 7 mode tunnel",
            "ip xfrm policy add src 0.0.0.0/0 dst 0.0.0.0/0 dir out mark 300 mask 0xffffffff "
            "priority 2130 tmpl src 192.0.2.1 dst 192.0.2.3 proto esp reqid 3 mode tunnel",
            "ip route add 10.99.0.0/16 dev vp0 proto 213",
            "sysctl -qw net.ipv4.conf.vc0.rp_filter=1",
            "nft flush chain inet vtigw forward",
        };
        for (const auto& e : edits) {
            ASSERT_EQ(sh(e), 0) << e;
            ApplyStats st;
            Result r = mgr->apply(d, &st);
            ASSERT_TRUE(r.ok()) << e << ": " << r.message();
            EXPECT_FALSE(st.used_cache) << e;
            EXPECT_NE(st.cache_miss, "") << e;
            EXPECT_GE(st.changes, 1u) << e << " repaired";
            auto rest = mgr->plan(d, {.full = true});
            ASSERT_TRUE(rest) << rest.message();
            for (const auto& c : *rest) ADD_FAILURE() << e << ": left over: " << c.str();
            r = mgr->apply(d, &st);
            ASSERT_TRUE(r.ok()) << r.message();
            EXPECT_TRUE(st.used_cache) << e << ": cache rebuilt, but " << st.cache_miss;
            EXPECT_EQ(st.changes, 0u) << e;
        }
        ASSERT_TRUE(mgr->apply(DesiredState{}).ok());
    });
}

TEST(NetnsCache, ForeignObjectsChangingDoNotInvalidate) {
    REQUIRE_ROOT();
    in_fresh_netns([] {
        make_veths(0, 2);
        auto mgr = adopt_manager();
        ASSERT_TRUE(mgr);
        DesiredState d = tunnels(2);
        apply_and_settle(*mgr, d);
        ASSERT_EQ(sh("ip link add fa0 type veth peer name fa1 && ip link set fa0 up && "
                     "ip link set fa0 mtu 1300 && ip addr add 203.0.113.1/24 dev fa0 && "
                     "ip route add 10.200.0.0/16 dev fa0 proto static && "
                     "ip -6 route add 2001:db8:99::/48 dev fa0 && "
                     "ip addr add 192.0.2.9/24 dev vp0 && ip route add 10.201.0.0/16 dev vp1 && "
                     "ip xfrm policy add src 0.0.0.0/0 dst 0.0.0.0/0 dir out mark 999 mask "
                     "0xffffffff priority 10 tmpl src 192.0.2.1 dst 192.0.2.9 proto esp mode "
                     "tunnel && "
                     "sysctl -qw net.ipv4.conf.fa0.rp_filter=0 && "
                     "nft add table inet foreign && nft add chain inet foreign c '{ type filter "
                     "hook forward priority 0; }' && nft add rule inet foreign c counter && "
                     "ip route del 10.200.0.0/16 dev fa0 && ip link del fa0"),
                  0);
        ApplyStats st;
        Result r = mgr->apply(d, &st);
        ASSERT_TRUE(r.ok()) << r.message();
        EXPECT_TRUE(st.used_cache) << st.cache_miss;
        EXPECT_EQ(st.changes, 0u);
        EXPECT_GT(st.events, 10u);
        ASSERT_TRUE(mgr->apply(DesiredState{}).ok());
    });
}

TEST(NetnsCache, OneTunnelChangeAmongManyMatchesTheFullPath) {
    REQUIRE_ROOT();
    in_fresh_netns([] {
        const int n = 20;
        make_veths(0, n + 1);
        auto mgr = adopt_manager();
        ASSERT_TRUE(mgr);
        DesiredState d = tunnels(n);
        apply_and_settle(*mgr, d);
        auto check = [&](const DesiredState& want, const std::set<std::string>& touched,
                         const char* what) {
            ApplyStats cached, full;
            auto a = mgr->plan(want, {}, &cached);
            auto b = mgr->plan(want, {.full = true}, &full);
            ASSERT_TRUE(a && b) << what << ": " << a.message() << " / " << b.message();
            EXPECT_TRUE(cached.used_cache) << what << ": " << cached.cache_miss;
            EXPECT_EQ(cached.tunnels_diffed, touched.size()) << what;
            EXPECT_FALSE(full.used_cache);
            EXPECT_EQ(commands(*a), commands(*b)) << what;
            EXPECT_FALSE(a->empty()) << what;
            for (const auto& c : *a)
                EXPECT_TRUE(c.tunnel.empty() || touched.count(c.tunnel)) << what << ": " << c.str();
            ApplyStats st;
            Result r = mgr->apply(want, &st);
            ASSERT_TRUE(r.ok()) << what << ": " << r.message();
            EXPECT_TRUE(st.used_cache) << what << ": " << st.cache_miss;
            EXPECT_EQ(st.changes, a->size()) << what;
            auto rest = mgr->plan(want, {.full = true});
            ASSERT_TRUE(rest);
            for (const auto& c : *rest) ADD_FAILURE() << what << ": left over: " << c.str();
            r = mgr->apply(want, &st);
            ASSERT_TRUE(r.ok()) << r.message();
            EXPECT_TRUE(st.used_cache) << what << ": " << st.cache_miss;
            EXPECT_EQ(st.changes, 0u) << what;
        };
        DesiredState d2 = d;
        d2.tunnels[7].mtu = 1380;
        d2.tunnels[7].routes.push_back({pfx("10.250.0.0/24"), 0, 254});
        d2.tunnels[7].addresses[0] = pfx("169.254.77.1/30");
        check(d2, {"t7"}, "mtu, route and address of one tunnel");
        DesiredState d3 = d2;
        d3.tunnels[3].key = 900;
        d3.tunnels[3].reqid = 900;
        d3.tunnels[3].mss = {MssSpec::Mode::Fixed, 1300, 1280};
        check(d3, {"t3"}, "key and MSS of one tunnel");
        DesiredState d4 = d3;
        d4.tunnels.erase(d4.tunnels.begin() + 5);
        d4.tunnels.push_back(tunnel(n));
        check(d4, {"t5", "t" + std::to_string(n)}, "one tunnel removed, one added");
        DesiredState d5 = d4;
        d5.tunnels[0].name = "renamed";
        check(d5, {"t0", "renamed"}, "a tunnel renamed");
        ASSERT_TRUE(mgr->apply(DesiredState{}).ok());
    });
}

TEST(NetnsCache, ForeignObjectInAChangedTunnelsWayGivesTheFullPathsAnswer) {
    REQUIRE_ROOT();
    in_fresh_netns([] {
        make_veths(0, 2);
        auto mgr = adopt_manager();
        ASSERT_TRUE(mgr);
        DesiredState d = tunnels(2);
        apply_and_settle(*mgr, d);
        ASSERT_EQ(sh("ip route add 10.250.0.0/24 dev vp0 proto static"), 0);
        d.tunnels[1].routes.push_back({pfx("10.250.0.0/24"), 0, 254});
        ApplyStats st;
        Result r = mgr->apply(d, &st);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.code(), EEXIST) << r.message();
        EXPECT_FALSE(st.used_cache);
        EXPECT_NE(st.cache_miss.find("route 10.250.0.0/24"), std::string::npos) << st.cache_miss;
        ASSERT_TRUE(mgr->apply(DesiredState{}).ok());
    });
}
