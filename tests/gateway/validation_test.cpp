// SPDX-License-Identifier: GPL-2.0-or-later
// One test per validation rule.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "test_util.h"

using namespace gateway;
using gwtest::base_config;
using gwtest::dump;
using gwtest::has_error;
using gwtest::has_warning;
using gwtest::load;
using gwtest::second_tunnel;
using nlohmann::json;

namespace {

json two_tunnels() {
    json c = base_config();
    c["tunnels"].push_back(second_tunnel());
    return c;
}

}  // namespace

TEST(Validation, TwoTunnelBaseIsValid) {
    auto r = load(two_tunnels());
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_NE(r.config->tunnels[0].key, r.config->tunnels[1].key);
    EXPECT_NE(r.config->tunnels[0].reqid, r.config->tunnels[1].reqid);
}

TEST(Validation, DuplicateNames) {
    json c = two_tunnels();
    c["tunnels"][1]["name"] = "t1";
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/1/name", "already used by /tunnels/0")) << dump(r);
}

TEST(Validation, DuplicateMarks) {
    json c = two_tunnels();
    c["tunnels"][0]["mark"] = 42;
    c["tunnels"][1]["mark"] = 42;
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/1/mark", "already used by tunnel \"t1\"")) << dump(r);
}

TEST(Validation, DuplicateInterfaces) {
    json c = two_tunnels();
    c["tunnels"][0]["interface"] = "vti9";
    c["tunnels"][1]["interface"] = "vti9";
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/1/interface", "interface already used")) << dump(r);
    // Derived names collide: long names sharing their first 6 characters and hash are unlikely,
    // but an explicit name equal to a derived one is easy.
    json d = two_tunnels();
    d["tunnels"][1]["interface"] = "xfi-t1";
    auto r2 = load(d);
    EXPECT_FALSE(r2.ok()) << dump(r2);
}

TEST(Validation, DuplicateReqids) {
    json c = two_tunnels();
    c["tunnels"][0]["reqid"] = 7;
    c["tunnels"][1]["reqid"] = 7;
    EXPECT_TRUE(has_error(load(c), "/tunnels/1/reqid", "already used"));
}

TEST(Validation, DuplicateRemoteAndIdentity) {
    json c = two_tunnels();
    c["tunnels"][1]["remote"] = "198.51.100.1";
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/1/remote", "same remote address and remote_id")) << dump(r);
    c["tunnels"][1]["remote_id"] = "second@peer";
    // Two tunnels to one peer address must be XFRM interfaces (VtiSharingOuterAddresses).
    c["tunnels"][0]["kind"] = "xfrm";
    c["tunnels"][1]["kind"] = "xfrm";
    EXPECT_TRUE(load(c).ok()) << dump(load(c));
}

TEST(Validation, VtiSharingOuterAddresses) {
    // Same remote, distinct identities: fine for XFRM interfaces, which the kernel tells apart by
    // the SA's if_id; a VTI would take every ESP packet between the two addresses.
    json c = two_tunnels();
    c["tunnels"][1]["remote"] = "198.51.100.1";
    c["tunnels"][1]["remote_id"] = "second@peer";
    c["tunnels"][0]["kind"] = "vti";
    c["tunnels"][1]["kind"] = "xfrm";
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/1/remote", "one of them is a VTI")) << dump(r);
    c["tunnels"][0]["kind"] = "xfrm";
    EXPECT_TRUE(load(c).ok()) << dump(load(c));
    // Two VTIs between the same addresses: refused too (the kernel would refuse the second).
    c["tunnels"][0]["kind"] = "vti";
    c["tunnels"][1]["kind"] = "vti";
    EXPECT_TRUE(has_error(load(c), "/tunnels/1/remote", "use kind \"xfrm\""));
    // A VTI next to XFRM interfaces is fine on another local address.
    c["tunnels"][1]["kind"] = "xfrm";
    c["tunnels"].push_back(c["tunnels"][1]);
    c["tunnels"][2]["name"] = "t3";
    c["tunnels"][2]["remote_id"] = "third@peer";
    c["tunnels"][2]["inside"] = {{"local", "169.254.12.1/30"}};
    c["tunnels"][2]["routes"] = json::array();
    c["gateway"]["local"] = {"192.0.2.1", "192.0.2.2"};
    c["tunnels"][0]["local"] = "192.0.2.2";
    EXPECT_TRUE(load(c).ok()) << dump(load(c));
}

