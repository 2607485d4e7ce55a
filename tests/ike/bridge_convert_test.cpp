// SPDX-License-Identifier: GPL-2.0-or-later
// gateway::Config -> vtigw_tunnel_t: every field the plugin uses, PSK handling, limits.
#include "bridge_convert.h"

#include <gtest/gtest.h>

#include <cstring>

#include "gateway/loader.h"

namespace {

const char* kConfig = R"({
  "gateway": {"name": "west", "local": "192.0.2.1"},
  "defaults": {"ike_proposals": ["aes256gcm16-prfsha384-x25519", "aes128-sha256-modp2048"],
               "esp_proposals": ["aes256gcm16-x25519"],
               "dpd": {"interval": "10s", "timeout": "40s", "action": "restart"}},
  "tunnels": [
    {"name": "a", "remote": "192.0.2.2", "local_id": "west.test", "remote_id": "east.test",
     "auth": {"psk_env": "IKE_TEST_PSK"}, "kind": "vti", "interface": "vti0", "mark": 42,
     "inside": {"local": "10.255.0.1/30"}, "routes": [{"prefix": "10.2.0.0/24"}]},
    {"name": "b", "remote": "192.0.2.3", "auth": {"psk_env": "IKE_TEST_PSK"}, "kind": "xfrm",
     "interface": "xfrm7", "if_id": 7, "start_action": "respond",
     "inside": {"local": "10.255.1.1/30"}, "routes": [{"prefix": "10.3.0.0/24"}]}
  ]
})";

gateway::Config load() {
    gateway::LoadOptions o;
    o.getenv = [](const std::string& name) -> std::optional<std::string> {
        if (name == "IKE_TEST_PSK") return std::string("0123456789abcdef0123456789abcdef");
        return std::nullopt;
    };
    auto r = gateway::load_config_text(kConfig, o);
    if (!r.ok()) {
        for (const auto& d : r.diagnostics.items()) ADD_FAILURE() << d.str();
    }
    return *r.config;
}

vtigwd::PskReader fixed_psk(std::string key) {
    return [key](const gateway::Tunnel&, std::string&) {
        return std::optional<gateway::Secret>(gateway::Secret(key));
    };
}

TEST(BridgeConvert, CopiesEveryField) {
    auto cfg = load();
    std::string error;
    auto b = vtigwd::BridgeTunnels::build(cfg, fixed_psk("k3y-bytes"), error);
    ASSERT_TRUE(b) << error;
    ASSERT_EQ(b->tunnels().size(), 2u);
    const vtigw_tunnel_t& a = b->tunnels()[0];
    EXPECT_STREQ(a.name, "a");
    EXPECT_STREQ(a.local, "192.0.2.1");
    EXPECT_STREQ(a.remote, "192.0.2.2");
    EXPECT_STREQ(a.local_id, "west.test");
    EXPECT_STREQ(a.remote_id, "east.test");
    EXPECT_EQ(a.auth, VTIGW_AUTH_PSK);
    ASSERT_EQ(a.psk_len, 9u);
    EXPECT_EQ(std::memcmp(a.psk, "k3y-bytes", 9), 0);
    EXPECT_EQ(a.ike_version, 2);
    EXPECT_STREQ(a.ike_proposals, "aes256gcm16-prfsha384-x25519,aes128-sha256-modp2048");
    EXPECT_STREQ(a.esp_proposals, "aes256gcm16-x25519");
    EXPECT_EQ(a.link_kind, VTIGW_LINK_VTI);
    EXPECT_EQ(a.key, 42u);
    EXPECT_EQ(a.reqid, cfg.tunnels[0].reqid);
    EXPECT_NE(a.reqid, 0u);
    EXPECT_EQ(a.dpd_interval, 10u);
    EXPECT_EQ(a.dpd_timeout, 40u);
    EXPECT_EQ(a.dpd_action, VTIGW_DPD_CLEAR);  // vtigw applies the configured action itself
    EXPECT_EQ(a.start_action, VTIGW_START_INITIATE);
    EXPECT_EQ(a.mobike, 0);  // both addresses known: no MOBIKE (implicit NAT updates stay on)
    EXPECT_EQ(a.ike_lifetime, cfg.tunnels[0].ike_lifetime);
    EXPECT_EQ(a.esp_lifetime, cfg.tunnels[0].esp_lifetime);
    EXPECT_EQ(a.rekey_margin, cfg.tunnels[0].rekey_margin);
    EXPECT_EQ(a.rekey_fuzz, cfg.tunnels[0].rekey_fuzz);
    EXPECT_EQ(a.replay_window, cfg.tunnels[0].replay_window);
    EXPECT_GT(a.ike_lifetime, 0u);
    EXPECT_GT(a.esp_lifetime, 0u);
}

TEST(BridgeConvert, XfrmAndRespondAndDefaultIdentities) {
    auto cfg = load();
    std::string error;
    auto b = vtigwd::BridgeTunnels::build(cfg, fixed_psk("x"), error);
    ASSERT_TRUE(b) << error;
    const vtigw_tunnel_t& t = b->tunnels()[1];
    EXPECT_EQ(t.link_kind, VTIGW_LINK_XFRM);
    EXPECT_EQ(t.key, 7u);
    EXPECT_EQ(t.start_action, VTIGW_START_RESPOND);
    // Identities default to the outer addresses.
    EXPECT_STREQ(t.local_id, "192.0.2.1");
    EXPECT_STREQ(t.remote_id, "192.0.2.3");
    EXPECT_NE(t.reqid, b->tunnels()[0].reqid);
}

