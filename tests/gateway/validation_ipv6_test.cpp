// SPDX-License-Identifier: GPL-2.0-or-later
// IPv6 inside and outside tunnels: what `check` accepts, and each combination it refuses with the
// JSON pointer of the field to change.
#include <gtest/gtest.h>

#include "test_util.h"

using namespace gateway;
using gwtest::base_config;
using gwtest::dump;
using gwtest::has_error;
using gwtest::load;
using gwtest::second_tunnel;
using nlohmann::json;

namespace {

// One gateway, two tunnels: t1 over IPv4 outer addresses carrying IPv4 and IPv6 (dual-stack), t2
// over IPv6 outer addresses (kind xfrm) carrying IPv6 only.
json mixed() {
    json c = base_config();
    c["tunnels"][0]["inside"]["local6"] = "fd00:ff::1/126";
    c["tunnels"][0]["routes"] = {"10.1.0.0/16", "fd00:1::/64"};
    json t2 = second_tunnel();
    t2["remote"] = "2001:db8:100::2";
    t2["kind"] = "xfrm";
    t2["inside"] = {{"local6", "fd00:ff:1::1/126"}};
    t2["routes"] = {"fd00:2::/64"};
    c["tunnels"].push_back(t2);
    return c;
}

}  // namespace

TEST(ValidationIpv6, MixedOuterFamiliesAndDualStackAreValid) {
    auto r = load(mixed());
    ASSERT_TRUE(r.ok()) << dump(r);
    const auto& t1 = r.config->tunnels[0];
    const auto& t2 = r.config->tunnels[1];
    EXPECT_EQ(t1.local.str(), "192.0.2.1");
    EXPECT_EQ(t2.local.str(), "2001:db8::1");
    ASSERT_TRUE(t1.inside.remote6.has_value());
    EXPECT_EQ(t1.inside.remote6->str(), "fd00:ff::2");
    // An IPv6 outer header is 20 bytes longer than an IPv4 one: the IPv6-outer tunnel's MTU is
    // 20 smaller, and the IPv6 MSS is 20 below the IPv4 MSS (IPv6 header of 40, not 20).
    EXPECT_EQ(t1.mtu, t2.mtu + 20);
    EXPECT_EQ(t1.mss6, t1.mtu - 60);
    EXPECT_EQ(t1.mss4, t1.mtu - 40);
    EXPECT_EQ(t2.mss6, t2.mtu - 60);
}

TEST(ValidationIpv6, VtiOverIpv6OuterIsValid) {
    json c = mixed();
    c["tunnels"][1]["kind"] = "vti";
    auto r = load(c);
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(r.config->tunnels[1].kind, vti::LinkKind::Vti);
}

TEST(ValidationIpv6, Vti6SharingOuterAddressesIsRefused) {
    json c = mixed();
    json t3 = c["tunnels"][1];
    t3["name"] = "t3";
    t3["remote_id"] = "third@peer";
    t3["inside"] = {{"local6", "fd00:ff:2::1/126"}};
    t3["routes"] = {"fd00:3::/64"};
    t3["kind"] = "vti";
    c["tunnels"].push_back(t3);
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/2/remote", "one of them is a VTI")) << dump(r);
    c["tunnels"][2]["kind"] = "xfrm";
    EXPECT_TRUE(load(c).ok()) << dump(load(c));
}

TEST(ValidationIpv6, LocalAndRemoteFamiliesDiffer) {
    json c = mixed();
    c["tunnels"][1]["local"] = "192.0.2.1";
    EXPECT_TRUE(has_error(load(c), "/tunnels/1/local", "address family differs")) << dump(load(c));
    json d = mixed();
    d["gateway"]["local"] = {"192.0.2.1"};
    EXPECT_TRUE(
        has_error(load(d), "/tunnels/1/remote", "no gateway local address of the same family"))
        << dump(load(d));
}

