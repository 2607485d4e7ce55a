// SPDX-License-Identifier: GPL-2.0-or-later
// `vtigw check` and `plan` on a BGP gateway: the sessions in the summary, FRR's configuration in
// the plan, and never the BGP password.
#include <gtest/gtest.h>

#include "test_util.h"

using gwtest::run_vtigw;
using nlohmann::json;

namespace {

std::string write_bgp_config(gwtest::TempDir& dir) {
    std::string pw = dir.write("bgp.pw", "Very-Secret-Md5\n", 0600);
    json c = gwtest::base_config();
    c["bgp"] = {{"asn", 65010}, {"router_id", "10.80.0.11"}, {"announce", {"10.80.0.0/24"}}};
    c["tunnels"][0]["bgp"] = {{"peer_asn", 65020}, {"profile", "vtigw"}, {"password_file", pw}};
    return dir.write("gw.json", c.dump());
}

const char* kEnv = "VTIGW_TEST_PSK=0123456789abcdef0123456789abcdef";

}  // namespace

TEST(BgpCli, CheckSummarizesTheSessions) {
    gwtest::TempDir dir;
    std::string file = write_bgp_config(dir);
    auto r = run_vtigw("check -c " + file, kEnv);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("BGP AS 65010, router ID 10.80.0.11, 1 session(s)"), std::string::npos)
        << r.out;
    r = run_vtigw("check --json -c " + file, kEnv);
    json j = json::parse(r.out);
    EXPECT_EQ(j["bgp"]["asn"], 65010);
    EXPECT_EQ(j["bgp"]["announce"], json::array({"10.80.0.0/24"}));
    EXPECT_EQ(j["tunnels"][0]["bgp"]["peer"], "169.254.10.2");
    EXPECT_EQ(j["tunnels"][0]["bgp"]["bfd"], "default");
    EXPECT_EQ(j["tunnels"][0]["bgp"]["password"], "file " + dir.path().string() + "/bgp.pw");
    EXPECT_EQ(r.out.find("Very-Secret"), std::string::npos);
}

TEST(BgpCli, PlanShowsFrrConfigurationRedacted) {
    gwtest::TempDir dir;
    std::string file = write_bgp_config(dir);
    auto r = run_vtigw("plan --offline -c " + file, kEnv);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("frr: the whole configuration"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("     neighbor 169.254.10.2 password <redacted>\n"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("    ip route 10.1.0.0/16 xfi-t1\n"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("Very-Secret"), std::string::npos);
    r = run_vtigw("plan --offline --json -c " + file, kEnv);
    json j = json::parse(r.out);
    EXPECT_NE(j["frr"]["config"].get<std::string>().find("router bgp 65010\n"), std::string::npos);
    EXPECT_EQ(r.out.find("Very-Secret"), std::string::npos);
    // Without a daemon every FRR line is an addition, with the blocks it sits in.
    EXPECT_EQ(j["frr"]["basis"], "an empty FRR configuration (no daemon)");
    bool network = false;
    for (const auto& c : j["frr"]["changes"]) {
        EXPECT_EQ(c["action"], "add") << c;
        if (c["line"] == "network 10.80.0.0/24") {
            network = true;
            EXPECT_EQ(c["path"],
                      "router bgp 65010 > address-family ipv4 unicast > network 10.80.0.0/24");
        }
    }
    EXPECT_TRUE(network) << j["frr"]["changes"];
}
