// SPDX-License-Identifier: GPL-2.0-or-later
#include "frr/diff.h"

#include <gtest/gtest.h>

#include "frr/render.h"

namespace {

frr::Config one_neighbor() {
    frr::Config c;
    c.asn = 65010;
    c.router_id = "10.80.0.11";
    c.announce_v4 = {"10.80.0.0/24"};
    frr::Neighbor n;
    n.address = "169.254.10.2";
    n.asn = 65020;
    n.description = "t1";
    c.neighbors.push_back(n);
    return c;
}

std::vector<std::string> strings(const std::vector<frr::LineChange>& changes) {
    std::vector<std::string> out;
    for (const auto& c : changes) out.push_back(c.str());
    return out;
}

TEST(FrrDiff, SameTextNoChange) {
    std::string text = frr::render(one_neighbor());
    EXPECT_TRUE(frr::diff(text, text).empty());
}

TEST(FrrDiff, RunningConfigHeaderAndCommentsAreIgnored) {
    std::string text = frr::render(one_neighbor());
    std::string running =
        "Building configuration...\n\nCurrent configuration:\n!\nfrr version 8.4.4\n" + text +
        "end\n";
    EXPECT_TRUE(frr::diff(running, text).empty());
}

TEST(FrrDiff, ChangedTimerAndAddedPrefixNamedWithTheirBlocks) {
    frr::Config before = one_neighbor();
    frr::Config after = before;
    after.neighbors[0].keepalive_s = 3;
    after.neighbors[0].hold_s = 9;
    after.announce_v4.push_back("10.81.0.0/24");
    EXPECT_EQ(strings(frr::diff(frr::render(before), frr::render(after))),
              (std::vector<std::string>{
                  "- router bgp 65010 > neighbor 169.254.10.2 timers 10 30",
                  "+ router bgp 65010 > neighbor 169.254.10.2 timers 3 9",
                  "+ router bgp 65010 > address-family ipv4 unicast > network 10.81.0.0/24",
                  "+ ip prefix-list vtigw-announce seq 10 permit 10.81.0.0/24",
              }));
}

TEST(FrrDiff, RouteMapClausesBelongToTheirRouteMap) {
    frr::Config before = one_neighbor();
    frr::Config after = before;
    after.neighbors[0].med_out = 100;
    auto changes = frr::diff(frr::render(before), frr::render(after));
    ASSERT_EQ(changes.size(), 1u);
    EXPECT_TRUE(changes[0].add);
    EXPECT_EQ(changes[0].context, std::vector<std::string>{"route-map vtigw-t1-out permit 10"});
    EXPECT_EQ(changes[0].line, "set metric 100");
}

TEST(FrrDiff, RemovedNeighborIsOnlyRemovals) {
    frr::Config before = one_neighbor();
    frr::Config after = before;
    frr::Neighbor n = before.neighbors[0];
    n.address = "169.254.11.2";
    n.description = "t2";
    before.neighbors.push_back(n);
    auto changes = frr::diff(frr::render(before), frr::render(after));
    ASSERT_FALSE(changes.empty());
    for (const auto& c : changes) {
        EXPECT_FALSE(c.add) << c.str();
        EXPECT_TRUE(c.str().find("t2") != std::string::npos ||
                    c.str().find("169.254.11.2") != std::string::npos)
            << c.str();
    }
}

TEST(FrrDiff, RedactedHidesChangedPasswordsButShowsTheChange) {
    frr::Config before = one_neighbor();
    before.neighbors[0].password = "old-Secret";
    frr::Config after = before;
    after.neighbors[0].password = "new-Secret";
    auto changes = frr::redacted(frr::diff(frr::render(before), frr::render(after)));
    EXPECT_EQ(strings(changes),
              (std::vector<std::string>{
                  "- router bgp 65010 > neighbor 169.254.10.2 password <redacted>",
                  "+ router bgp 65010 > neighbor 169.254.10.2 password <redacted>",
              }));
}

TEST(FrrDiff, FromNothingEveryLineIsAdded) {
    std::string text = frr::render(one_neighbor());
    auto changes = frr::diff("", text);
    ASSERT_FALSE(changes.empty());
    for (const auto& c : changes) EXPECT_TRUE(c.add) << c.str();
    EXPECT_EQ(changes.front().str(), "+ frr defaults traditional");
    EXPECT_EQ(frr::diff(text, "").size(), changes.size());
}

}  // namespace
