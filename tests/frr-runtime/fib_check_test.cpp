// SPDX-License-Identifier: GPL-2.0-or-later
#include "frr/fib_check.h"

#include <gtest/gtest.h>

#include "test_data.h"

namespace {

std::vector<frr::RibRoute> rib(const std::string& file) {
    std::vector<frr::RibRoute> r;
    EXPECT_FALSE(frr::parse_rib(test_data(file), r));
    return r;
}

std::vector<frr::KernelRoute> kernel(const std::string& file) {
    std::vector<frr::KernelRoute> r;
    EXPECT_FALSE(frr::parse_kernel_routes(test_data(file), false, r));
    return r;
}

}  // namespace

TEST(FibCheck, ConsistentWhenTheKernelHasBothNexthops) {
    auto check = frr::check_fib(rib("rib_bgp_ecmp.json"), kernel("kernel_main.json"));
    EXPECT_TRUE(check.consistent()) << check.mismatches[0].reason;
    EXPECT_EQ(check.checked, 1u);
}

TEST(FibCheck, ConnectedRoutesAreNotCompared) {
    auto check = frr::check_fib(rib("rib_all.json"), kernel("kernel_main.json"));
    EXPECT_TRUE(check.consistent());
    EXPECT_EQ(check.checked, 1u);
}

TEST(FibCheck, KernelLostAnEcmpNexthop) {
    // FRR 8.4's nexthop-group bug: zebra shows 2 FIB next hops, the kernel has 1.
    auto check = frr::check_fib(rib("rib_bgp_ecmp.json"), kernel("kernel_one_nexthop.json"));
    ASSERT_EQ(check.mismatches.size(), 1u);
    EXPECT_EQ(check.mismatches[0].prefix, "10.2.0.0/24");
    EXPECT_EQ(check.mismatches[0].reason, "kernel has 1 next hop(s), zebra's FIB 2");
    EXPECT_EQ(frr::describe(check.mismatches[0].kernel), "169.254.10.2 dev fa");
    EXPECT_EQ(frr::describe(check.mismatches[0].frr), "169.254.10.2 dev fa, 169.254.10.6 dev fa2");
}

TEST(FibCheck, MissingKernelRouteAndFailedInstall) {
    auto r = rib("rib_bgp_ecmp.json");
    auto check = frr::check_fib(r, {});
    ASSERT_EQ(check.mismatches.size(), 1u);
    EXPECT_EQ(check.mismatches[0].reason, "no kernel route");
    r[0].failed = true;
    check = frr::check_fib(r, kernel("kernel_main.json"));
    ASSERT_EQ(check.mismatches.size(), 1u);
    EXPECT_EQ(check.mismatches[0].reason, "zebra failed to install it");
}

TEST(FibCheck, StaleKernelRouteOfFrrsProtocol) {
    auto check = frr::check_fib({}, kernel("kernel_with_static.json"));
    ASSERT_EQ(check.mismatches.size(), 3u);  // the bgp route and both static ones
    for (const auto& m : check.mismatches) EXPECT_EQ(m.reason, "kernel route not in zebra's FIB");
}

TEST(FibCheck, StaticRoutesMatch) {
    auto check = frr::check_fib(rib("rib_static.json"), kernel("kernel_with_static.json"));
    // The bgp route in the kernel dump is not in this (static-only) RIB: exactly that one differs.
    ASSERT_EQ(check.mismatches.size(), 1u);
    EXPECT_EQ(check.mismatches[0].prefix, "10.2.0.0/24");
    EXPECT_EQ(check.checked, 2u);
}
