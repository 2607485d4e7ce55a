// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include "frr/state.h"
#include "test_data.h"

TEST(ParseBgp, SummaryOfAllFamiliesWithOnePeerDown) {
    std::vector<frr::BgpPeer> peers;
    ASSERT_FALSE(frr::parse_bgp_summary(test_data("bgp_summary_one_down.json"), peers));
    ASSERT_EQ(peers.size(), 2u);
    const auto& up = peers[0].address == "169.254.10.2" ? peers[0] : peers[1];
    const auto& down = peers[0].address == "169.254.10.2" ? peers[1] : peers[0];
    EXPECT_EQ(up.state, "Established");
    EXPECT_EQ(up.peer_state, "OK");
    ASSERT_TRUE(up.uptime_ms.has_value());
    EXPECT_EQ(*up.uptime_ms, 78000);
    EXPECT_EQ(up.prefixes_received, 1u);
    EXPECT_EQ(up.prefixes_sent, 1u);
    EXPECT_EQ(up.connections_dropped, 6u);
    EXPECT_EQ(down.address, "169.254.10.6");
    EXPECT_EQ(down.state, "Active");
    EXPECT_FALSE(down.uptime_ms.has_value());
    EXPECT_EQ(down.prefixes_received, 0u);
    EXPECT_EQ(down.connections_dropped, 3u);
}

TEST(ParseBgp, SummaryOfOneFamily) {
    std::vector<frr::BgpPeer> peers;
    ASSERT_FALSE(frr::parse_bgp_summary(test_data("bgp_summary_ipv4.json"), peers));
    ASSERT_EQ(peers.size(), 2u);
    for (const auto& p : peers) EXPECT_EQ(p.state, "Established") << p.address;
}

TEST(ParseBgp, GarbageIsAnErrorNotAThrow) {
    std::vector<frr::BgpPeer> peers;
    EXPECT_TRUE(frr::parse_bgp_summary("% Unknown command", peers));
    EXPECT_TRUE(frr::parse_bgp_summary(R"({"peers":{"1.2.3.4":{"state":7}}})", peers));
    EXPECT_FALSE(frr::parse_bgp_summary("{}", peers));
    EXPECT_TRUE(peers.empty());
}

TEST(ParseBfd, PeersUpAndDown) {
    std::vector<frr::BfdPeer> peers;
    ASSERT_FALSE(frr::parse_bfd_peers(test_data("bfd_peers_one_down.json"), peers));
    ASSERT_EQ(peers.size(), 2u);
    EXPECT_EQ(peers[0].peer, "169.254.10.2");
    EXPECT_EQ(peers[0].interface, "fa");
    EXPECT_EQ(peers[0].status, "up");
    EXPECT_EQ(peers[1].peer, "169.254.10.6");
    EXPECT_EQ(peers[1].status, "down");
    EXPECT_TRUE(frr::parse_bfd_peers("{}", peers));
}

TEST(ParseRib, EcmpBgpRouteWithBothNexthopsInTheFib) {
    std::vector<frr::RibRoute> rib;
    ASSERT_FALSE(frr::parse_rib(test_data("rib_bgp_ecmp.json"), rib));
    ASSERT_EQ(rib.size(), 1u);
    EXPECT_EQ(rib[0].prefix, "10.2.0.0/24");
    EXPECT_EQ(rib[0].protocol, "bgp");
    EXPECT_TRUE(rib[0].selected);
    EXPECT_TRUE(rib[0].installed);
    EXPECT_FALSE(rib[0].failed);
    ASSERT_EQ(rib[0].fib_nexthops.size(), 2u);
    EXPECT_EQ(rib[0].fib_nexthops[0], (frr::Nexthop{"169.254.10.2", "fa"}));
    EXPECT_EQ(rib[0].fib_nexthops[1], (frr::Nexthop{"169.254.10.6", "fa2"}));
}

TEST(ParseRib, StaticRoutesViaGatewayAndViaInterface) {
    std::vector<frr::RibRoute> rib;
    ASSERT_FALSE(frr::parse_rib(test_data("rib_static.json"), rib));
    ASSERT_EQ(rib.size(), 2u);
    EXPECT_EQ(rib[0].prefix, "10.8.0.0/24");
    EXPECT_EQ(rib[0].fib_nexthops, (std::vector<frr::Nexthop>{{"", "fa"}}));
    EXPECT_EQ(rib[1].fib_nexthops, (std::vector<frr::Nexthop>{{"169.254.10.2", "fa"}}));
}

TEST(ParseKernel, MultipathSingleAndConnectedRoutes) {
    std::vector<frr::KernelRoute> routes;
    ASSERT_FALSE(frr::parse_kernel_routes(test_data("kernel_with_static.json"), false, routes));
    ASSERT_EQ(routes.size(), 6u);
    EXPECT_EQ(routes[1].prefix, "10.2.0.0/24");
    EXPECT_EQ(routes[1].protocol, "bgp");
    EXPECT_EQ(routes[1].metric, 20u);
    EXPECT_EQ(routes[1].nexthops.size(), 2u);
    EXPECT_EQ(routes[2].protocol, "static");
    EXPECT_EQ(routes[2].nexthops, (std::vector<frr::Nexthop>{{"", "fa"}}));
    EXPECT_EQ(routes[0].protocol, "kernel");
}

TEST(ParseKernel, HostRoutesAndDefaultGetALength) {
    std::vector<frr::KernelRoute> routes;
    ASSERT_FALSE(frr::parse_kernel_routes(
        R"([{"dst":"default","gateway":"10.0.0.1","dev":"eth0","protocol":"boot"},
            {"dst":"10.9.9.9","dev":"x","protocol":"bgp"}])",
        false, routes));
    EXPECT_EQ(routes[0].prefix, "0.0.0.0/0");
    EXPECT_EQ(routes[1].prefix, "10.9.9.9/32");
    ASSERT_FALSE(frr::parse_kernel_routes(R"([{"dst":"2001:db8::1","dev":"x"}])", true, routes));
    EXPECT_EQ(routes[0].prefix, "2001:db8::1/128");
}
