// SPDX-License-Identifier: GPL-2.0-or-later
// gateway::Config -> frr::Config -> text: what a loaded file asks of FRR.
#include "gateway/frr_desired.h"

#include <gtest/gtest.h>

#include <sstream>

#include "frr/render.h"
#include "test_util.h"

using namespace gateway;
using gwtest::base_config;
using gwtest::dump;
using gwtest::load;
using gwtest::second_tunnel;
using nlohmann::json;

namespace {

// Two vtigw peers, the second with MED 200; everything in 10/8 up to /24 accepted.
json vtigw_peers() {
    json c = gwtest::bgp_config();
    c["bgp"]["accept"] = {{{"prefix", "10.0.0.0/8"}, {"le", 24}}};
    c["tunnels"][0]["bgp"]["profile"] = "vtigw";
    c["tunnels"][1]["bgp"].update({{"profile", "vtigw"}, {"med", 200}});
    return c;
}

frr::Config convert(const json& j) {
    auto r = load(j);
    EXPECT_TRUE(r.ok()) << dump(r);
    if (!r.ok()) return {};
    std::string error;
    auto c = to_frr_config(*r.config, placeholder_password_reader(), "gw-host", error);
    EXPECT_TRUE(c) << error;
    return c ? *c : frr::Config{};
}

bool has_line(const std::string& text, const std::string& line) {
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        if (l == line) return true;
    return false;
}

}  // namespace

TEST(FrrDesired, NeighborPerTunnelWithProfileValues) {
    frr::Config c = convert(vtigw_peers());
    EXPECT_EQ(c.asn, 65010u);
    EXPECT_EQ(c.router_id, "10.80.0.11");
    EXPECT_EQ(c.hostname, "gw-host");
    EXPECT_FALSE(c.kernel_nexthop_groups);
    ASSERT_EQ(c.neighbors.size(), 2u);
    const frr::Neighbor& n = c.neighbors[0];
    EXPECT_EQ(n.address, "169.254.10.2");
    EXPECT_EQ(n.asn, 65020u);
    EXPECT_EQ(n.description, "t1");
    EXPECT_EQ(n.interface, "xfi-t1");
    EXPECT_EQ(n.keepalive_s, 3u);
    EXPECT_EQ(n.hold_s, 9u);
    EXPECT_EQ(n.connect_s, 5u);
    EXPECT_EQ(n.bfd_profile, "default");
    EXPECT_FALSE(n.med_out);
    EXPECT_EQ(c.neighbors[1].med_out, 200u);
    ASSERT_EQ(c.bfd_profiles.size(), 1u);
    EXPECT_EQ(c.bfd_profiles[0].name, "default");
    EXPECT_EQ(c.announce_v4, std::vector<std::string>{"10.80.0.0/24"});
    ASSERT_EQ(c.accept.size(), 1u);
    EXPECT_EQ(c.accept[0], (frr::PrefixRule{"10.0.0.0/8", 0, 24}));
}

TEST(FrrDesired, RoutesMoveIntoStaticdWithMetricAsDistance) {
    json j = vtigw_peers();
    j["tunnels"][1]["routes"] = {{{"prefix", "10.1.0.0/16"}, {"metric", 200}}};
    frr::Config c = convert(j);
    ASSERT_EQ(c.static_routes.size(), 2u);
    EXPECT_EQ(c.static_routes[0], (frr::StaticRoute{"10.1.0.0/16", std::nullopt, "xfi-t1", 1}));
    EXPECT_EQ(c.static_routes[1], (frr::StaticRoute{"10.1.0.0/16", std::nullopt, "xfi-t2", 200}));
    std::string text = frr::render(c);
    EXPECT_TRUE(has_line(text, "ip route 10.1.0.0/16 xfi-t1")) << text;
    EXPECT_TRUE(has_line(text, "ip route 10.1.0.0/16 xfi-t2 200")) << text;
}

TEST(FrrDesired, MultihopPeerGetsAHostRouteIntoItsTunnel) {
    json j = vtigw_peers();
    j["tunnels"][0]["bgp"] = {{"peer", "10.0.0.4"}, {"peer_asn", 65020}, {"multihop", 2}};
    frr::Config c = convert(j);
    EXPECT_NE(std::find(c.static_routes.begin(), c.static_routes.end(),
                        frr::StaticRoute{"10.0.0.4/32", std::nullopt, "xfi-t1", 1}),
              c.static_routes.end());
    std::string text = frr::render(c);
    EXPECT_TRUE(has_line(text, " neighbor 10.0.0.4 ebgp-multihop 2")) << text;
    EXPECT_TRUE(has_line(text, "ip route 10.0.0.4/32 xfi-t1")) << text;
}

