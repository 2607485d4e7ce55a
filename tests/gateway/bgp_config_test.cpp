// SPDX-License-Identifier: GPL-2.0-or-later
// Loading and validating the BGP blocks: one test per rule, each checking the JSON pointer.
#include <gtest/gtest.h>

#include "test_util.h"

using namespace gateway;
using gwtest::bgp_config;
using gwtest::dump;
using gwtest::has_error;
using gwtest::load;
using gwtest::second_tunnel;
using nlohmann::json;

namespace {

const TunnelBgp& session(const LoadResult& r, size_t i) {
    return *r.config->tunnels.at(i).bgp;
}

}  // namespace

TEST(BgpConfig, MinimalSessionsTakeTheInsideRemoteAndGenericProfile) {
    auto r = load(bgp_config());
    ASSERT_TRUE(r.ok()) << dump(r);
    ASSERT_TRUE(r.config->bgp);
    EXPECT_EQ(r.config->bgp->asn, 65010u);
    EXPECT_EQ(r.config->bgp->router_id.str(), "10.80.0.11");
    EXPECT_EQ(r.config->bgp->maximum_paths, 4u);
    EXPECT_TRUE(r.config->bgp->frr.managed);
    EXPECT_FALSE(r.config->bgp->frr.kernel_nexthop_groups);
    ASSERT_EQ(r.config->bgp->accept.size(), 2u);
    EXPECT_EQ(r.config->bgp->accept[0].prefix.str(), "10.1.0.0/16");
    EXPECT_EQ(r.config->bgp->accept[1].le, 24);
    const TunnelBgp& b = session(r, 0);
    EXPECT_EQ(b.peer.str(), "169.254.10.2");
    EXPECT_EQ(session(r, 1).peer.str(), "169.254.11.2");
    EXPECT_EQ(b.profile, BgpProfile::Generic);
    EXPECT_EQ(b.keepalive, 10u);
    EXPECT_EQ(b.hold, 30u);
    EXPECT_TRUE(b.bfd_profile.empty());
    EXPECT_FALSE(b.passive);
}

TEST(BgpConfig, ProviderProfilesFollowTheTunnelProfile) {
    struct Case {
        const char* tunnel_profile;
        BgpProfile expect;
        uint32_t keepalive, hold, max_out;
    };
    for (const Case& k :
         {Case{"aws", BgpProfile::Aws, 10, 30, 100}, Case{"gcp", BgpProfile::Gcp, 20, 60, 0}}) {
        json c = bgp_config();
        c["tunnels"].erase(1);
        c["tunnels"][0]["profile"] = k.tunnel_profile;
        auto r = load(c);
        ASSERT_TRUE(r.ok()) << k.tunnel_profile << dump(r);
        EXPECT_EQ(session(r, 0).profile, k.expect);
        EXPECT_EQ(session(r, 0).keepalive, k.keepalive);
        EXPECT_EQ(session(r, 0).hold, k.hold);
        EXPECT_EQ(session(r, 0).max_prefix_out, k.max_out);
    }
}

TEST(BgpConfig, AzureProfileOnAnApipaPeer) {
    json c = bgp_config();
    c["tunnels"].erase(1);
    c["tunnels"][0]["inside"] = {{"local", "169.254.21.2/30"}};
    c["tunnels"][0]["bgp"]["profile"] = "azure";
    c["tunnels"][0]["bgp"]["peer_asn"] = 65515;  // Azure's own ASN is fine for the peer
    auto r = load(c);
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(session(r, 0).keepalive, 60u);
    EXPECT_EQ(session(r, 0).hold, 180u);
    EXPECT_EQ(session(r, 0).max_prefix_out, 4000u);
}

