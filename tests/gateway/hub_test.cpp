// SPDX-License-Identifier: GPL-2.0-or-later
// Tunnels with "remote": "any" (a hub's branches): the checks, the kernel model without
// policies, and how status shows them.
#include <gtest/gtest.h>

#include "../../gateway/src/status_table.h"
#include "gateway/control.h"
#include "gateway/desired.h"
#include "test_util.h"
#include "vti/manager.h"
#include "vti/wanted.h"

using namespace gateway;
using gwtest::base_config;
using gwtest::dump;
using gwtest::has_error;
using gwtest::load;
using nlohmann::json;

namespace {

json branch(const std::string& name, const std::string& id, uint32_t if_id, int n) {
    return json{{"name", name},
                {"remote", "any"},
                {"remote_id", id},
                {"auth", {{"psk_env", "VTIGW_TEST_PSK"}}},
                {"kind", "xfrm"},
                {"if_id", if_id},
                {"start_action", "respond"},
                {"inside", {{"local", "169.254.2" + std::to_string(n) + ".1/30"}}},
                {"routes", json::array({{{"prefix", "10.10" + std::to_string(n) + ".0.0/24"}}})}};
}

json hub() {
    json c = base_config();
    c["tunnels"].push_back(branch("br-a", "br-a.example", 11, 1));
    c["tunnels"].push_back(branch("br-b", "br-b.example", 12, 2));
    return c;
}

}  // namespace

TEST(Hub, OpenRemoteTunnelsLoad) {
    auto r = load(hub());
    ASSERT_TRUE(r.ok()) << dump(r);
    const Tunnel& t = r.config->tunnels[1];
    EXPECT_TRUE(t.remote_any);
    EXPECT_EQ(t.remote.family, 0);
    EXPECT_EQ(t.local.str(), "192.0.2.1");  // the gateway's address
    EXPECT_EQ(t.remote_id, "br-a.example");
    EXPECT_FALSE(r.config->tunnels[0].remote_any);
}

TEST(Hub, OpenRemoteNeedsXfrm) {
    json c = hub();
    c["tunnels"][1]["kind"] = "vti";
    c["tunnels"][1].erase("if_id");
    EXPECT_TRUE(has_error(load(c), "/tunnels/1/kind", "needs kind \"xfrm\"")) << dump(load(c));
}

TEST(Hub, OpenRemoteNeedsRespond) {
    json c = hub();
    c["tunnels"][1]["start_action"] = "initiate";
    EXPECT_TRUE(has_error(load(c), "/tunnels/1/start_action", "needs start_action \"respond\""));
    c["tunnels"][1].erase("start_action");  // the default (initiate) is named at the tunnel
    EXPECT_TRUE(has_error(load(c), "/tunnels/1/start_action", "needs start_action \"respond\""));
}

TEST(Hub, OpenRemoteNeedsRemoteId) {
    json c = hub();
    c["tunnels"][1].erase("remote_id");
    EXPECT_TRUE(has_error(load(c), "/tunnels/1", "needs \"remote_id\"")) << dump(load(c));
}

TEST(Hub, RemoteIdsOfOpenRemotesAreUnique) {
    json c = hub();
    c["tunnels"][2]["remote_id"] = "br-a.example";
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/2/remote_id", "already used by /tunnels/1")) << dump(r);
    EXPECT_FALSE(has_error(r, "/tunnels/2/remote", "same remote address")) << dump(r);
}

TEST(Hub, DpdRestartBecomesClear) {
    json c = hub();
    c["defaults"]["dpd"] = {{"interval", "10s"}, {"timeout", "30s"}, {"action", "restart"}};
    auto r = load(c);
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(r.config->tunnels[1].dpd.action, Dpd::Action::Clear);
    EXPECT_EQ(r.config->tunnels[0].dpd.action, Dpd::Action::Restart);
}

TEST(Hub, OtherValuesStillRejected) {
    json c = hub();
    c["tunnels"][1]["remote"] = "anywhere";
    EXPECT_FALSE(load(c).ok());
}