TEST(FrrDesired, PerTunnelAnnounceIsOriginatedAndFiltered) {
    json j = vtigw_peers();
    j["tunnels"][1]["bgp"]["announce"] = {"10.81.0.0/24", "2001:db8:81::/48"};
    j["tunnels"][1]["bgp"]["accept"] = json::array();
    frr::Config c = convert(j);
    EXPECT_EQ(c.announce_v4, (std::vector<std::string>{"10.80.0.0/24", "10.81.0.0/24"}));
    EXPECT_EQ(c.announce_v6, std::vector<std::string>{"2001:db8:81::/48"});
    std::string text = frr::render(c);
    EXPECT_TRUE(has_line(text, "ip prefix-list vtigw-t2-announce seq 5 permit 10.81.0.0/24"));
    EXPECT_TRUE(has_line(text, "route-map vtigw-t2-in deny 10"));
    EXPECT_TRUE(has_line(text, "  network 2001:db8:81::/48"));
}

TEST(FrrDesired, PasswordsAreReadOnlyThroughTheReader) {
    json j = vtigw_peers();
    j["tunnels"][0]["bgp"]["password_env"] = "VTIGW_TEST_PSK";
    auto r = load(j);
    ASSERT_TRUE(r.ok()) << dump(r);
    std::string error;
    int calls = 0;
    PasswordReader reader = [&](const PskSource& s, std::string&) {
        ++calls;
        EXPECT_EQ(s.location, "VTIGW_TEST_PSK");
        return std::optional<Secret>(Secret("pw-from-env"));
    };
    auto c = to_frr_config(*r.config, reader, "", error);
    ASSERT_TRUE(c) << error;
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(c->neighbors[0].password, "pw-from-env");
    EXPECT_TRUE(has_line(frr::render(*c), " neighbor 169.254.10.2 password pw-from-env"));
    EXPECT_EQ(frr::render_redacted(*c).find("pw-from-env"), std::string::npos);

    PasswordReader failing = [](const PskSource&, std::string& why) {
        why = "environment variable is not set";
        return std::optional<Secret>();
    };
    EXPECT_FALSE(to_frr_config(*r.config, failing, "", error));
    EXPECT_EQ(error, "tunnel t1: BGP password environment variable is not set");
}

TEST(FrrDesired, FileOrderDoesNotChangeTheText) {
    json a = vtigw_peers();
    json b = a;
    std::swap(b["tunnels"][0], b["tunnels"][1]);
    EXPECT_EQ(frr::render(convert(a)), frr::render(convert(b)));
}

TEST(FrrDesired, AddingATunnelKeepsTheOtherNeighborsLines) {
    json before = vtigw_peers();
    json after = before;
    json t3 = second_tunnel();
    t3["name"] = "a0";
    t3["remote"] = "198.51.100.3";
    t3["inside"] = {{"local", "169.254.12.1/30"}};
    t3["routes"] = {"10.3.0.0/16"};
    t3["bgp"] = {{"peer_asn", 65030}};
    after["tunnels"].push_back(t3);
    std::string old_text = frr::render(convert(before));
    std::string new_text = frr::render(convert(after));
    std::istringstream in(old_text);
    for (std::string l; std::getline(in, l);)
        if (l != "!" && l != " !") {
            EXPECT_TRUE(has_line(new_text, l)) << "lost: " << l;
        }
    EXPECT_TRUE(has_line(new_text, " neighbor 169.254.12.2 remote-as 65030"));
    EXPECT_TRUE(frr::invalid_reason(convert(after)).empty());
}

TEST(FrrDesired, OnlyBgpGatewaysConvert) {
    auto r = load(base_config());
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(runs_bgp(*r.config));
    std::string error;
    EXPECT_FALSE(to_frr_config(*r.config, placeholder_password_reader(), "", error));
    EXPECT_NE(error.find("no \"bgp\""), std::string::npos);
}

TEST(FrrDesired, ExtraConfigLinesEndTheText) {
    json j = vtigw_peers();
    j["bgp"]["frr"] = {
        {"extra_config", {"route-map extra permit 10", " set local-preference 200"}}};
    frr::Config c = convert(j);
    EXPECT_EQ(c.extra_lines,
              (std::vector<std::string>{"route-map extra permit 10", " set local-preference 200"}));
    std::string text = frr::render(c);
    EXPECT_TRUE(
        text.ends_with("exit\n!\nroute-map extra permit 10\n set local-preference 200\n!\n"))
        << text;
}