TEST(BgpConfig, VtigwProfileHasFastTimersAndDefaultBfd) {
    json c = bgp_config();
    c["tunnels"][0]["bgp"]["profile"] = "vtigw";
    auto r = load(c);
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(session(r, 0).keepalive, 3u);
    EXPECT_EQ(session(r, 0).hold, 9u);
    EXPECT_EQ(session(r, 0).connect, 5u);
    EXPECT_EQ(session(r, 0).bfd_profile, "default");
    ASSERT_EQ(r.config->bgp->bfd_profiles.size(), 1u);
    EXPECT_EQ(r.config->bgp->bfd_profiles[0].name, "default");
    EXPECT_EQ(r.config->bgp->bfd_profiles[0].tx_ms, 300u);
}

TEST(BgpConfig, ExplicitFieldsWinOverTheProfile) {
    json c = bgp_config();
    c["bgp"]["bfd_profiles"] = {{"slow", {{"tx_ms", 1000}, {"rx_ms", 900}, {"multiplier", 5}}}};
    c["tunnels"][0]["bgp"].update({{"profile", "vtigw"},
                                   {"keepalive", 5},
                                   {"hold", 15},
                                   {"bfd", "slow"},
                                   {"med", 150},
                                   {"prepend", 2},
                                   {"max_prefix_in", 500},
                                   {"announce", {"10.81.0.0/24"}},
                                   {"accept", json::array()}});
    c["tunnels"][1]["bgp"]["bfd"] = false;
    c["tunnels"][1]["bgp"]["profile"] = "vtigw";
    auto r = load(c);
    ASSERT_TRUE(r.ok()) << dump(r);
    const TunnelBgp& b = session(r, 0);
    EXPECT_EQ(b.keepalive, 5u);
    EXPECT_EQ(b.hold, 15u);
    EXPECT_EQ(b.bfd_profile, "slow");
    EXPECT_EQ(b.med, 150u);
    EXPECT_EQ(b.prepend, 2u);
    EXPECT_EQ(b.max_prefix_in, 500u);
    ASSERT_TRUE(b.announce);
    EXPECT_EQ(b.announce->at(0).str(), "10.81.0.0/24");
    ASSERT_TRUE(b.accept);
    EXPECT_TRUE(b.accept->empty());
    EXPECT_TRUE(session(r, 1).bfd_profile.empty());
    EXPECT_EQ(r.config->bgp->bfd_profiles.size(), 1u);  // "default" unused, not added
}

TEST(BgpConfig, TunnelBgpNeedsTheGatewayBlock) {
    json c = bgp_config();
    c.erase("bgp");
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/0/bgp", "needs the gateway-level \"bgp\"")) << dump(r);
}

TEST(BgpConfig, GatewayBlockNeedsAsnAndIpv4RouterId) {
    json c = bgp_config();
    c["bgp"].erase("asn");
    c["bgp"]["router_id"] = "2001:db8::1";
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/bgp", "missing \"asn\"")) << dump(r);
    EXPECT_TRUE(has_error(r, "/bgp/router_id", "IPv4")) << dump(r);
    // Tunnels are not checked against a broken gateway block (no cascade of errors).
    EXPECT_FALSE(has_error(r, "/tunnels/0/bgp", "needs the gateway-level")) << dump(r);
}

TEST(BgpConfig, BadAsnsAreRefused) {
    for (json asn :
         {json(0), json(4294967295u), json(23456), json(65535), json(-1), json("65010")}) {
        json c = bgp_config();
        c["bgp"]["asn"] = asn;
        auto r = load(c);
        EXPECT_TRUE(has_error(r, "/bgp/asn", "ASN")) << asn << dump(r);
    }
    json c = bgp_config();
    c["tunnels"][1]["bgp"]["peer_asn"] = 0;
    EXPECT_TRUE(has_error(load(c), "/tunnels/1/bgp/peer_asn", "ASN"));
    c["tunnels"][1]["bgp"].erase("peer_asn");
    EXPECT_TRUE(has_error(load(c), "/tunnels/1/bgp", "missing \"peer_asn\""));
    c = bgp_config();
    c["bgp"]["asn"] = 4200000000u;  // 32-bit private ASNs are fine
    EXPECT_TRUE(load(c).ok());
}