TEST(Validation, OverlappingRoutesBetweenTunnels) {
    json c = two_tunnels();
    c["tunnels"][1]["routes"] = {"10.1.128.0/17"};
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/1/routes/0", "overlaps 10.1.0.0/16")) << dump(r);
    // Same prefix, same metric: ambiguous.
    c["tunnels"][1]["routes"] = {"10.1.0.0/16"};
    EXPECT_TRUE(has_error(load(c), "/tunnels/1/routes/0", "same metric"));
    // Same prefix at a higher metric: an active/standby pair, allowed.
    c["tunnels"][1]["routes"] = {{{"prefix", "10.1.0.0/16"}, {"metric", 200}}};
    EXPECT_TRUE(load(c).ok()) << dump(load(c));
    // Different routing tables do not overlap.
    c["tunnels"][1]["routes"] = {{{"prefix", "10.1.0.0/24"}, {"table", 100}}};
    EXPECT_TRUE(load(c).ok()) << dump(load(c));
}

TEST(Validation, RouteCoveringPeerOuterAddress) {
    json c = two_tunnels();
    c["tunnels"][0]["routes"] = {"198.51.100.0/24"};
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/0/routes/0", "this tunnel's own peer")) << dump(r);
    EXPECT_TRUE(has_error(r, "/tunnels/0/routes/0", "outer address of tunnel \"t2\"")) << dump(r);
    json d = base_config();
    d["tunnels"][0]["routes"] = {"0.0.0.0/0"};
    EXPECT_TRUE(has_error(load(d), "/tunnels/0/routes/0", "198.51.100.1"));
}

TEST(Validation, RouteWithHostBitsAndDuplicates) {
    json c = base_config();
    c["tunnels"][0]["routes"] = {"10.1.2.3/16", "10.9.0.0/16", "10.9.0.0/16"};
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/0/routes/0", "did you mean \"10.1.0.0/16\"")) << dump(r);
    EXPECT_TRUE(has_error(r, "/tunnels/0/routes/2", "listed twice")) << dump(r);
}

TEST(Validation, WeakCrypto) {
    json c = base_config();
    c["tunnels"][0]["ike_proposals"] = {"3des-sha256-modp1024"};
    c["tunnels"][0]["esp_proposals"] = {"aes128-md5", "aes128-sha1"};
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/0/ike_proposals/0", "weak algorithm \"3des\"")) << dump(r);
    EXPECT_TRUE(has_error(r, "/tunnels/0/ike_proposals/0", "weak algorithm \"modp1024\""));
    EXPECT_TRUE(has_error(r, "/tunnels/0/esp_proposals/0", "weak algorithm \"md5\""));
    EXPECT_TRUE(has_error(r, "/tunnels/0/esp_proposals/1", "weak algorithm \"sha1\""));
    c["gateway"]["allow_weak_crypto"] = true;
    auto ok = load(c);
    ASSERT_TRUE(ok.ok()) << dump(ok);
    EXPECT_TRUE(has_warning(ok, "/tunnels/0/esp_proposals/1", "allowed by allow_weak_crypto"));
}

TEST(Validation, WeakCryptoInDefaultsNamesTheDefaultsPointer) {
    json c = base_config();
    c["defaults"] = {{"esp_proposals", {"des-sha256"}}};
    EXPECT_TRUE(has_error(load(c), "/defaults/esp_proposals/0", "weak algorithm \"des\""));
}

