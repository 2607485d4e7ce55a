// SPDX-License-Identifier: GPL-2.0-or-later
#include "vti/ip.h"

#include <gtest/gtest.h>

using vti::IpAddress;
using vti::Prefix;

TEST(IpAddress, ParsesAndPrintsBothFamilies) {
    auto v4 = IpAddress::parse("192.0.2.1");
    ASSERT_TRUE(v4);
    EXPECT_TRUE(v4->is_v4());
    EXPECT_EQ(v4->str(), "192.0.2.1");
    auto v6 = IpAddress::parse("2001:DB8:0:0::1");
    ASSERT_TRUE(v6);
    EXPECT_TRUE(v6->is_v6());
    EXPECT_EQ(v6->str(), "2001:db8::1");
    EXPECT_FALSE(IpAddress::parse("192.0.2.256"));
    EXPECT_FALSE(IpAddress::parse("not-an-address"));
}

TEST(Prefix, ParsesLengthsAndRejectsBadOnes) {
    EXPECT_EQ(Prefix::parse("169.254.10.1/30")->len, 30);
    EXPECT_EQ(Prefix::parse("10.0.0.1")->len, 32);
    EXPECT_EQ(Prefix::parse("fd00::1")->len, 128);
    EXPECT_FALSE(Prefix::parse("10.0.0.0/33"));
    EXPECT_FALSE(Prefix::parse("10.0.0.0/"));
    EXPECT_FALSE(Prefix::parse("10.0.0.0/3x"));
    EXPECT_FALSE(Prefix::parse("fd00::/129"));
}

TEST(Prefix, NetworkContainsOverlaps) {
    auto p = *Prefix::parse("169.254.10.1/30");
    EXPECT_EQ(p.network().str(), "169.254.10.0/30");
    EXPECT_FALSE(p.is_network());
    EXPECT_TRUE(p.contains(*IpAddress::parse("169.254.10.3")));
    EXPECT_FALSE(p.contains(*IpAddress::parse("169.254.10.4")));
    EXPECT_TRUE(Prefix::parse("10.0.0.0/8")->overlaps(*Prefix::parse("10.1.0.0/16")));
    EXPECT_TRUE(Prefix::parse("10.1.0.0/16")->overlaps(*Prefix::parse("10.0.0.0/8")));
    EXPECT_FALSE(Prefix::parse("10.0.0.0/16")->overlaps(*Prefix::parse("10.1.0.0/16")));
    EXPECT_FALSE(Prefix::parse("10.0.0.0/8")->overlaps(*Prefix::parse("fd00::/8")));
    EXPECT_EQ(Prefix::parse("fd00::1:2/112")->network().str(), "fd00::1:0/112");
}
