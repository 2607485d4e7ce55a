// SPDX-License-Identifier: GPL-2.0-or-later
#include "frr/command.h"

#include <gtest/gtest.h>

using namespace std::chrono_literals;

TEST(Command, CapturesOutputAndExitStatus) {
    auto r = frr::run_command({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, 10s);
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_FALSE(r.ok());
    EXPECT_NE(r.output.find("out"), std::string::npos);
    EXPECT_NE(r.output.find("err"), std::string::npos);
}

TEST(Command, TimeoutKillsTheWholeGroup) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = frr::run_command({"/bin/sh", "-c", "sleep 30 & sleep 30"}, 300ms);
    EXPECT_TRUE(r.timed_out);
    EXPECT_FALSE(r.ok());
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
}

TEST(Command, DoesNotWaitForADaemonThatKeepsTheOutputOpen) {
    // Like FRR's `-d`: the parent exits, a child lives on with the pipe.
    auto t0 = std::chrono::steady_clock::now();
    auto r = frr::run_command({"/bin/sh", "-c", "(sleep 5 &) ; echo started"}, 20s);
    EXPECT_TRUE(r.ok());
    EXPECT_NE(r.output.find("started"), std::string::npos);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 4s);
}

TEST(Command, MissingProgramIsAnError) {
    auto r = frr::run_command({"/nonexistent/program"}, 5s);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.exit_code, 127);
}
