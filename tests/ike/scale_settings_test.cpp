// SPDX-License-Identifier: GPL-2.0-or-later
// charon's settings that follow the tunnel count (vtigw_ike_scale_settings).
#include <gtest/gtest.h>

extern "C" {
#include "vtigw_bridge.h"
}

namespace {

bool power_of_two(unsigned v) {
    return v && !(v & (v - 1));
}

TEST(ScaleSettings, FewTunnelsKeepCharonsSmallDefaults) {
    vtigw_scale_settings_t c = vtigw_ike_scale_settings(2);
    EXPECT_EQ(c.ikesa_table_size, 1u);
    EXPECT_EQ(c.ikesa_table_segments, 1u);
    EXPECT_EQ(c.threads, 8u);
    EXPECT_EQ(c.block_threshold, 7u);
    EXPECT_EQ(c.cookie_threshold, 32u);
}

TEST(ScaleSettings, AThousandTunnelsGetATableOfAboutEightPerBucket) {
    vtigw_scale_settings_t c = vtigw_ike_scale_settings(1000);
    EXPECT_EQ(c.ikesa_table_size, 128u);  // 1,000 / 128 = 7.8 IKE_SAs per bucket
    EXPECT_EQ(c.ikesa_table_segments, 8u);
    EXPECT_EQ(c.threads, 17u);
    EXPECT_EQ(c.priority_threads_high, 2u);
    // Every tunnel may be half-open toward one peer address at once (XFRM tunnels share it).
    EXPECT_GE(c.block_threshold, 1000u);
    EXPECT_GE(c.cookie_threshold_ip, 1000u);
}

TEST(ScaleSettings, BoundedAndPowersOfTwoAtAnySize) {
    for (unsigned n : {0u, 1u, 7u, 100u, 513u, 4096u, 100000u, 4000000u}) {
        vtigw_scale_settings_t c = vtigw_ike_scale_settings(n);
        EXPECT_TRUE(power_of_two(c.ikesa_table_size)) << n;
        EXPECT_TRUE(power_of_two(c.ikesa_table_segments)) << n;
        EXPECT_LE(c.ikesa_table_segments, c.ikesa_table_size) << n;
        EXPECT_LE(c.ikesa_table_size, 4096u) << n;
        EXPECT_LE(c.ikesa_table_segments, 64u) << n;
        EXPECT_GE(c.threads, 8u) << n;
        EXPECT_LE(c.threads, 24u) << n;
        EXPECT_GT(c.threads, c.priority_threads_high + 4) << n;
    }
}

TEST(ScaleSettings, WorkerThreadsShareAFewMallocArenas) {
    // glibc's default would give most of charon's workers an arena each (8 per core).
    for (unsigned n : {1u, 100u, 400u, 1000u, 100000u}) {
        vtigw_scale_settings_t c = vtigw_ike_scale_settings(n);
        EXPECT_GE(c.malloc_arena_max, 1u) << n;
        EXPECT_LE(c.malloc_arena_max, 2u) << n;
        EXPECT_LT(c.malloc_arena_max, c.threads) << n;
    }
}

}  // namespace