TEST(Validation, BadProposals) {
    json c = base_config();
    c["tunnels"][0]["ike_proposals"] = {"aes256gcm16-ecp384"};
    c["tunnels"][0]["esp_proposals"] = {"aes256-modp2048", "aes256gmc16"};
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/0/ike_proposals/0", "needs a PRF")) << dump(r);
    EXPECT_TRUE(has_error(r, "/tunnels/0/esp_proposals/0", "no integrity")) << dump(r);
    EXPECT_TRUE(has_error(r, "/tunnels/0/esp_proposals/1", "did you mean \"aes256gcm16\""));
    json v1 = base_config();
    v1["tunnels"][0]["ike_version"] = 1;
    // The built-in IKE proposal is AEAD, which IKEv1 cannot use for the IKE SA.
    EXPECT_TRUE(has_error(load(v1), "/tunnels/0 (built-in default)", "IKEv1 does not support"))
        << dump(load(v1));
}

TEST(Validation, InsideAddresses) {
    struct Case {
        json inside;
        std::string pointer, needle;
    };
    const Case cases[] = {
        {{{"local", "169.254.10.1/29"}}, "/tunnels/0/inside/local", "must be /30 or /31"},
        {{{"local", "169.254.10.0/30"}}, "/tunnels/0/inside/local", "network or broadcast"},
        {{{"local", "169.254.10.3/30"}}, "/tunnels/0/inside/local", "network or broadcast"},
        {{{"local", "169.254.10.1/30"}, {"remote", "169.254.10.9"}},
         "/tunnels/0/inside/remote",
         "another address inside 169.254.10.0/30"},
        {{{"local", "169.254.10.1/30"}, {"remote", "169.254.10.1"}},
         "/tunnels/0/inside/remote",
         "another address"},
        {{{"local6", "fd00::1/64"}}, "/tunnels/0/inside/local6", "must be /126 or /127"},
        {{{"local6", "fd00::3/126"}}, "/tunnels/0/inside", "is ambiguous"},
        {{{"local", "fd00::1/127"}}, "/tunnels/0/inside/local", "expected an IPv4 address"},
        {{{"remote", "169.254.10.2"}}, "/tunnels/0/inside/remote", "without a local address"},
    };
    for (const auto& c : cases) {
        json cfg = base_config();
        cfg["tunnels"][0]["inside"] = c.inside;
        auto r = load(cfg);
        EXPECT_TRUE(has_error(r, c.pointer, c.needle)) << c.inside.dump() << "\n" << dump(r);
    }
}

TEST(Validation, OverlappingInsidePrefixes) {
    json c = two_tunnels();
    c["tunnels"][1]["inside"] = {{"local", "169.254.10.2/30"}};
    EXPECT_TRUE(has_error(load(c), "/tunnels/1/inside/local", "overlaps the inside prefix"));
}

TEST(Validation, TimersAndDpd) {
    json c = base_config();
    c["tunnels"][0]["esp_lifetime"] = 600;
    c["tunnels"][0]["rekey_margin"] = 300;
    c["tunnels"][0]["rekey_fuzz"] = 100;
    c["tunnels"][0]["dpd"] = {{"interval", 30}, {"timeout", 30}};
    auto r = load(c);
    EXPECT_TRUE(has_error(r, "/tunnels/0/rekey_margin", "must be less than esp_lifetime"))
        << dump(r);
    EXPECT_TRUE(has_error(r, "/tunnels/0/dpd/timeout", "longer than the DPD interval")) << dump(r);
}

TEST(Validation, KeyKindMismatch) {
    json c = base_config();
    c["tunnels"][0]["kind"] = "vti";
    c["tunnels"][0]["if_id"] = 5;
    EXPECT_TRUE(has_error(load(c), "/tunnels/0/if_id", "a VTI takes \"mark\""));
    c["tunnels"][0].erase("if_id");
    c["tunnels"][0]["kind"] = "xfrm";
    c["tunnels"][0]["mark"] = 5;
    EXPECT_TRUE(has_error(load(c), "/tunnels/0/mark", "takes \"if_id\""));
    c["tunnels"][0]["mark"] = 0;
    EXPECT_TRUE(has_error(load(c), "/tunnels/0/mark", "from 1 to"));
}

