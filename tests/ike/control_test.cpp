// SPDX-License-Identifier: GPL-2.0-or-later
// The control protocol: encode/decode round trips, rejected requests, client errors.
#include "gateway/control.h"

#include <gtest/gtest.h>

namespace control = gateway::control;

TEST(Control, RequestRoundTrip) {
    std::string error;
    auto r = control::decode_request(control::encode(control::Request{"reset", "t1"}), error);
    ASSERT_TRUE(r) << error;
    EXPECT_EQ(r->cmd, "reset");
    EXPECT_EQ(r->tunnel, "t1");
    EXPECT_EQ(control::encode(control::Request{"status", ""}), R"({"cmd":"status"})");
}

TEST(Control, RejectsBadRequests) {
    std::string error;
    EXPECT_FALSE(control::decode_request("not json", error));
    EXPECT_FALSE(control::decode_request(R"({"cmd":"reboot"})", error));
    EXPECT_EQ(error, "unknown command 'reboot'");
    EXPECT_FALSE(control::decode_request(R"({"cmd":"reset"})", error));
    EXPECT_EQ(error, "reset needs a \"tunnel\"");
    EXPECT_FALSE(control::decode_request(R"({"cmd":1})", error));
    EXPECT_FALSE(control::decode_request(R"({"cmd":"reset","tunnel":5})", error));
}

TEST(Control, PlanAndReloadRequests) {
    std::string error;
    control::Request req{"reload", ""};
    req.config = "/etc/vtigw/site.json";
    auto r = control::decode_request(control::encode(req), error);
    ASSERT_TRUE(r) << error;
    EXPECT_EQ(r->cmd, "reload");
    EXPECT_EQ(r->config, "/etc/vtigw/site.json");
    EXPECT_TRUE(control::decode_request(R"({"cmd":"reload"})", error)) << error;
    EXPECT_FALSE(control::decode_request(R"({"cmd":"plan"})", error));
    EXPECT_EQ(error, "plan needs a \"config\"");
    EXPECT_FALSE(control::decode_request(R"({"cmd":"reload","config":"site.json"})", error));
    EXPECT_EQ(error, "\"config\" must be an absolute path");
    EXPECT_FALSE(control::decode_request(R"({"cmd":"reload","config":3})", error));
}