TEST(ValidationIpv6, InsideFieldsOfTheWrongFamily) {
    json c = mixed();
    c["tunnels"][1]["inside"] = {{"local6", "169.254.20.1/30"}};
    EXPECT_TRUE(has_error(load(c), "/tunnels/1/inside/local6", "expected an IPv6 address"));
    c["tunnels"][1]["inside"] = {{"local", "fd00:ff:1::1/126"}};
    EXPECT_TRUE(has_error(load(c), "/tunnels/1/inside/local", "expected an IPv4 address"));
    c["tunnels"][1]["inside"] = {{"local", "169.254.20.1/30"}, {"remote6", "fd00:ff:1::2"}};
    EXPECT_TRUE(has_error(load(c), "/tunnels/1/inside/remote6", "without a local address"));
}

TEST(ValidationIpv6, LinkLocalOuterAddresses) {
    json c = mixed();
    c["tunnels"][1]["remote"] = "fe80::2";
    EXPECT_TRUE(has_error(load(c), "/tunnels/1/remote", "link-local")) << dump(load(c));
    json d = mixed();
    d["gateway"]["local"] = {"192.0.2.1", "fe80::1", "2001:db8::1"};
    d["tunnels"][1]["local"] = "fe80::1";
    EXPECT_TRUE(has_error(load(d), "/tunnels/1/local", "link-local")) << dump(load(d));
    // Without `local`, the tunnel takes the first IPv6 address of /gateway/local.
    json e = mixed();
    e["gateway"]["local"] = {"192.0.2.1", "fe80::1", "2001:db8::1"};
    EXPECT_TRUE(
        has_error(load(e), "/tunnels/1/remote",
                  "its local address would be fe80::1, the first IPv6 address of /gateway/local"))
        << dump(load(e));
    e["tunnels"][1]["local"] = "2001:db8::1";
    EXPECT_TRUE(load(e).ok()) << dump(load(e));
}

TEST(ValidationIpv6, Ipv4MappedOuterAddress) {
    json c = mixed();
    c["tunnels"][1]["remote"] = "::ffff:198.51.100.9";
    EXPECT_TRUE(has_error(load(c), "/tunnels/1/remote", "IPv4-mapped")) << dump(load(c));
}

TEST(ValidationIpv6, Ipv6OuterNeedsAnUnderlayOfAtLeast1280) {
    // IPv4 inside only, so the inner MTU's own IPv6 minimum does not apply.
    json c = mixed();
    c["tunnels"][1]["inside"] = {{"local", "169.254.20.1/30"}};
    c["tunnels"][1]["routes"] = {"10.20.0.0/16"};
    c["tunnels"][1]["underlay_mtu"] = 1279;
    EXPECT_TRUE(has_error(load(c), "/tunnels/1/underlay_mtu", "at least 1280")) << dump(load(c));
    c["defaults"]["underlay_mtu"] = 1200;
    c["tunnels"][1].erase("underlay_mtu");
    EXPECT_TRUE(has_error(load(c), "/defaults/underlay_mtu", "IPv6 outer address 2001:db8:100::2"))
        << dump(load(c));
    c["defaults"]["underlay_mtu"] = 1280;
    c["tunnels"][0]["inside"].erase("local6");
    c["tunnels"][0]["routes"] = {"10.1.0.0/16"};
    EXPECT_TRUE(load(c).ok()) << dump(load(c));
}

TEST(ValidationIpv6, Ipv6InsideNeedsIpv6MinimumMtu) {
    // The automatic MTU over IPv6 outer addresses leaves less than 1280 bytes for IPv6 inside.
    json c = mixed();
    c["tunnels"][1]["underlay_mtu"] = 1300;
    EXPECT_TRUE(has_error(load(c), "/tunnels/1/underlay_mtu", "less than 1280")) << dump(load(c));
    json d = mixed();
    d["tunnels"][0]["mtu"] = 1279;
    EXPECT_TRUE(has_error(load(d), "/tunnels/0/mtu", "at least 1280")) << dump(load(d));
}