TEST(Validation, LocalAddressSelection) {
    json c = base_config();
    c["tunnels"][0]["local"] = "192.0.2.99";
    EXPECT_TRUE(has_error(load(c), "/tunnels/0/local", "not one of the gateway's local"));
    json v6 = base_config();
    v6["tunnels"][0]["remote"] = "2001:db8:1::9";
    auto r = load(v6);
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(r.config->tunnels[0].local.str(), "2001:db8::1");
    // IPv6 outer header: 20 bytes more overhead than IPv4.
    EXPECT_EQ(r.config->tunnels[0].mtu, 1418u);
    json none = base_config();
    none["gateway"]["local"] = "192.0.2.1";
    none["tunnels"][0]["remote"] = "2001:db8:1::9";
    EXPECT_TRUE(has_error(load(none), "/tunnels/0/remote", "no gateway local address"));
}

TEST(Validation, MtuTooLargeWarnsAndUnderlayTooSmallErrors) {
    json c = base_config();
    c["tunnels"][0]["mtu"] = 1500;
    auto r = load(c);
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_TRUE(has_warning(r, "/tunnels/0/mtu", "will be fragmented")) << dump(r);
    json s = base_config();
    s["tunnels"][0]["underlay_mtu"] = 600;
    EXPECT_TRUE(has_error(load(s), "/tunnels/0/underlay_mtu", "leaves less than"));
}

TEST(Validation, PskFileRules) {
    gwtest::TempDir dir;
    std::string good = dir.write("good.psk", "0123456789abcdef0123\n", 0600);
    std::string open = dir.write("open.psk", "0123456789abcdef0123\n", 0644);
    std::string group = dir.write("group.psk", "0123456789abcdef0123\n", 0640);
    std::string empty = dir.write("empty.psk", "\n", 0600);
    struct Case {
        std::string path, needle;
    };
    for (const auto& c :
         {Case{open, "mode 0644"}, Case{group, "mode 0640"},
          Case{dir.path().string() + "/missing.psk", "No such file"},
          Case{dir.path().string(), "not a regular file"}, Case{empty, "contains no key"}}) {
        json cfg = base_config();
        cfg["tunnels"][0]["auth"] = {{"psk_file", c.path}};
        auto r = load(cfg);
        EXPECT_TRUE(has_error(r, "/tunnels/0/auth/psk_file", c.needle)) << c.path << "\n"
                                                                        << dump(r);
    }
    json cfg = base_config();
    cfg["tunnels"][0]["auth"] = {{"psk_file", good}};
    auto ok = load(cfg);
    ASSERT_TRUE(ok.ok()) << dump(ok);
    std::string err;
    auto psk = read_psk(ok.config->tunnels[0].auth.psk, err);
    ASSERT_TRUE(psk) << err;
    EXPECT_EQ(psk->reveal(), "0123456789abcdef0123");
}

TEST(Validation, PskEnvAndInline) {
    json c = base_config();
    c["tunnels"][0]["auth"] = {{"psk_env", "VTIGW_NOT_SET_ANYWHERE"}};
    EXPECT_TRUE(has_error(load(c), "/tunnels/0/auth/psk_env", "not set"));
    c["tunnels"][0]["auth"] = {{"psk_env", "pasted-the-key-here!"}};
    auto pasted = load(c);
    EXPECT_TRUE(has_error(pasted, "/tunnels/0/auth/psk_env", "environment variable name"));
    EXPECT_EQ(dump(pasted).find("pasted-the-key"), std::string::npos) << dump(pasted);
    c["tunnels"][0]["auth"] = {{"psk", "inline-secret-of-enough-length"}};
    auto r = load(c);
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_TRUE(has_warning(r, "/tunnels/0/auth/psk", "inline pre-shared key"));
    c["tunnels"][0]["auth"] = {{"psk", "short"}};
    EXPECT_TRUE(has_error(load(c), "/tunnels/0/auth/psk", "shorter than 16"));
    c["tunnels"][0]["auth"] = {{"psk", "inline-secret-of-enough-length"}, {"psk_env", "X"}};
    EXPECT_TRUE(has_error(load(c), "/tunnels/0/auth", "exactly one of"));
}

