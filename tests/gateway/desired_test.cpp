// SPDX-License-Identifier: GPL-2.0-or-later
// Model → vti::DesiredState, and the stability of automatic identifiers.
#include "gateway/desired.h"

#include <gtest/gtest.h>

#include "test_util.h"

using namespace gateway;
using gwtest::base_config;
using gwtest::dump;
using gwtest::load;
using gwtest::second_tunnel;
using nlohmann::json;

TEST(Desired, TunnelSpecFields) {
    json c = base_config();
    c["gateway"]["underlay"] = "eth0";
    c["tunnels"][0]["routes"] = {{{"prefix", "10.1.0.0/16"}, {"metric", 10}}};
    c["tunnels"][0]["inside"]["local6"] = "fd00::1/127";
    auto r = load(c);
    ASSERT_TRUE(r.ok()) << dump(r);
    auto d = to_desired_state(*r.config);
    ASSERT_EQ(d.tunnels.size(), 1u);
    const auto& s = d.tunnels[0];
    EXPECT_EQ(s.name, "t1");
    EXPECT_EQ(s.ifname, "xfi-t1");
    EXPECT_EQ(s.kind, vti::LinkKind::Xfrm);
    EXPECT_EQ(s.key, r.config->tunnels[0].key);
    EXPECT_EQ(s.reqid, r.config->tunnels[0].reqid);
    EXPECT_EQ(s.local.str(), "192.0.2.1");
    EXPECT_EQ(s.remote.str(), "198.51.100.1");
    EXPECT_EQ(s.underlay, "eth0");
    EXPECT_EQ(s.mtu, 1438u);
    ASSERT_EQ(s.addresses.size(), 2u);
    EXPECT_EQ(s.addresses[0].str(), "169.254.10.1/30");
    EXPECT_EQ(s.addresses[1].str(), "fd00::1/127");
    ASSERT_EQ(s.routes.size(), 1u);
    EXPECT_EQ(s.routes[0].metric, 10u);
    EXPECT_EQ(s.mss.mode, vti::MssSpec::Mode::Fixed);
    EXPECT_EQ(s.mss.ipv4, 1398);
    EXPECT_EQ(s.mss.ipv6, 1378);
    c["tunnels"][0]["mss"] = "off";
    EXPECT_EQ(to_desired_state(*load(c).config).tunnels[0].mss.mode, vti::MssSpec::Mode::Off);
}

TEST(Desired, LongNamesGiveShortUniqueInterfaceNames) {
    json c = base_config();
    c["tunnels"][0]["name"] = "datacenter-frankfurt-1";
    c["tunnels"].push_back(second_tunnel());
    c["tunnels"][1]["name"] = "datacenter-frankfurt-2";
    auto r = load(c);
    ASSERT_TRUE(r.ok()) << dump(r);
    const auto& a = r.config->tunnels[0].ifname;
    const auto& b = r.config->tunnels[1].ifname;
    EXPECT_LE(a.size(), 15u);
    EXPECT_LE(b.size(), 15u);
    EXPECT_NE(a, b);
    EXPECT_EQ(a.rfind("xfi-datace-", 0), 0u) << a;
}

TEST(Desired, AutomaticKeysAreStableAcrossReordering) {
    json c = base_config();
    c["tunnels"].push_back(second_tunnel());
    auto r1 = load(c);
    std::swap(c["tunnels"][0], c["tunnels"][1]);
    auto r2 = load(c);
    ASSERT_TRUE(r1.ok() && r2.ok());
    EXPECT_EQ(r1.config->tunnels[0].key, r2.config->tunnels[1].key);
    EXPECT_EQ(r1.config->tunnels[0].reqid, r2.config->tunnels[1].reqid);
    EXPECT_TRUE(r1.config->tunnels[0].key_auto);
    // Adding a tunnel does not move existing ones (no hash collision here).
    json more = c;
    json t3 = second_tunnel();
    t3["name"] = "t3";
    t3["remote"] = "198.51.100.3";
    t3["inside"]["local"] = "169.254.12.1/30";
    t3["routes"] = {"10.3.0.0/16"};
    more["tunnels"].push_back(t3);
    auto r3 = load(more);
    ASSERT_TRUE(r3.ok()) << dump(r3);
    EXPECT_EQ(r3.config->tunnels[0].key, r2.config->tunnels[0].key);
    EXPECT_EQ(r3.config->tunnels[1].reqid, r2.config->tunnels[1].reqid);
}

TEST(Desired, ExplicitKeyIsAvoidedByAutomaticOnes) {
    json c = base_config();
    auto r = load(c);
    uint32_t auto_key = r.config->tunnels[0].key;
    c["tunnels"].push_back(second_tunnel());
    c["tunnels"][1]["mark"] = auto_key;  // t2 claims t1's automatic key
    auto r2 = load(c);
    ASSERT_TRUE(r2.ok()) << dump(r2);
    EXPECT_EQ(r2.config->tunnels[1].key, auto_key);
    EXPECT_EQ(r2.config->tunnels[0].key, auto_key + 1);  // probed upwards
}