TEST(Control, ChangesAndCauseRoundTrip) {
    control::Reply r;
    r.ok = true;
    control::PlannedChange ike;
    ike.scope = "ike";
    ike.action = "re-establish";
    ike.object = "tunnel";
    ike.tunnel = "t1";
    ike.description = "re-establish t1 (changed: dpd)";
    ike.changed = {"dpd"};
    control::PlannedChange k;
    k.scope = "kernel";
    k.action = "add";
    k.object = "route";
    k.tunnel = "t2";
    k.command = "ip route add 10.0.0.0/24 dev vti2";
    r.changes = {ike, k};
    std::string error;
    auto back = control::decode_reply(control::encode(r), error);
    ASSERT_TRUE(back) << error;
    ASSERT_EQ(back->changes.size(), 2u);
    EXPECT_EQ(back->changes[0].changed, std::vector<std::string>{"dpd"});
    EXPECT_EQ(back->changes[0].description, "re-establish t1 (changed: dpd)");
    EXPECT_EQ(back->changes[1].command, "ip route add 10.0.0.0/24 dev vti2");
    control::Reply bad;
    bad.cause = "config";
    bad.error = "x";
    back = control::decode_reply(control::encode(bad), error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(back->cause, "config");
}

TEST(Control, ReplyRoundTrip) {
    control::Reply r;
    r.ok = true;
    r.gateway = "west";
    control::TunnelStatus t;
    t.name = "to-east";
    t.ifname = "vti0";
    t.ike_state = "ESTABLISHED";
    t.child_state = "INSTALLED";
    t.up = true;
    t.spi_in = 0xc1234567;
    t.spi_out = 0x01020304;
    t.bytes_in = 1ull << 40;
    t.packets_out = 7;
    t.established_seconds = 12;
    t.last_error = "x";
    t.error_cause = "auth";
    t.attempts = 3;
    t.ike_sa_id = 17;
    t.ike_spi_i = "0123456789abcdef";
    t.ike_sas = 2;
    t.child_sas = 3;
    r.tunnels.push_back(t);
    std::string error;
    auto back = control::decode_reply(control::encode(r), error);
    ASSERT_TRUE(back) << error;
    ASSERT_EQ(back->tunnels.size(), 1u);
    const auto& b = back->tunnels[0];
    EXPECT_EQ(back->gateway, "west");
    EXPECT_EQ(b.name, "to-east");
    EXPECT_EQ(b.ifname, "vti0");
    EXPECT_TRUE(b.up);
    EXPECT_EQ(b.spi_in, 0xc1234567u);
    EXPECT_EQ(b.spi_out, 0x01020304u);
    EXPECT_EQ(b.bytes_in, 1ull << 40);
    EXPECT_EQ(b.packets_out, 7u);
    EXPECT_EQ(b.established_seconds, 12);
    EXPECT_EQ(b.last_error, "x");
    EXPECT_EQ(b.error_cause, "auth");
    EXPECT_EQ(b.attempts, 3u);
    EXPECT_EQ(b.ike_sa_id, 17u);
    EXPECT_EQ(b.ike_spi_i, "0123456789abcdef");
    EXPECT_EQ(b.ike_sas, 2u);
    EXPECT_EQ(b.child_sas, 3u);
}

TEST(Control, NatFieldsRoundTrip) {
    control::Reply r;
    r.ok = true;
    r.gateway = "dc";
    control::TunnelStatus t;
    t.name = "branch";
    t.ike_state = "ESTABLISHED";
    t.nat_remote = true;
    t.nat_fake = true;
    t.force_encap = true;
    t.udp_encap = true;
    t.ike_local_address = "192.0.2.2";
    t.ike_local_port = 4500;
    t.ike_remote_address = "2001:db8::1";
    t.ike_remote_port = 61234;
    r.tunnels.push_back(t);
    std::string error;
    std::string line = control::encode(r);
    EXPECT_NE(line.find("\"ike_remote_port\":61234"), std::string::npos) << line;
    auto back = control::decode_reply(line, error);
    ASSERT_TRUE(back) << error;
    const auto& b = back->tunnels.at(0);
    EXPECT_FALSE(b.nat_local);
    EXPECT_TRUE(b.nat_remote);
    EXPECT_TRUE(b.nat_fake);
    EXPECT_TRUE(b.force_encap);
    EXPECT_TRUE(b.udp_encap);
    EXPECT_EQ(b.ike_local_address, "192.0.2.2");
    EXPECT_EQ(b.ike_local_port, 4500);
    EXPECT_EQ(b.ike_remote_address, "2001:db8::1");
    EXPECT_EQ(b.ike_remote_port, 61234);
}

TEST(Control, ErrorReply) {
    control::Reply r;
    r.error = "no tunnel named 'x'";
    EXPECT_EQ(control::encode(r), R"({"error":"no tunnel named 'x'","ok":false})");
}

TEST(Control, CallWithoutDaemonFails) {
    auto r = control::call("/nonexistent-vtigw-test/ctl.sock", {"status", ""});
    EXPECT_FALSE(r.ok);
    EXPECT_TRUE(r.unreachable);
    EXPECT_NE(r.error.find("connect /nonexistent-vtigw-test/ctl.sock"), std::string::npos)
        << r.error;
}

TEST(Control, BgpAndFrrStatusRoundTrip) {
    control::Reply r;
    r.ok = true;
    r.gateway = "west";
    control::TunnelStatus t;
    t.name = "a";
    control::BgpStatus b;
    b.peer = "169.254.10.2";
    b.state = "Established";
    b.peer_state = "OK";
    b.uptime_ms = 1234;
    b.prefixes_received = 3;
    b.prefixes_sent = 1;
    b.connections_dropped = 2;
    b.bfd = "up";
    b.link_up = true;
    b.healthy = true;
    t.bgp = b;
    control::TunnelStatus plain;
    plain.name = "b";
    r.tunnels = {t, plain};
    control::FrrStatus f;
    f.managed = false;
    f.running = true;
    f.error = "refused";
    f.fib_checked = true;
    f.fib_prefixes = 4;
    f.fib_mismatches = {"10.2.0.0/24: no kernel route"};
    r.frr = f;
    std::string error;
    std::string line = control::encode(r);
    EXPECT_NE(line.find(R"("consistent":false)"), std::string::npos) << line;
    auto back = control::decode_reply(line, error);
    ASSERT_TRUE(back) << error;
    ASSERT_TRUE(back->tunnels[0].bgp);
    EXPECT_FALSE(back->tunnels[1].bgp);
    const auto& bb = *back->tunnels[0].bgp;
    EXPECT_EQ(bb.peer, "169.254.10.2");
    EXPECT_EQ(bb.state, "Established");
    EXPECT_EQ(bb.uptime_ms, 1234);
    EXPECT_EQ(bb.prefixes_received, 3u);
    EXPECT_EQ(bb.prefixes_sent, 1u);
    EXPECT_EQ(bb.connections_dropped, 2u);
    EXPECT_EQ(bb.bfd, "up");
    EXPECT_TRUE(bb.link_up);
    EXPECT_TRUE(bb.healthy);
    ASSERT_TRUE(back->frr);
    EXPECT_FALSE(back->frr->managed);
    EXPECT_EQ(back->frr->error, "refused");
    EXPECT_EQ(back->frr->fib_prefixes, 4u);
    EXPECT_EQ(back->frr->fib_mismatches, f.fib_mismatches);
}