TEST(BgpConfig, LocalAsnEqualToPeerAsnIsRefused) {
    json c = bgp_config();
    c["tunnels"][1]["bgp"]["peer_asn"] = 65010;
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/1/bgp/peer_asn", "equals the local ASN")) << dump(r);
}

TEST(BgpConfig, PeerOutsideTheInsidePrefixNeedsMultihop) {
    json c = bgp_config();
    c["tunnels"][0]["bgp"]["peer"] = "10.0.0.4";
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/0/bgp/peer", "not on the tunnel's inside prefix"))
        << dump(r);
    c["tunnels"][0]["bgp"]["peer"] = "169.254.10.1";  // our own inside address
    EXPECT_TRUE(has_error(load(c), "/tunnels/0/bgp/peer", "not on the tunnel's inside prefix"));
    c["tunnels"][0]["bgp"]["peer"] = "10.0.0.4";
    c["tunnels"][0]["bgp"]["multihop"] = 2;
    r = load(c);
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(session(r, 0).multihop, 2u);
}

TEST(BgpConfig, TunnelWithoutInsideAddressesNeedsAPeer) {
    json c = bgp_config();
    c["tunnels"][0].erase("inside");
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/0/bgp", "missing \"peer\"")) << dump(r);
}

TEST(BgpConfig, BfdTowardACloudIsRefused) {
    for (const char* profile : {"aws", "azure", "gcp"}) {
        json c = bgp_config();
        c["tunnels"][0]["inside"] = {{"local", "169.254.21.2/30"}};
        c["tunnels"][0]["bgp"]["profile"] = profile;
        c["tunnels"][0]["bgp"]["bfd"] = true;
        auto r = load(c);
        EXPECT_TRUE(has_error(r, "/tunnels/0/bgp/bfd", "does not offer BFD")) << profile << dump(r);
    }
}

TEST(BgpConfig, UnknownBfdProfileIsRefused) {
    json c = bgp_config();
    c["bgp"]["bfd_profiles"] = {{"fast", {{"tx_ms", 100}}}};
    c["tunnels"][0]["bgp"]["bfd"] = "fats";
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/0/bgp/bfd", "unknown BFD profile")) << dump(r);
}

TEST(BgpConfig, BfdProfileValuesAreBounded) {
    json c = bgp_config();
    c["bgp"]["bfd_profiles"] = {{"fast", {{"tx_ms", 5}, {"multiplier", 1}}},
                                {"bad name", json::object()}};
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/bgp/bfd_profiles/fast/tx_ms", "from 10 to 60000")) << dump(r);
    EXPECT_TRUE(has_error(r, "/bgp/bfd_profiles/fast/multiplier", "from 2 to 255")) << dump(r);
    EXPECT_TRUE(has_error(r, "/bgp/bfd_profiles/bad name", "profile name")) << dump(r);
}

TEST(BgpConfig, AwsRefusesMoreThan100AnnouncedPrefixes) {
    json c = bgp_config();
    c["tunnels"].erase(1);
    c["tunnels"][0]["profile"] = "aws";
    json announce = json::array();
    for (int i = 0; i < 101; ++i) announce.push_back("10." + std::to_string(i) + ".0.0/16");
    c["bgp"]["announce"] = announce;
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/bgp/announce", "at most 100")) << dump(r);
    announce.erase(announce.size() - 1);
    c["bgp"]["announce"] = announce;
    EXPECT_TRUE(load(c).ok());
    // A per-tunnel list is counted on its own, and named by its own pointer.
    c["tunnels"][0]["bgp"]["announce"] = announce;
    c["tunnels"][0]["bgp"]["announce"].push_back("10.200.0.0/16");
    EXPECT_TRUE(has_error(load(c), "/tunnels/0/bgp/announce", "at most 100"));
}

