// SPDX-License-Identifier: GPL-2.0-or-later
// Per-tunnel traffic totals across CHILD_SA rekeys (ike-plugin/vtigw_traffic.c): what the
// listener adds when a CHILD_SA closes plus the live ones, never going backwards.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "vtigw_traffic.h"

namespace {

vtigw_counts_t counts(uint64_t bytes_in, uint64_t bytes_out) {
    return vtigw_counts_t{bytes_in, bytes_out, bytes_in / 100, bytes_out / 100};
}

uint64_t total_in(vtigw_traffic_t* t, std::vector<uint32_t> ids, std::vector<vtigw_counts_t> c) {
    vtigw_counts_t total{};
    vtigw_traffic_total(t, "t1", ids.data(), c.data(), ids.size(), &total);
    return total.bytes_in;
}

struct TrafficTest : ::testing::Test {
    vtigw_traffic_t* traffic = vtigw_traffic_create();
    ~TrafficTest() override { vtigw_traffic_destroy(traffic); }
};

TEST_F(TrafficTest, KeepsCountingAcrossASimulatedRekey) {
    // SA 1 carries 1000 bytes; the rekey closes it (snapshot 1000) while it is still listed.
    EXPECT_EQ(total_in(traffic, {1}, {counts(1000, 10)}), 1000u);
    auto closed = counts(1000, 10);
    vtigw_traffic_close(traffic, "t1", 1, &closed);
    // Both listed for a moment: the old one is not counted twice.
    EXPECT_EQ(total_in(traffic, {1, 2}, {counts(1100, 10), counts(50, 0)}), 1050u);
    // Old one deleted: the total does not fall back to the new SA's counters.
    EXPECT_EQ(total_in(traffic, {2}, {counts(300, 0)}), 1300u);
    // Its deletion reported again (IKE_SA down closes children once more): ignored.
    vtigw_traffic_close(traffic, "t1", 1, &closed);
    EXPECT_EQ(total_in(traffic, {2}, {counts(300, 0)}), 1300u);
    // The new one closes too (tunnel down): the total stays.
    auto last = counts(400, 0);
    vtigw_traffic_close(traffic, "t1", 2, &last);
    EXPECT_EQ(total_in(traffic, {}, {}), 1400u);
}

TEST_F(TrafficTest, NeverGoesBackwardsOverManyRekeys) {
    uint64_t previous = 0;
    uint32_t live = 1;
    uint64_t live_bytes = 0;
    for (int i = 0; i < 200; ++i) {
        live_bytes += 77;
        uint64_t now = total_in(traffic, {live}, {counts(live_bytes, 0)});
        EXPECT_GE(now, previous);
        previous = now;
        if (i % 10 == 9) {  // rekey: close the old one, a new one starts at 0
            auto c = counts(live_bytes, 0);
            vtigw_traffic_close(traffic, "t1", live, &c);
            ++live;
            live_bytes = 0;
        }
    }
    EXPECT_EQ(previous, 200u * 77u - 0u);
}

TEST_F(TrafficTest, TunnelsAreSeparate) {
    auto c = counts(500, 5);
    vtigw_traffic_close(traffic, "other", 7, &c);
    EXPECT_EQ(total_in(traffic, {}, {}), 0u);
    vtigw_counts_t total{};
    vtigw_traffic_total(traffic, "other", nullptr, nullptr, 0, &total);
    EXPECT_EQ(total.bytes_in, 500u);
    EXPECT_EQ(total.bytes_out, 5u);
}

TEST_F(TrafficTest, KeepsEveryTunnelApartAcrossTableGrowth) {
    // 3000 tunnels make the name table double several times; each keeps its own totals.
    for (uint32_t i = 0; i < 3000; ++i) {
        auto c = counts(1000 + i, i);
        vtigw_traffic_close(traffic, ("tunnel-" + std::to_string(i)).c_str(), 1, &c);
    }
    for (uint32_t i = 0; i < 3000; i += 7) {
        vtigw_counts_t total{};
        vtigw_traffic_total(traffic, ("tunnel-" + std::to_string(i)).c_str(), nullptr, nullptr, 0,
                            &total);
        EXPECT_EQ(total.bytes_in, 1000u + i) << "tunnel-" << i;
        EXPECT_EQ(total.bytes_out, i) << "tunnel-" << i;
    }
    vtigw_counts_t unknown{};
    vtigw_traffic_total(traffic, "tunnel-3000", nullptr, nullptr, 0, &unknown);
    EXPECT_EQ(unknown.bytes_in, 0u);
}

}  // namespace
