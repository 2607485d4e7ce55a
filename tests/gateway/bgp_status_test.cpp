// SPDX-License-Identifier: GPL-2.0-or-later
// Status of BGP tunnels: FRR's state joined to the tunnels by peer address.
#include "gateway/bgp_status.h"

#include <gtest/gtest.h>

namespace {

gateway::control::TunnelStatus tunnel(const char* name, const char* ifname, bool child) {
    gateway::control::TunnelStatus t;
    t.name = name;
    t.ifname = ifname;
    t.child_state = child ? "INSTALLED" : "";
    t.up = child;
    return t;
}

frr::RuntimeState frr_state() {
    frr::RuntimeState s;
    s.running = true;
    frr::BgpPeer up;
    up.address = "169.254.10.2";
    up.state = "Established";
    up.peer_state = "OK";
    up.uptime_ms = 5000;
    up.prefixes_received = 1;
    up.prefixes_sent = 2;
    up.connections_dropped = 1;
    frr::BgpPeer none = up;
    none.address = "169.254.10.6";
    none.prefixes_received = 0;
    s.snapshot.bgp = {up, none};
    s.snapshot.bfd = {{"169.254.10.2", "169.254.10.1", "xfi-a", "up", "ok"}};
    s.snapshot.fib_checked = true;
    s.snapshot.fib.checked = 1;
    s.snapshot.fib.mismatches = {{"10.2.0.0/24",
                                  "kernel has 1 next hop(s), zebra's FIB 2",
                                  {{"169.254.10.2", "xfi-a"}, {"169.254.10.6", "xfi-b"}},
                                  {{"169.254.10.2", "xfi-a"}}}};
    return s;
}

}  // namespace

TEST(BgpStatus, JoinsSessionsBfdLinkAndHealth) {
    gateway::control::Reply r;
    r.tunnels = {tunnel("a", "xfi-a", true), tunnel("b", "xfi-b", true),
                 tunnel("c", "xfi-c", false), tunnel("static", "vti0", true)};
    std::map<std::string, std::string> peers{
        {"a", "169.254.10.2"}, {"b", "169.254.10.6"}, {"c", "169.254.10.10"}};
    gateway::join_bgp_status(r, peers, frr_state(), true,
                             [](const std::string& ifname) { return ifname != "xfi-c"; });
    ASSERT_TRUE(r.tunnels[0].bgp);
    const auto& a = *r.tunnels[0].bgp;
    EXPECT_EQ(a.state, "Established");
    EXPECT_EQ(a.uptime_ms, 5000);
    EXPECT_EQ(a.prefixes_received, 1u);
    EXPECT_EQ(a.prefixes_sent, 2u);
    EXPECT_EQ(a.bfd, "up");
    EXPECT_TRUE(a.link_up);
    EXPECT_TRUE(a.healthy);
    // Established without a prefix received: not healthy (as the cloud consoles judge it).
    EXPECT_FALSE(r.tunnels[1].bgp->healthy);
    EXPECT_EQ(r.tunnels[1].bgp->bfd, "");
    // No session known to FRR, no CHILD_SA, link down.
    const auto& c = *r.tunnels[2].bgp;
    EXPECT_EQ(c.state, "unknown");
    EXPECT_FALSE(c.link_up);
    EXPECT_FALSE(c.healthy);
    EXPECT_FALSE(r.tunnels[3].bgp);
    ASSERT_TRUE(r.frr);
    EXPECT_TRUE(r.frr->running);
    ASSERT_EQ(r.frr->fib_mismatches.size(), 1u);
    EXPECT_EQ(r.frr->fib_mismatches[0],
              "10.2.0.0/24: kernel has 1 next hop(s), zebra's FIB 2 (zebra: 169.254.10.2 dev "
              "xfi-a, 169.254.10.6 dev xfi-b; kernel: 169.254.10.2 dev xfi-a)");
}

TEST(BgpStatus, LoopbackIsUpAndAMissingInterfaceIsNot) {
    EXPECT_TRUE(gateway::interface_is_up("lo"));
    EXPECT_FALSE(gateway::interface_is_up("no-such-if0"));
}