TEST(BgpConfig, AzureRulesApipaRangeReservedAsnsAndNeverPassive) {
    json c = bgp_config();
    c["tunnels"].erase(1);
    c["tunnels"][0]["bgp"]["profile"] = "azure";  // inside 169.254.10.0/30: not Azure's range
    c["tunnels"][0]["bgp"]["passive"] = true;
    c["bgp"]["asn"] = 65515;
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/0/bgp", "169.254.21.0 to 169.254.22.255")) << dump(r);
    EXPECT_TRUE(has_error(r, "/tunnels/0/bgp/passive", "vtigw must connect")) << dump(r);
    EXPECT_TRUE(has_error(r, "/bgp/asn", "reserved by Azure")) << dump(r);
    for (uint32_t asn : {8074u, 8075u, 12076u, 65517u, 65520u, 64496u}) {
        c["bgp"]["asn"] = asn;
        EXPECT_TRUE(has_error(load(c), "/bgp/asn", "reserved by Azure")) << asn;
    }
}

TEST(BgpConfig, DuplicatePeerAddressesAreRefused) {
    json c = bgp_config();
    c["tunnels"][1]["bgp"]["peer"] = "169.254.10.2";
    c["tunnels"][1]["bgp"]["multihop"] = 2;
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/1/bgp", "same BGP peer address as tunnel t1")) << dump(r);
}

TEST(BgpConfig, PrefixRulesAreChecked) {
    json c = bgp_config();
    c["bgp"]["announce"] = {"10.80.0.1/24", "10.81.0.0/24", "10.81.0.0/24"};
    c["bgp"]["accept"] = {{{"prefix", "10.0.0.0/8"}, {"ge", 8}},
                          {{"prefix", "10.0.0.0/8"}, {"ge", 24}, {"le", 16}},
                          {{"prefix", "10.0.0.0/8"}, {"le", 33}},
                          {{"le", 24}}};
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/bgp/announce/0", "host bits set")) << dump(r);
    EXPECT_TRUE(has_error(r, "/bgp/announce/2", "listed twice")) << dump(r);
    EXPECT_TRUE(has_error(r, "/bgp/accept/0/ge", "from 9 to 32")) << dump(r);
    EXPECT_TRUE(has_error(r, "/bgp/accept/1/le", "at least ge")) << dump(r);
    EXPECT_TRUE(has_error(r, "/bgp/accept/2/le", "from 9 to 32")) << dump(r);
    EXPECT_TRUE(has_error(r, "/bgp/accept/3", "missing \"prefix\"")) << dump(r);
}

TEST(BgpConfig, TimersAreChecked) {
    json c = bgp_config();
    c["tunnels"][0]["bgp"]["keepalive"] = 30;
    c["tunnels"][0]["bgp"]["hold"] = 20;
    EXPECT_TRUE(has_error(load(c), "/tunnels/0/bgp/hold", "longer than keepalive"));
    c["tunnels"][0]["bgp"]["hold"] = 2;
    EXPECT_TRUE(has_error(load(c), "/tunnels/0/bgp/hold", "at least 3"));
    c["tunnels"][0]["bgp"]["hold"] = 0;  // 0 disables keepalives and the hold timer
    EXPECT_TRUE(load(c).ok());
}

TEST(BgpConfig, RoutesOfABgpGatewayMustFitStaticd) {
    json c = bgp_config();
    c["tunnels"][0]["routes"] = {{{"prefix", "10.9.0.0/16"}, {"metric", 256}},
                                 {{"prefix", "10.8.0.0/16"}, {"table", 100}}};
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/0/routes/0", "administrative distance")) << dump(r);
    EXPECT_TRUE(has_error(r, "/tunnels/0/routes/1", "main table")) << dump(r);
    c.erase("bgp");
    for (auto& t : c["tunnels"]) t.erase("bgp");
    EXPECT_TRUE(load(c).ok()) << "only BGP gateways restrict routes";
}

