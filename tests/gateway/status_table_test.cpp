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
