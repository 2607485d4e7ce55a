// SPDX-License-Identifier: GPL-2.0-or-later
#include "frr/render.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

namespace {

frr::Neighbor neighbor(std::string name, std::string address) {
    frr::Neighbor n;
    n.description = std::move(name);
    n.address = std::move(address);
    n.asn = 65020;
    n.interface = "vti-" + n.description;
    return n;
}

frr::Config two_tunnels() {
    frr::Config c;
    c.hostname = "gw-a";
    c.asn = 65010;
    c.router_id = "10.80.0.11";
    c.announce_v4 = {"10.80.0.0/24"};
    c.accept = {{"10.0.0.0/8", 0, 24}};
    c.bfd_profiles = {{"fast", 300, 300, 3}};
    frr::Neighbor a = neighbor("t1", "169.254.10.2");
    a.bfd_profile = "fast";
    a.keepalive_s = 3;
    a.hold_s = 9;
    a.connect_s = 5;
    frr::Neighbor b = neighbor("t2", "169.254.11.2");
    c.neighbors = {b, a};  // out of order on purpose
    return c;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

bool has_line(const std::string& text, const std::string& line) {
    auto l = lines(text);
    return std::find(l.begin(), l.end(), line) != l.end();
}

TEST(FrrRender, CompleteConfigForTwoNeighbors) {
    EXPECT_EQ(frr::render(two_tunnels()),
              "frr defaults traditional\n"
              "hostname gw-a\n"
              "no zebra nexthop kernel enable\n"
              "service integrated-vtysh-config\n"
              "!\n"
              "router bgp 65010\n"
              " bgp router-id 10.80.0.11\n"
              " no bgp default ipv4-unicast\n"
              " neighbor 169.254.10.2 remote-as 65020\n"
              " neighbor 169.254.10.2 description t1\n"
              " neighbor 169.254.10.2 bfd\n"
              " neighbor 169.254.10.2 bfd profile fast\n"
              " neighbor 169.254.10.2 timers 3 9\n"
              " neighbor 169.254.10.2 timers connect 5\n"
              " neighbor 169.254.11.2 remote-as 65020\n"
              " neighbor 169.254.11.2 description t2\n"
              " neighbor 169.254.11.2 timers 10 30\n"
              " neighbor 169.254.11.2 timers connect 10\n"
              " !\n"
              " address-family ipv4 unicast\n"
              "  network 10.80.0.0/24\n"
              "  neighbor 169.254.10.2 activate\n"
              "  neighbor 169.254.10.2 route-map vtigw-t1-in in\n"
              "  neighbor 169.254.10.2 route-map vtigw-t1-out out\n"
              "  neighbor 169.254.11.2 activate\n"
              "  neighbor 169.254.11.2 route-map vtigw-t2-in in\n"
              "  neighbor 169.254.11.2 route-map vtigw-t2-out out\n"
              "  maximum-paths 4\n"
              " exit-address-family\n"
              "exit\n"
              "!\n"
              "ip prefix-list vtigw-accept seq 5 permit 10.0.0.0/8 le 24\n"
              "ip prefix-list vtigw-announce seq 5 permit 10.80.0.0/24\n"
              "!\n"
              "route-map vtigw-t1-in permit 10\n"
              " match ip address prefix-list vtigw-accept\n"
              "exit\n"
              "!\n"
              "route-map vtigw-t1-out permit 10\n"
              " match ip address prefix-list vtigw-announce\n"
              "exit\n"
              "!\n"
              "route-map vtigw-t2-in permit 10\n"
              " match ip address prefix-list vtigw-accept\n"
              "exit\n"
              "!\n"
              "route-map vtigw-t2-out permit 10\n"
              " match ip address prefix-list vtigw-announce\n"
              "exit\n"
              "!\n"
              "bfd\n"
              " profile fast\n"
              " exit\n"
              " !\n"
              "exit\n"
              "!\n");
}

TEST(FrrRender, DeterministicWhateverTheInputOrder) {
    frr::Config a = two_tunnels();
    frr::Config b = two_tunnels();
    std::reverse(b.neighbors.begin(), b.neighbors.end());
    EXPECT_EQ(frr::render(a), frr::render(a));
    EXPECT_EQ(frr::render(a), frr::render(b));
}

TEST(FrrRender, AddingANeighborKeepsEveryExistingLine) {
    frr::Config before = two_tunnels();
    frr::Config after = before;
    frr::Neighbor n = neighbor("t0", "169.254.12.2");
    n.accept = std::vector<frr::PrefixRule>{{"192.168.0.0/16", 24, 24}};
    after.neighbors.push_back(n);
    auto old_lines = lines(frr::render(before));
    auto new_lines = lines(frr::render(after));
    // Every old line is still there, in the same order (a subsequence), so frr-reload.py only
    // adds the new neighbor's lines.
    size_t j = 0;
    for (const auto& l : new_lines)
        if (j < old_lines.size() && l == old_lines[j]) ++j;
    EXPECT_EQ(j, old_lines.size()) << "missing or changed: " << old_lines[j];
    std::string text = frr::render(after);
    EXPECT_TRUE(has_line(text, " neighbor 169.254.12.2 remote-as 65020"));
    EXPECT_TRUE(
        has_line(text, "ip prefix-list vtigw-t0-accept seq 5 permit 192.168.0.0/16 ge 24 le 24"));
    EXPECT_TRUE(has_line(text, " match ip address prefix-list vtigw-t0-accept"));
}

TEST(FrrRender, NothingAcceptedOrAnnouncedRendersDenyRouteMaps) {
    frr::Config c = two_tunnels();
    c.accept.clear();
    c.neighbors[0].announce = std::vector<frr::PrefixRule>{};
    std::string text = frr::render(c);
    EXPECT_TRUE(has_line(text, "route-map vtigw-t1-in deny 10"));
    EXPECT_TRUE(has_line(text, "route-map vtigw-t2-in deny 10"));
    EXPECT_TRUE(has_line(text, "route-map vtigw-t2-out deny 10"));
    EXPECT_TRUE(has_line(text, "route-map vtigw-t1-out permit 10"));
    EXPECT_EQ(text.find("vtigw-accept"), std::string::npos);
    // ebgp-requires-policy stays on: route-maps are always attached.
    EXPECT_EQ(text.find("ebgp-requires-policy"), std::string::npos);
    EXPECT_TRUE(has_line(text, "  neighbor 169.254.11.2 route-map vtigw-t2-in in"));
}

TEST(FrrRender, MedPrependAndLimitsGoWhereFrrPrintsThem) {
    frr::Config c = two_tunnels();
    frr::Neighbor& n = c.neighbors[0];
    n.med_out = 150;
    n.prepend = 2;
    n.max_prefix_in = 1000;
    n.max_prefix_out = 100;
    n.multihop = 2;
    n.passive = true;
    std::string text = frr::render(c);
    EXPECT_NE(text.find("route-map vtigw-t2-out permit 10\n"
                        " match ip address prefix-list vtigw-announce\n"
                        " set as-path prepend 65010 65010\n"
                        " set metric 150\n"
                        "exit\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("  neighbor 169.254.11.2 activate\n"
                        "  neighbor 169.254.11.2 maximum-prefix 1000\n"
                        "  neighbor 169.254.11.2 maximum-prefix-out 100\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find(" neighbor 169.254.11.2 passive\n"
                        " neighbor 169.254.11.2 ebgp-multihop 2\n"),
              std::string::npos)
        << text;
}

TEST(FrrRender, PasswordOnlyInTheUnredactedText) {
    frr::Config c = two_tunnels();
    c.neighbors[1].password = "Tr0ub4dor-secret";
    EXPECT_TRUE(has_line(frr::render(c), " neighbor 169.254.10.2 password Tr0ub4dor-secret"));
    std::string redacted = frr::render_redacted(c);
    EXPECT_EQ(redacted.find("Tr0ub4dor"), std::string::npos);
    EXPECT_TRUE(has_line(redacted, " neighbor 169.254.10.2 password <redacted>"));
}

TEST(FrrRender, Ipv6NeighborsAndPrefixesGetTheirOwnAddressFamily) {
    frr::Config c = two_tunnels();
    c.announce_v6 = {"2001:db8:80::/48"};
    c.accept.push_back({"2001:db8::/32", 0, 64});
    c.neighbors.push_back(neighbor("t3", "fd00::2"));
    std::string text = frr::render(c);
    EXPECT_NE(text.find(" address-family ipv6 unicast\n"
                        "  network 2001:db8:80::/48\n"
                        "  neighbor fd00::2 activate\n"
                        "  neighbor fd00::2 route-map vtigw-t3-in in\n"
                        "  neighbor fd00::2 route-map vtigw-t3-out out\n"
                        "  maximum-paths 4\n"
                        " exit-address-family\n"),
              std::string::npos)
        << text;
    EXPECT_TRUE(has_line(text, "ipv6 prefix-list vtigw-accept6 seq 5 permit 2001:db8::/32 le 64"));
    EXPECT_TRUE(has_line(text, " match ipv6 address prefix-list vtigw-announce6"));
    // IPv6 rules never reach IPv4 lists and the reverse.
    EXPECT_FALSE(has_line(text, "ip prefix-list vtigw-accept seq 10 permit 2001:db8::/32 le 64"));
}

TEST(FrrRender, StaticRoutesSortedWithDistance) {
    frr::Config c = two_tunnels();
    c.static_routes = {{"fd00:9::/64", std::nullopt, "vti-t1", 1},
                       {"10.9.0.0/16", std::nullopt, "vti-t2", 200},
                       {"10.9.0.0/16", std::nullopt, "vti-t1", 1},
                       {"198.51.100.7/32", std::string("169.254.10.2"), "vti-t1", 1}};
    std::string text = frr::render(c);
    EXPECT_NE(text.find("service integrated-vtysh-config\n!\n"
                        "ip route 10.9.0.0/16 vti-t1\n"
                        "ip route 10.9.0.0/16 vti-t2 200\n"
                        "ip route 198.51.100.7/32 169.254.10.2 vti-t1\n"
                        "ipv6 route fd00:9::/64 vti-t1\n"
                        "!\nrouter bgp"),
              std::string::npos)
        << text;
}

TEST(FrrRender, KernelNexthopGroupsAndBfdValuesOnlyWhenNotDefault) {
    frr::Config c = two_tunnels();
    c.kernel_nexthop_groups = true;
    c.bfd_profiles.push_back({"slow", 1000, 900, 5});
    std::string text = frr::render(c);
    EXPECT_EQ(text.find("nexthop kernel"), std::string::npos);
    EXPECT_NE(text.find(" profile slow\n"
                        "  detect-multiplier 5\n"
                        "  transmit-interval 1000\n"
                        "  receive-interval 900\n"
                        " exit\n"),
              std::string::npos)
        << text;
}

TEST(FrrRender, InvalidReasonGuardsAgainstInjectedLines) {
    EXPECT_EQ(frr::invalid_reason(two_tunnels()), "");
    frr::Config c = two_tunnels();
    c.neighbors[0].password = "pw\nrouter bgp 1";
    EXPECT_NE(frr::invalid_reason(c).find("password"), std::string::npos);
    EXPECT_EQ(frr::invalid_reason(c).find("router bgp 1"), std::string::npos);
    c = two_tunnels();
    c.neighbors[0].bfd_profile = "nope";
    EXPECT_NE(frr::invalid_reason(c).find("unknown BFD profile nope"), std::string::npos);
    c = two_tunnels();
    c.neighbors[1].address = c.neighbors[0].address;
    EXPECT_NE(frr::invalid_reason(c).find("twice"), std::string::npos);
    c = two_tunnels();
    c.neighbors[0].description = "a b";
    EXPECT_NE(frr::invalid_reason(c), "");
}

TEST(FrrRender, ExtraLinesComeLastVerbatimAndRedacted) {
    frr::Config c = two_tunnels();
    c.extra_lines = {"bgp community-list standard cl permit 65000:1", "router bgp 65010",
                     " neighbor 169.254.10.2 password s3cret"};
    std::string text = frr::render(c);
    const std::string tail =
        "bgp community-list standard cl permit 65000:1\n"
        "router bgp 65010\n"
        " neighbor 169.254.10.2 password s3cret\n"
        "!\n";
    ASSERT_GE(text.size(), tail.size());
    EXPECT_EQ(text.substr(text.size() - tail.size()), tail) << text;
    std::string redacted = frr::render_redacted(c);
    EXPECT_EQ(redacted.find("s3cret"), std::string::npos) << redacted;
    EXPECT_NE(redacted.find(" neighbor 169.254.10.2 password <redacted>\n!\n"), std::string::npos)
        << redacted;
    c.extra_lines.clear();
    EXPECT_EQ(frr::render(c), frr::render(two_tunnels()));
}

TEST(FrrRender, InvalidReasonRefusesExtraLinesThatAreNotOneLine) {
    for (std::string bad : std::vector<std::string>{"ip route 10.9.0.0/24 xfrm1\nrouter bgp 1", "",
                                                    "   ", "a\tb", "x\x7f"}) {
        frr::Config c = two_tunnels();
        c.extra_lines = {"bgp community-list standard cl permit 65000:1", bad};
        EXPECT_NE(frr::invalid_reason(c).find("extra line"), std::string::npos) << bad;
    }
    frr::Config c = two_tunnels();
    c.extra_lines = {" neighbor 169.254.10.2 description indented lines are fine"};
    EXPECT_EQ(frr::invalid_reason(c), "");
}

}  // namespace
