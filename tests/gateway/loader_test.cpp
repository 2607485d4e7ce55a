// SPDX-License-Identifier: GPL-2.0-or-later
// Loading: field reading, defaults, did-you-mean, all errors at once.
#include <gtest/gtest.h>

#include "test_util.h"

using namespace gateway;
using gwtest::base_config;
using gwtest::dump;
using gwtest::has_error;
using gwtest::load;
using nlohmann::json;

TEST(Loader, BaseConfigLoadsWithBuiltInDefaults) {
    auto r = load(base_config());
    ASSERT_TRUE(r.ok()) << dump(r);
    const Tunnel& t = r.config->tunnels.at(0);
    EXPECT_EQ(t.name, "t1");
    EXPECT_EQ(t.local.str(), "192.0.2.1");
    EXPECT_EQ(t.local_id, "192.0.2.1");
    EXPECT_EQ(t.remote_id, "198.51.100.1");
    EXPECT_EQ(t.ifname, "xfi-t1");
    EXPECT_EQ(t.kind, vti::LinkKind::Xfrm);
    EXPECT_EQ(t.ike_version, 2);
    EXPECT_EQ(t.auth.psk.kind, PskSource::Kind::Env);
    EXPECT_EQ(t.inside.remote4->str(), "169.254.10.2");
    EXPECT_EQ(t.routes.at(0).prefix.str(), "10.1.0.0/16");
    EXPECT_EQ(t.start_action, StartAction::Initiate);
    EXPECT_EQ(t.dpd.action, Dpd::Action::Restart);
    EXPECT_TRUE(t.nat.enabled);
    // aes256gcm16 with NAT-T on 1500: 1500-20-8-8-8-16 = 1440 -> 1438.
    EXPECT_EQ(t.mtu, 1438u);
    EXPECT_EQ(t.mss4, 1398u);
    EXPECT_EQ(t.mss6, 1378u);
    EXPECT_NE(t.key, 0u);
    EXPECT_NE(t.reqid, 0u);
}

TEST(Loader, AMarkWithoutAKindMakesAVti) {
    json c = base_config();
    c["tunnels"][0]["mark"] = 42;
    auto r = load(c);
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(r.config->tunnels.at(0).kind, vti::LinkKind::Vti);
    EXPECT_EQ(r.config->tunnels.at(0).ifname, "vti-t1");
    c["tunnels"][0].erase("mark");
    c["tunnels"][0]["if_id"] = 42;
    r = load(c);
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(r.config->tunnels.at(0).kind, vti::LinkKind::Xfrm);
}

TEST(Loader, AnExplicitKindWinsOverTheMarkRule) {
    json c = base_config();
    c["defaults"]["kind"] = "xfrm";
    c["tunnels"][0]["mark"] = 42;
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/0/mark", "vti")) << dump(r);
    c = base_config();
    c["defaults"]["kind"] = "vti";
    r = load(c);
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(r.config->tunnels.at(0).kind, vti::LinkKind::Vti);
}

TEST(Loader, AllFieldsRead) {
    json c = base_config();
    auto& t = c["tunnels"][0];
    t["kind"] = "xfrm";
    t["if_id"] = 77;
    t["reqid"] = 5;
    t["interface"] = "ipsec7";
    t["local_id"] = "gw.example.net";
    t["remote_id"] = "peer@example.net";
    t["ike_version"] = 1;
    t["ike_proposals"] = {"aes256-sha256-modp2048"};
    t["esp_proposals"] = "aes128-sha256";
    t["ike_lifetime"] = "8h";
    t["esp_lifetime"] = "1h";
    t["rekey_margin"] = "5m";
    t["rekey_fuzz"] = 50;
    t["replay_window"] = 128;
    t["dpd"] = {{"interval", "10s"}, {"timeout", 40}, {"action", "clear"}};
    t["start_action"] = "on-demand";
    t["nat_traversal"] = {{"enabled", true}, {"force_encap", true}, {"keepalive", 25}};
    t["mtu"] = 1400;
    t["mss"] = "off";
    t["underlay_mtu"] = 1492;
    t["routes"] = {{{"prefix", "10.1.0.0/16"}, {"metric", 50}, {"table", 100}}};
    t["inside"] = {{"local", "169.254.10.6/31"}, {"local6", "fd00::1/126"}, {"remote6", "fd00::2"}};
    auto r = load(c);
    ASSERT_TRUE(r.ok()) << dump(r);
    const Tunnel& x = r.config->tunnels[0];
    EXPECT_EQ(x.kind, vti::LinkKind::Xfrm);
    EXPECT_EQ(x.key, 77u);
    EXPECT_FALSE(x.key_auto);
    EXPECT_EQ(x.reqid, 5u);
    EXPECT_EQ(x.ifname, "ipsec7");
    EXPECT_EQ(x.local_id, "gw.example.net");
    EXPECT_EQ(x.remote_id, "peer@example.net");
    EXPECT_EQ(x.ike_version, 1);
    EXPECT_EQ(x.esp_proposals, std::vector<std::string>{"aes128-sha256"});
    EXPECT_EQ(x.ike_lifetime, 28800u);
    EXPECT_EQ(x.esp_lifetime, 3600u);
    EXPECT_EQ(x.rekey_margin, 300u);
    EXPECT_EQ(x.rekey_fuzz, 50u);
    EXPECT_EQ(x.replay_window, 128u);
    EXPECT_EQ(x.dpd.interval, 10u);
    EXPECT_EQ(x.dpd.timeout, 40u);
    EXPECT_EQ(x.dpd.action, Dpd::Action::Clear);
    EXPECT_EQ(x.start_action, StartAction::OnDemand);
    EXPECT_TRUE(x.nat.force_encap);
    EXPECT_EQ(x.nat.keepalive, 25u);
    EXPECT_EQ(x.mtu, 1400u);
    EXPECT_EQ(x.mss4, 0u);
    EXPECT_EQ(x.underlay_mtu, 1492u);
    EXPECT_EQ(x.routes[0].metric, 50u);
    EXPECT_EQ(x.routes[0].table, 100u);
    EXPECT_EQ(x.inside.remote4->str(), "169.254.10.7");
    EXPECT_EQ(x.inside.remote6->str(), "fd00::2");
}

