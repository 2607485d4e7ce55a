// SPDX-License-Identifier: GPL-2.0-or-later
#include "netns_util.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <thread>

namespace vti::test {

bool is_root() {
    return geteuid() == 0;
}

void in_fresh_netns(const std::function<void()>& body) {
    std::thread th([&] {
        if (unshare(CLONE_NEWNET) != 0) {
            ADD_FAILURE() << "unshare(CLONE_NEWNET): " << strerror(errno);
            return;
        }
        if (sh("ip link set lo up") != 0) ADD_FAILURE() << "lo up";
        body();
    });
    th.join();
}

int sh(const std::string& cmd) {
    int rc = system(cmd.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

std::string out(const std::string& cmd) {
    std::string result;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return result;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) result.append(buf, n);
    pclose(p);
    return result;
}

int count_lines(const std::string& text, const std::string& needle) {
    std::istringstream in(text);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) n += line.find(needle) != std::string::npos;
    return n;
}

}  // namespace vti::test
