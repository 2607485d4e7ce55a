// SPDX-License-Identifier: GPL-2.0-or-later
// Provider profiles: documented defaults, overridable, provider constraints enforced.
#include <gtest/gtest.h>

#include "test_util.h"

using namespace gateway;
using gwtest::base_config;
using gwtest::dump;
using gwtest::has_error;
using gwtest::load;
using nlohmann::json;

TEST(Profiles, AwsDefaults) {
    json c = base_config();
    c["tunnels"][0]["profile"] = "aws";
    auto r = load(c);
    ASSERT_TRUE(r.ok()) << dump(r);
    const Tunnel& t = r.config->tunnels[0];
    EXPECT_EQ(t.profile, "aws");
    EXPECT_EQ(t.ike_lifetime, 28800u);
    EXPECT_EQ(t.esp_lifetime, 3600u);
    EXPECT_EQ(t.rekey_margin, 270u);
    EXPECT_EQ(t.rekey_fuzz, 100u);
    EXPECT_EQ(t.replay_window, 1024u);
    EXPECT_GE(t.dpd.timeout, 30u);
    EXPECT_EQ(t.mss4, 1379u);
    EXPECT_EQ(t.mss6, 1359u);
    EXPECT_EQ(t.ike_version, 2);
}

TEST(Profiles, AwsOverridesAndConstraints) {
    json c = base_config();
    c["defaults"] = {{"profile", "aws"}};
    c["tunnels"][0]["mss"] = 1360;
    c["tunnels"][0]["replay_window"] = 512;
    auto r = load(c);
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(r.config->tunnels[0].mss4, 1360u);
    EXPECT_EQ(r.config->tunnels[0].replay_window, 512u);
    EXPECT_EQ(r.config->tunnels[0].rekey_margin, 270u);  // still from the profile
    c["tunnels"][0]["dpd"] = {{"interval", 5}, {"timeout", 20}};
    c["tunnels"][0]["esp_lifetime"] = 7200;
    c["tunnels"][0]["inside"] = {{"local", "10.0.0.1/30"}};
    auto bad = load(c);
    EXPECT_TRUE(has_error(bad, "/tunnels/0/dpd/timeout", "at least 30 s")) << dump(bad);
    EXPECT_TRUE(has_error(bad, "/tunnels/0/esp_lifetime", "from 900 to 3600")) << dump(bad);
    EXPECT_TRUE(has_error(bad, "/tunnels/0/inside/local", "169.254.0.0/16")) << dump(bad);
}

TEST(Profiles, AzureDefaults) {
    json c = base_config();
    c["tunnels"][0]["profile"] = "azure";
    auto r = load(c);
    ASSERT_TRUE(r.ok()) << dump(r);
    const Tunnel& t = r.config->tunnels[0];
    EXPECT_EQ(t.mss4, 1350u);
    EXPECT_EQ(t.mtu, 1400u);
    EXPECT_EQ(t.esp_lifetime, 27000u);
    EXPECT_EQ(t.dpd.timeout, 45u);
}

TEST(Profiles, GcpDefaults) {
    json c = base_config();
    c["tunnels"][0]["profile"] = "gcp";
    auto r = load(c);
    ASSERT_TRUE(r.ok()) << dump(r);
    const Tunnel& t = r.config->tunnels[0];
    EXPECT_EQ(t.underlay_mtu, 1460u);
    // aes256gcm16 + NAT-T inside 1460: 1460-20-8-8-8-16 = 1400 -> 1398.
    EXPECT_EQ(t.mtu, 1398u);
    EXPECT_EQ(t.mss4, 1358u);
    EXPECT_EQ(t.ike_lifetime, 36000u);
    EXPECT_EQ(t.esp_lifetime, 10800u);
    c["tunnels"][0]["underlay_mtu"] = 1500;
    EXPECT_EQ(load(c).config->tunnels[0].mtu, 1438u);
}

TEST(Profiles, DefaultsBlockOverridesProfile) {
    json c = base_config();
    c["defaults"] = {{"mss", 1300}};
    c["tunnels"][0]["profile"] = "azure";
    auto r = load(c);
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(r.config->tunnels[0].mss4, 1300u);
}

TEST(Profiles, UnknownProfile) {
    json c = base_config();
    c["tunnels"][0]["profile"] = "asw";
    EXPECT_TRUE(has_error(load(c), "/tunnels/0/profile", "did you mean \"aws\""));
}