TEST(Validation, X509Files) {
    gwtest::TempDir dir;
    std::string cert = dir.write("gw.crt", "-----BEGIN CERTIFICATE-----\n", 0644);
    std::string key = dir.write("gw.key", "-----BEGIN PRIVATE KEY-----\n", 0600);
    std::string ca = dir.write("ca.crt", "-----BEGIN CERTIFICATE-----\n", 0644);
    json c = base_config();
    c["tunnels"][0]["auth"] = {{"cert", cert}, {"key", key}, {"ca", ca}};
    auto r = load(c);
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_EQ(r.config->tunnels[0].auth.method, Auth::Method::X509);
    ::chmod(key.c_str(), 0644);
    EXPECT_TRUE(has_error(load(c), "/tunnels/0/auth/key", "group or others"));
    c["tunnels"][0]["auth"] = {{"method", "x509"}, {"cert", cert}};
    auto r2 = load(c);
    EXPECT_TRUE(has_error(r2, "/tunnels/0/auth", "needs \"key\"")) << dump(r2);
    EXPECT_TRUE(has_error(r2, "/tunnels/0/auth", "needs \"ca\"")) << dump(r2);
}

TEST(Validation, RoutingTablesAndLimits) {
    json c = base_config();
    c["tunnels"][0]["routes"] = {{{"prefix", "10.1.0.0/16"}, {"table", 255}}};
    EXPECT_TRUE(has_error(load(c), "/tunnels/0/routes/0/table", "local table"));
    c["tunnels"][0].erase("routes");
    c["defaults"] = {{"table", 255}};
    EXPECT_TRUE(has_error(load(c), "/defaults/table", "local table"));
    json many = base_config();
    json routes = json::array();
    for (int i = 0; i < 257; ++i)
        routes.push_back("10." + std::to_string(i / 256 + 1) + "." + std::to_string(i % 256) +
                         ".0/24");
    many["tunnels"][0]["routes"] = routes;
    EXPECT_TRUE(has_error(load(many), "/tunnels/0/routes", "at most 256 routes"));
}

TEST(Validation, Ipv6RoutesNeedIpv6MinimumMtu) {
    json c = base_config();
    c["tunnels"][0]["routes"] = {"fd10::/32"};
    c["tunnels"][0]["mtu"] = 1200;
    EXPECT_TRUE(has_error(load(c), "/tunnels/0/mtu", "at least 1280"));
    c["tunnels"][0]["mtu"] = 1280;
    EXPECT_TRUE(load(c).ok());
}

TEST(Validation, RemoteThatCannotBeAPeer) {
    const std::pair<const char*, const char*> cases[] = {
        {"0.0.0.0", "unspecified"},
        {"::", "unspecified"},
        {"127.0.0.1", "loopback"},
        {"127.8.9.10", "loopback"},
        {"::1", "loopback"},
        {"224.0.0.5", "multicast"},
        {"239.255.255.250", "multicast"},
        {"ff02::1", "multicast"},
        {"255.255.255.255", "broadcast"},
        {"192.0.2.1", "this gateway's own addresses"},
        {"2001:db8::1", "this gateway's own addresses"},
    };
    for (const auto& [remote, needle] : cases) {
        json c = base_config();
        c["tunnels"][0]["remote"] = remote;
        auto r = load(c);
        EXPECT_TRUE(has_error(r, "/tunnels/0/remote", needle)) << remote << ": " << dump(r);
        EXPECT_NE(dump(r).find(std::string("\"") + remote + "\""), std::string::npos) << dump(r);
    }
    // Neighbours of the refused ranges are peers.
    for (const char* remote : {"223.255.255.254", "240.0.0.1", "126.255.255.255", "::2", "fe80::1",
                               "2001:db8::2", "1.0.0.0"}) {
        json c = base_config();
        c["tunnels"][0]["remote"] = remote;
        auto r = load(c);
        EXPECT_FALSE(has_error(r, "/tunnels/0/remote", "not a peer")) << remote << ": " << dump(r);
    }
}