TEST(Loader, DefaultsBlockAndTunnelOverride) {
    json c = base_config();
    c["defaults"] = {
        {"dpd", {{"interval", 5}, {"timeout", 20}}}, {"replay_window", 64}, {"metric", 300}};
    c["tunnels"].push_back(gwtest::second_tunnel());
    c["tunnels"][1]["replay_window"] = 256;
    c["tunnels"][1]["dpd"] = {{"timeout", 60}};
    auto r = load(c);
    ASSERT_TRUE(r.ok()) << dump(r);
    const auto& t1 = r.config->tunnels[0];
    const auto& t2 = r.config->tunnels[1];
    EXPECT_EQ(t1.replay_window, 64u);
    EXPECT_EQ(t1.dpd.interval, 5u);
    EXPECT_EQ(t1.dpd.timeout, 20u);
    EXPECT_EQ(t1.routes[0].metric, 300u);
    EXPECT_EQ(t2.replay_window, 256u);
    EXPECT_EQ(t2.dpd.interval, 5u);  // field-wise merge of dpd
    EXPECT_EQ(t2.dpd.timeout, 60u);
}

TEST(Loader, UnknownKeysWithSuggestions) {
    json c = base_config();
    c["tunnels"][0]["remtoe_id"] = "x";
    c["tunnels"][0]["dpd"] = {{"intervall", 5}};
    c["gateway"]["lokal"] = "192.0.2.1";
    c["tunnel"] = json::array();
    auto r = load(c);
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(has_error(r, "/tunnels/0/remtoe_id", "did you mean \"remote_id\"")) << dump(r);
    EXPECT_TRUE(has_error(r, "/tunnels/0/dpd/intervall", "did you mean \"interval\"")) << dump(r);
    EXPECT_TRUE(has_error(r, "/gateway/lokal", "did you mean \"local\"")) << dump(r);
    EXPECT_TRUE(has_error(r, "/tunnel", "did you mean \"tunnels\"")) << dump(r);
}

TEST(Loader, AllErrorsAtOnce) {
    json c = base_config();
    c["tunnels"].push_back(gwtest::second_tunnel());
    c["tunnels"][0]["inside"]["local"] = "169.254.10.1/29";
    c["tunnels"][0]["mtu"] = "big";
    c["tunnels"][1]["inside"]["local"] = "169.254.10.1/29";
    c["tunnels"][1]["start_action"] = "initiat";
    c["tunnels"][1]["dpd"] = {{"action", 3}};
    auto r = load(c);
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(has_error(r, "/tunnels/0/mtu", "expected \"auto\" or a number")) << dump(r);
    EXPECT_TRUE(has_error(r, "/tunnels/1/start_action", "did you mean \"initiate\"")) << dump(r);
    EXPECT_TRUE(has_error(r, "/tunnels/1/dpd/action", "expected \"clear\"")) << dump(r);
    EXPECT_GE(r.diagnostics.error_count(), 3u);
}

TEST(Loader, InsidePrefixErrorFormat) {
    json c = base_config();
    c["tunnels"].push_back(gwtest::second_tunnel());
    c["tunnels"][1]["inside"]["local"] = "169.254.10.1/29";
    auto r = load(c);
    bool found = false;
    for (const auto& d : r.diagnostics.items())
        if (d.str() ==
            "/tunnels/1/inside/local: \"169.254.10.1/29\" \u2014 inside prefix must be "
            "/30 or /31")
            found = true;
    EXPECT_TRUE(found) << dump(r);
}

