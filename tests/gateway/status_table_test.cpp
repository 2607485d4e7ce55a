// SPDX-License-Identifier: GPL-2.0-or-later
// The human `vtigw status` table and its number formats.
#include "../../gateway/src/status_table.h"

#include <gtest/gtest.h>

using namespace gateway;

TEST(StatusTable, HumanNumbers) {
    EXPECT_EQ(cli::human_bytes(0), "0 B");
    EXPECT_EQ(cli::human_bytes(1023), "1023 B");
    EXPECT_EQ(cli::human_bytes(1536), "1.5 KiB");
    EXPECT_EQ(cli::human_bytes(3ull << 30), "3.0 GiB");
    EXPECT_EQ(cli::human_duration(-1), "-");
    EXPECT_EQ(cli::human_duration(9), "9s");
    EXPECT_EQ(cli::human_duration(65), "1m05s");
    EXPECT_EQ(cli::human_duration(3 * 3600 + 120), "3h02m");
    EXPECT_EQ(cli::human_duration(2 * 86400 + 3600), "2d01h");
}

TEST(StatusTable, OneAlignedRowPerTunnel) {
    control::Reply r;
    r.ok = true;
    r.gateway = "west";
    control::TunnelStatus up;
    up.name = "to-east";
    up.ifname = "vti0";
    up.remote = "192.0.2.2";
    up.ike_state = "ESTABLISHED";
    up.child_state = "INSTALLED";
    up.up = true;
    up.spi_in = 0xc1234567;
    up.spi_out = 0x0000abcd;
    up.packets_in = 5;
    up.bytes_in = 420;
    up.established_seconds = 61;
    control::TunnelStatus down;
    down.name = "backup-link";
    down.ifname = "vti1";
    down.remote = "198.51.100.7";
    down.last_error = "peer unreachable: no answer to IKE_SA_INIT";
    r.tunnels = {up, down};
    std::string t = cli::format_status_table(r);
    EXPECT_EQ(t.rfind("gateway west: 2 tunnel(s), 1 up\n", 0), 0u) << t;
    EXPECT_NE(t.find("to-east      vti0       192.0.2.2     up     ESTABLISHED  INSTALLED  "
                     "c1234567/0000abcd  5 pkt / 420 B  0 pkt / 0 B  1m01s   -\n"),
              std::string::npos)
        << t;
    EXPECT_NE(t.find("backup-link  vti1       198.51.100.7  down   -            -          -"),
              std::string::npos)
        << t;
    EXPECT_NE(t.find("peer unreachable: no answer to IKE_SA_INIT\n"), std::string::npos) << t;
}

TEST(StatusTable, NatColumnOnlyWhenATunnelHasNatOrEncapsulation) {
    control::TunnelStatus t;
    t.name = "branch";
    t.ike_state = "ESTABLISHED";
    t.child_state = "INSTALLED";
    t.up = true;
    EXPECT_FALSE(cli::shows_nat(t));
    EXPECT_EQ(cli::nat_cell(t), "none");
    control::Reply r;
    r.ok = true;
    r.gateway = "dc";
    r.tunnels = {t};
    EXPECT_EQ(cli::format_status_table(r).find("NAT"), std::string::npos);

    t.nat_remote = true;
    t.udp_encap = true;
    t.ike_local_port = 4500;
    t.ike_remote_port = 61234;
    EXPECT_TRUE(cli::shows_nat(t));
    EXPECT_EQ(cli::nat_cell(t), "remote udp 4500/61234");
    t.nat_local = true;
    EXPECT_EQ(cli::nat_cell(t), "both udp 4500/61234");
    t.nat_remote = false;
    EXPECT_EQ(cli::nat_cell(t), "local udp 4500/61234");
    control::TunnelStatus forced;
    forced.force_encap = true;
    EXPECT_TRUE(cli::shows_nat(forced));
    EXPECT_EQ(cli::nat_cell(forced), "-");  // no IKE_SA
    forced.ike_state = "ESTABLISHED";
    forced.nat_fake = true;
    forced.udp_encap = true;
    forced.ike_local_port = forced.ike_remote_port = 4500;
    EXPECT_EQ(cli::nat_cell(forced), "none forced udp 4500/4500");

    control::TunnelStatus plain;
    plain.name = "plain";
    plain.ike_state = "ESTABLISHED";
    r.tunnels = {t, plain};
    std::string table = cli::format_status_table(r);
    EXPECT_NE(table.find("NAT (UDP LOCAL/REMOTE)  LAST ERROR"), std::string::npos) << table;
    EXPECT_NE(table.find("local udp 4500/61234    -\n"), std::string::npos) << table;
    EXPECT_NE(table.find("none                    -\n"), std::string::npos) << table;
}

TEST(StatusTable, BgpColumnAndFrrLines) {
    gateway::control::Reply r;
    r.ok = true;
    r.gateway = "west";
    gateway::control::TunnelStatus a;
    a.name = "a";
    a.up = true;
    gateway::control::BgpStatus b;
    b.peer = "169.254.10.2";
    b.state = "Established";
    b.peer_state = "OK";
    b.uptime_ms = 185000;
    b.prefixes_received = 2;
    b.prefixes_sent = 1;
    b.bfd = "up";
    b.link_up = true;
    b.healthy = true;
    a.bgp = b;
    gateway::control::TunnelStatus c;
    c.name = "c";
    b.state = "Active";
    b.uptime_ms = -1;
    b.prefixes_received = 0;
    b.bfd = "down";
    b.link_up = false;
    b.healthy = false;
    c.bgp = b;
    r.tunnels = {a, c};
    gateway::control::FrrStatus f;
    f.running = true;
    f.error = "FRR refused the configuration: line 3: % Unknown command: x";
    f.fib_checked = true;
    f.fib_prefixes = 1;
    f.fib_mismatches = {"10.2.0.0/24: kernel has 1 next hop(s), zebra's FIB 2"};
    r.frr = f;
    std::string out = gateway::cli::format_status_table(r);
    EXPECT_NE(out.find("gateway west: 2 tunnel(s), 1 up, 1 BGP healthy\n"), std::string::npos)
        << out;
    EXPECT_NE(out.find("BGP (state uptime rcvd/sent)"), std::string::npos) << out;
    EXPECT_NE(out.find("Established 3m05s 2/1 pfx bfd up"), std::string::npos) << out;
    EXPECT_NE(out.find("Active 0/1 pfx bfd down link down"), std::string::npos) << out;
    EXPECT_NE(out.find("frr: FRR refused the configuration: line 3"), std::string::npos) << out;
    EXPECT_NE(out.find("fib check: MISMATCH 10.2.0.0/24: kernel has 1"), std::string::npos) << out;
    // Without BGP the table has no BGP column.
    r.tunnels[0].bgp.reset();
    r.tunnels[1].bgp.reset();
    r.frr.reset();
    EXPECT_EQ(gateway::cli::format_status_table(r).find("BGP"), std::string::npos);
}