TEST(Validation, InterfaceNameReserved) {
    for (const char* name : {"lo", "ip_vti0", "ip6_vti0", "sit0", "tunl0", "gre0", "gretap0",
                             "erspan0", "ip6tnl0", "ip6gre0", "all", "default"}) {
        json c = base_config();
        c["tunnels"][0]["interface"] = name;
        auto r = load(c);
        EXPECT_TRUE(has_error(r, "/tunnels/0/interface", "choose another name"))
            << name << ": " << dump(r);
        EXPECT_NE(dump(r).find(std::string("\"") + name + "\""), std::string::npos) << dump(r);
    }
    EXPECT_TRUE(has_error(
        [] {
            json c = base_config();
            c["tunnels"][0]["interface"] = "lo";
            return load(c);
        }(),
        "/tunnels/0/interface", "loopback"));
    // Similar names are free: only the exact reserved ones are refused.
    for (const char* name : {"lo0", "ip_vti1", "gre10", "vti-all", "defaults"}) {
        json c = base_config();
        c["tunnels"][0]["interface"] = name;
        auto r = load(c);
        EXPECT_TRUE(r.ok()) << name << ": " << dump(r);
    }
}

namespace {

json many_tunnels(int n) {
    json c = base_config();
    c["tunnels"] = json::array();
    for (int i = 0; i < n; ++i) {
        json t = second_tunnel();
        t["name"] = "t" + std::to_string(i);
        t["remote"] = "198.51.100." + std::to_string(i + 1);
        t["inside"]["local"] = "169.254." + std::to_string(i) + ".1/30";
        t["routes"] = {"10." + std::to_string(i) + ".0.0/16"};
        c["tunnels"].push_back(t);
    }
    return c;
}

}  // namespace

TEST(Validation, ManyVtisWarnWithTheMeasuredCost) {
    auto many_vtis = [](size_t n) {
        json c = many_tunnels(n);
        for (auto& t : c["tunnels"]) t["kind"] = "vti";
        return c;
    };
    auto at_limit = load(many_vtis(100));
    ASSERT_TRUE(at_limit.ok()) << dump(at_limit);
    EXPECT_FALSE(has_warning(at_limit, "/tunnels", "walk all VTI policies")) << dump(at_limit);

    auto over = load(many_vtis(101));
    ASSERT_TRUE(over.ok()) << dump(over);  // a warning, not an error
    EXPECT_TRUE(has_warning(over, "/tunnels", "walk all VTI policies")) << dump(over);
    EXPECT_TRUE(has_warning(over, "/tunnels", "\"kind\": \"xfrm\"")) << dump(over);

    json from_defaults = many_tunnels(101);
    from_defaults["defaults"]["kind"] = "vti";
    EXPECT_TRUE(has_warning(load(from_defaults), "/defaults/kind", "walk all VTI policies"));
}

TEST(Validation, ManyXfrmInterfacesDoNotWarn) {
    json c = many_tunnels(150);
    c["tunnels"][0]["kind"] = "vti";  // one VTI among XFRM interfaces (the default) is fine
    auto r = load(c);
    ASSERT_TRUE(r.ok()) << dump(r);
    EXPECT_FALSE(has_warning(r, "/tunnels", "walk all VTI policies")) << dump(r);
    EXPECT_FALSE(has_warning(r, "/defaults/kind", "walk all VTI policies")) << dump(r);
}