TEST(Loader, GarbageDocuments) {
    for (const char* text : {"", "[]", "[1,2]", "42", "\"x\"", "null", "{", "{}"}) {
        auto r = gwtest::load_text(text);
        EXPECT_FALSE(r.ok()) << text;
        EXPECT_TRUE(r.diagnostics.has_errors()) << text;
    }
    auto r = gwtest::load_text("[]");
    EXPECT_TRUE(has_error(r, "", "expected an object")) << dump(r);
}

TEST(Loader, MissingRequiredFields) {
    json c = base_config();
    c["tunnels"][0].erase("remote");
    c["tunnels"][0].erase("name");
    c["tunnels"][0].erase("auth");
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/0", "missing \"name\"")) << dump(r);
    EXPECT_TRUE(has_error(r, "/tunnels/0", "missing \"remote\"")) << dump(r);
    json g = base_config();
    g["gateway"].erase("local");
    g["tunnels"][0].erase("auth");
    auto r2 = load(g);
    EXPECT_TRUE(has_error(r2, "/gateway", "missing \"local\"")) << dump(r2);
    EXPECT_TRUE(has_error(r2, "/tunnels/0", "missing \"auth\"")) << dump(r2);
}

TEST(Loader, TypeAndRangeErrors) {
    json c = base_config();
    auto& t = c["tunnels"][0];
    t["remote"] = "198.51.100.300";
    t["replay_window"] = -1;
    t["rekey_fuzz"] = 101;
    t["ike_version"] = 3;
    t["ike_lifetime"] = "8x";
    t["nat_traversal"] = {{"enabled", "yes"}};
    t["routes"] = {"10.1.0.0"};
    t["name"] = "bad name!";
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/0/remote", "expected an IPv4 or IPv6 address")) << dump(r);
    EXPECT_TRUE(has_error(r, "/tunnels/0/replay_window", "from 0 to 65536")) << dump(r);
    EXPECT_TRUE(has_error(r, "/tunnels/0/rekey_fuzz", "from 0 to 100")) << dump(r);
    EXPECT_TRUE(has_error(r, "/tunnels/0/ike_version", "from 1 to 2")) << dump(r);
    EXPECT_TRUE(has_error(r, "/tunnels/0/ike_lifetime", "expected seconds")) << dump(r);
    EXPECT_TRUE(has_error(r, "/tunnels/0/nat_traversal/enabled", "true or false")) << dump(r);
    EXPECT_TRUE(has_error(r, "/tunnels/0/routes/0", "prefix length")) << dump(r);
    EXPECT_TRUE(has_error(r, "/tunnels/0/name", "tunnel name must be")) << dump(r);
}

TEST(Loader, MetricsEndpointOffByDefaultLoopbackWhenOn) {
    auto off = load(base_config());
    ASSERT_TRUE(off.ok()) << dump(off);
    EXPECT_FALSE(off.config->gateway.metrics.enabled);

    auto j = base_config();
    j["gateway"]["metrics"] = nlohmann::json::object();
    auto on = load(j);
    ASSERT_TRUE(on.ok()) << dump(on);
    EXPECT_TRUE(on.config->gateway.metrics.enabled);
    EXPECT_EQ(on.config->gateway.metrics.address.str(), "127.0.0.1");
    EXPECT_EQ(on.config->gateway.metrics.port, 9814);

    j["gateway"]["metrics"]["listen"] = ":9100";
    auto port_only = load(j);
    ASSERT_TRUE(port_only.ok()) << dump(port_only);
    EXPECT_EQ(port_only.config->gateway.metrics.address.str(), "127.0.0.1");
    EXPECT_EQ(port_only.config->gateway.metrics.port, 9100);

    j["gateway"]["metrics"]["listen"] = "[::1]:9814";
    auto v6 = load(j);
    ASSERT_TRUE(v6.ok()) << dump(v6);
    EXPECT_EQ(v6.config->gateway.metrics.address.str(), "::1");
}

TEST(Loader, MetricsListenErrorsNameTheField) {
    for (const char* bad : {"127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", "::1:9814",
                            "localhost:9814", "10.0.0.300:1"}) {
        auto j = base_config();
        j["gateway"]["metrics"]["listen"] = bad;
        auto r = load(j);
        EXPECT_FALSE(r.ok()) << bad;
        EXPECT_TRUE(has_error(r, "/gateway/metrics/listen", "")) << bad << "\n" << dump(r);
    }
    auto j = base_config();
    j["gateway"]["metrics"]["lisen"] = ":1";
    EXPECT_TRUE(has_error(load(j), "/gateway/metrics/lisen", "listen")) << dump(load(j));
}