TEST(BgpConfig, PasswordFromEnvironmentOrPrivateFile) {
    gwtest::TempDir dir;
    json c = bgp_config();
    c["tunnels"][0]["bgp"]["password_env"] = "VTIGW_TEST_PSK";
    c["tunnels"][1]["bgp"]["password_file"] = dir.write("bgp.pw", "s3cret\n", 0644);
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/1/bgp/password_file", "accessible by group or others"))
        << dump(r);
    EXPECT_EQ(dump(r).find("s3cret"), std::string::npos);
    c["tunnels"][1]["bgp"]["password_file"] = dir.write("bgp2.pw", "has blank\n", 0600);
    r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/1/bgp/password_file", "without blanks")) << dump(r);
    EXPECT_EQ(dump(r).find("has blank"), std::string::npos);
    c["tunnels"][1]["bgp"]["password_file"] = dir.write("bgp3.pw", "s3cret\n", 0600);
    r = load(c);
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(session(r, 0).password->kind, PskSource::Kind::Env);
    c["tunnels"][1]["bgp"]["password_env"] = "the secret itself";
    r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/1/bgp", "either \"password_file\" or \"password_env\""));
}

TEST(BgpConfig, UnknownKeysGetADidYouMean) {
    json c = bgp_config();
    c["bgp"]["anounce"] = json::array();
    c["tunnels"][0]["bgp"]["peer_as"] = 1;
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/bgp/anounce", "did you mean \"announce\"")) << dump(r);
    EXPECT_TRUE(has_error(r, "/tunnels/0/bgp/peer_as", "did you mean \"peer_asn\"")) << dump(r);
}

TEST(BgpConfig, FrrSettings) {
    json c = bgp_config();
    c["bgp"]["frr"] = {{"managed", false},
                       {"pathspace", "gw-a"},
                       {"reload_timeout", "2m"},
                       {"kernel_nexthop_groups", true}};
    c["bgp"]["maximum_paths"] = 1;
    auto r = load(c);
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_FALSE(r.config->bgp->frr.managed);
    EXPECT_EQ(r.config->bgp->frr.pathspace, "gw-a");
    EXPECT_EQ(r.config->bgp->frr.reload_timeout, 120u);
    EXPECT_TRUE(r.config->bgp->frr.kernel_nexthop_groups);
    EXPECT_EQ(r.config->bgp->maximum_paths, 1u);
    c["bgp"]["frr"]["pathspace"] = "../etc";
    c["bgp"]["maximum_paths"] = 0;
    r = load(c);
    EXPECT_TRUE(has_error(r, "/bgp/frr/pathspace", "pathspace")) << dump(r);
    EXPECT_TRUE(has_error(r, "/bgp/maximum_paths", "from 1 to 64")) << dump(r);
}

TEST(BgpConfig, FrrExtraConfigLinesAreOneLineEach) {
    json c = bgp_config();
    c["bgp"]["frr"] = {{"extra_config",
                        {"bgp community-list standard cl permit 65000:1", "router bgp 65010",
                         " bgp log-neighbor-changes"}}};
    auto r = load(c);
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(r.config->bgp->frr.extra_config,
              (std::vector<std::string>{"bgp community-list standard cl permit 65000:1",
                                        "router bgp 65010", " bgp log-neighbor-changes"}));
    c["bgp"]["frr"]["extra_config"] = {"ok line", "two\nlines", "  ",
                                       7,         "tab\there",  std::string(513, 'x')};
    r = load(c);
    EXPECT_FALSE(has_error(r, "/bgp/frr/extra_config/0", "")) << dump(r);
    EXPECT_TRUE(has_error(r, "/bgp/frr/extra_config/1", "line break")) << dump(r);
    EXPECT_TRUE(has_error(r, "/bgp/frr/extra_config/2", "blank")) << dump(r);
    EXPECT_TRUE(has_error(r, "/bgp/frr/extra_config/3", "expected a string")) << dump(r);
    EXPECT_TRUE(has_error(r, "/bgp/frr/extra_config/4", "control character")) << dump(r);
    EXPECT_TRUE(has_error(r, "/bgp/frr/extra_config/5", "512")) << dump(r);
    c["bgp"]["frr"]["extra_config"] = "bgp log-neighbor-changes";
    r = load(c);
    EXPECT_TRUE(has_error(r, "/bgp/frr/extra_config", "array")) << dump(r);
}
