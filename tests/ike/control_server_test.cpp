// SPDX-License-Identifier: GPL-2.0-or-later
// The daemon's control socket: its mode, and that starting it leaves the process umask alone
// (other threads create files and directories meanwhile: FRR's run directory, made while a bind
// had the umask at 0177, locked FRR's daemons out).
#include "daemon/control_server.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <thread>

namespace {

/** The process's umask as /proc shows it (reading it through umask() would change it). */
std::string umask_now() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("Umask:", 0) == 0) return line.substr(6);
    return "?";
}

gateway::control::Reply no_reply(const gateway::control::Request&) {
    return {};
}

}  // namespace

TEST(ControlServer, SocketIsOwnerOnlyAndTheUmaskNeverChanges) {
    char dir_template[] = "/tmp/vtigw-control-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    const std::string dir = dir_template, path = dir + "/vtigw.sock";
    const std::string before = umask_now();

    std::atomic<bool> done{false};
    std::set<std::string> seen;
    std::thread watcher([&] {
        while (!done) seen.insert(umask_now());
    });
    for (int i = 0; i < 1000; i++) {
        vtigwd::ControlServer server;
        std::string error;
        ASSERT_TRUE(server.start(path, no_reply, error)) << error;
        struct stat st{};
        ASSERT_EQ(stat(path.c_str(), &st), 0);
        EXPECT_EQ(st.st_mode & 0777, 0600u);
        server.stop();
    }
    done = true;
    watcher.join();
    rmdir(dir.c_str());

    EXPECT_EQ(seen, std::set<std::string>{before});
}