TEST(BridgeConvert, PskFailureNamesTunnelWithoutKey) {
    auto cfg = load();
    std::string error;
    auto b = vtigwd::BridgeTunnels::build(
        cfg,
        [](const gateway::Tunnel&, std::string& why) {
            why = "file is missing";
            return std::optional<gateway::Secret>();
        },
        error);
    EXPECT_FALSE(b);
    EXPECT_EQ(error, "tunnel a: pre-shared key file is missing");
}

TEST(BridgeConvert, DefaultReaderReadsEnvironment) {
    auto cfg = load();
    setenv("IKE_TEST_PSK", "from-the-environment", 1);
    std::string error;
    auto b = vtigwd::BridgeTunnels::build(cfg, vtigwd::default_psk_reader(), error);
    unsetenv("IKE_TEST_PSK");
    ASSERT_TRUE(b) << error;
    EXPECT_EQ(
        std::string(reinterpret_cast<const char*>(b->tunnels()[0].psk), b->tunnels()[0].psk_len),
        "from-the-environment");
}

TEST(BridgeConvert, RejectsTooLongName) {
    auto cfg = load();
    cfg.tunnels[0].name = std::string(VTIGW_NAME_MAX, 'n');
    std::string error;
    EXPECT_FALSE(vtigwd::BridgeTunnels::build(cfg, fixed_psk("x"), error));
    EXPECT_NE(error.find("name must be"), std::string::npos) << error;
}

TEST(BridgeConvert, JoinProposals) {
    EXPECT_EQ(vtigwd::join_proposals({}), "");
    EXPECT_EQ(vtigwd::join_proposals({"a"}), "a");
    EXPECT_EQ(vtigwd::join_proposals({"a", "b-c"}), "a,b-c");
}

}  // namespace

TEST(BridgeConvert, OpenRemoteBecomesAnyHost) {
    gateway::LoadOptions o;
    o.getenv = [](const std::string&) -> std::optional<std::string> {
        return std::string("0123456789abcdef0123456789abcdef");
    };
    auto r = gateway::load_config_text(R"({
      "gateway": {"name": "hub", "local": "192.0.2.1"},
      "tunnels": [{"name": "br", "remote": "any", "remote_id": "br.test", "kind": "xfrm",
                   "if_id": 5, "start_action": "respond", "auth": {"psk_env": "P"},
                   "inside": {"local": "10.255.0.1/30"}}]})",
                                       o);
    ASSERT_TRUE(r.ok());
    std::string error;
    auto b = vtigwd::BridgeTunnels::build(*r.config, fixed_psk("0123456789abcdef"), error);
    ASSERT_TRUE(b) << error;
    const vtigw_tunnel_t& t = b->tunnels()[0];
    EXPECT_STREQ(t.remote, "%any");
    EXPECT_STREQ(t.remote_id, "br.test");
    EXPECT_STREQ(t.local, "192.0.2.1");
    EXPECT_EQ(t.link_kind, VTIGW_LINK_XFRM);
    EXPECT_EQ(t.key, 5u);
    EXPECT_EQ(t.mobike, 1);  // a vtigw branch whose address changes moves its SAs
}

TEST(BridgeConvert, AutoLocalBecomesAnyHostWithMobike) {
    gateway::LoadOptions o;
    o.getenv = [](const std::string&) -> std::optional<std::string> {
        return std::string("0123456789abcdef0123456789abcdef");
    };
    auto r = gateway::load_config_text(R"({
      "gateway": {"name": "branch", "local": "auto", "underlay": "wan0"},
      "tunnels": [{"name": "hub", "remote": "192.0.2.1", "local_id": "branch.test",
                   "remote_id": "hub.test", "kind": "xfrm", "if_id": 1,
                   "auth": {"psk_env": "P"}, "inside": {"local": "10.255.0.2/30"}}]})",
                                       o);
    ASSERT_TRUE(r.ok());
    std::string error;
    auto b = vtigwd::BridgeTunnels::build(*r.config, fixed_psk("0123456789abcdef"), error);
    ASSERT_TRUE(b) << error;
    const vtigw_tunnel_t& t = b->tunnels()[0];
    EXPECT_STREQ(t.local, "%any");
    EXPECT_STREQ(t.local_id, "branch.test");
    EXPECT_STREQ(t.remote, "192.0.2.1");
    EXPECT_EQ(t.mobike, 1);
}

TEST(BridgeConvert, MobikeAsGivenOverridesTheDefault) {
    gateway::LoadOptions o;
    o.getenv = [](const std::string&) -> std::optional<std::string> {
        return std::string("0123456789abcdef0123456789abcdef");
    };
    for (bool given : {false, true}) {
        auto r = gateway::load_config_text(R"({
          "gateway": {"name": "branch", "local": "auto", "underlay": "wan0"},
          "tunnels": [{"name": "hub", "remote": "192.0.2.1", "local_id": "branch.test",
                       "remote_id": "hub.test", "kind": "xfrm", "if_id": 1, "mobike": )" +
                                               std::string(given ? "true" : "false") + R"(,
                       "auth": {"psk_env": "P"}, "inside": {"local": "10.255.0.2/30"}}]})",
                                           o);
        ASSERT_TRUE(r.ok());
        std::string error;
        auto b = vtigwd::BridgeTunnels::build(*r.config, fixed_psk("0123456789abcdef"), error);
        ASSERT_TRUE(b) << error;
        EXPECT_EQ(b->tunnels()[0].mobike, given ? 1 : 0);
    }
}