TEST(Hub, KernelModelHasNoPoliciesForOpenRemotes) {
    auto r = load(hub());
    ASSERT_TRUE(r.ok()) << dump(r);
    auto d = to_desired_state(*r.config);
    ASSERT_EQ(d.tunnels.size(), 3u);
    EXPECT_EQ(vti::wanted_policies(d.tunnels[0]).size(), 6u);
    EXPECT_TRUE(vti::wanted_policies(d.tunnels[1]).empty());
    EXPECT_EQ(vti::wanted_link(d.tunnels[1]).kind, "xfrm");
    EXPECT_EQ(vti::wanted_link(d.tunnels[1]).if_id, 11u);
    EXPECT_EQ(vti::wanted_routes(d.tunnels[1]).size(), 1u);
    EXPECT_TRUE(vti::validate(d).ok()) << vti::validate(d).message();
}

TEST(Hub, StatusShowsCurrentAddressAndRefusedPeers) {
    control::Reply r;
    r.ok = true;
    r.gateway = "hub";
    control::TunnelStatus& t = r.tunnels.emplace_back();
    t.name = "br-a";
    t.ifname = "to-a";
    t.remote = "any";
    t.ike_remote_address = "203.0.113.2";
    r.refused.push_back({"stranger.example", "198.51.100.9", 3, 1700000000});
    std::string table = cli::format_status_table(r);
    EXPECT_NE(table.find("any=203.0.113.2"), std::string::npos) << table;
    EXPECT_NE(table.find("refused: identity \"stranger.example\" from 198.51.100.9 (3x"),
              std::string::npos)
        << table;
    std::string error;
    auto back = control::decode_reply(control::encode(r), error);
    ASSERT_TRUE(back) << error;
    ASSERT_EQ(back->refused.size(), 1u);
    EXPECT_EQ(back->refused[0].identity, "stranger.example");
    EXPECT_EQ(back->refused[0].address, "198.51.100.9");
    EXPECT_EQ(back->refused[0].count, 3u);
    EXPECT_EQ(back->refused[0].last_time, 1700000000);
}

namespace {

json auto_branch() {
    json c = base_config();
    c["gateway"]["local"] = "auto";
    c["gateway"]["underlay"] = "wan0";
    c["tunnels"][0]["kind"] = "xfrm";
    c["tunnels"][0]["local_id"] = "branch.example";
    return c;
}

}  // namespace

TEST(AutoLocal, LoadsWithoutALocalAddress) {
    auto r = load(auto_branch());
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_TRUE(r.config->gateway.local_auto);
    EXPECT_EQ(r.config->tunnels[0].local.family, 0);
    EXPECT_EQ(r.config->tunnels[0].local_id, "branch.example");
    auto d = to_desired_state(*r.config);
    EXPECT_TRUE(vti::wanted_policies(d.tunnels[0]).empty());  // charon's, they move with MOBIKE
    EXPECT_TRUE(vti::validate(d).ok()) << vti::validate(d).message();
}

TEST(AutoLocal, NeedsUnderlay) {
    json c = auto_branch();
    c["gateway"].erase("underlay");
    EXPECT_TRUE(has_error(load(c), "/gateway/local", "/gateway/underlay, which is missing"));
}

TEST(AutoLocal, NeedsXfrmAndLocalId) {
    json c = auto_branch();
    c["tunnels"][0]["kind"] = "vti";
    c["tunnels"][0].erase("local_id");
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/0/kind", "needs kind \"xfrm\"")) << dump(r);
    EXPECT_TRUE(has_error(r, "/tunnels/0", "needs \"local_id\"")) << dump(r);
}

TEST(AutoLocal, RejectsTunnelLocalAndOpenRemote) {
    json c = auto_branch();
    c["tunnels"][0]["local"] = "192.0.2.1";
    EXPECT_TRUE(has_error(load(c), "/tunnels/0/local", "\"auto\"")) << dump(load(c));
    json o = auto_branch();
    o["tunnels"][0]["remote"] = "any";
    o["tunnels"][0]["remote_id"] = "hub.example";
    o["tunnels"][0]["start_action"] = "respond";
    EXPECT_TRUE(has_error(load(o), "/tunnels/0/remote", "one end must be known")) << dump(load(o));
}
