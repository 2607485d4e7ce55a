// SPDX-License-Identifier: GPL-2.0-or-later
#include "bench_util.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace bench {

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

Families median(const std::vector<Families>& v) {
    auto of = [&](double Families::*f) {
        std::vector<double> x;
        for (const auto& e : v) x.push_back(e.*f);
        return median(x);
    };
    Families m;
    for (auto f : {&Families::links, &Families::addresses, &Families::routes, &Families::policies,
                   &Families::sysctls, &Families::nft, &Families::other})
        m.*f = of(f);
    return m;
}

std::string LoadAvg::str() const {
    char b[64];
    snprintf(b, sizeof b, "%.2f %.2f %.2f", one, five, fifteen);
    return b;
}

std::optional<LoadAvg> read_loadavg(const std::string& file) {
    std::ifstream in(file);
    LoadAvg l;
    if (!(in >> l.one >> l.five >> l.fifteen)) return std::nullopt;
    std::string word;
    while (in >> word)
        if (word == "cpus") in >> l.cpus;
    return l;
}

double cpu_probe_ms() {
    // One loop under TCG varies by a third on a quiet host (translation, timer ticks): the
    // median of five is steadier.
    std::vector<double> loops;
    for (int n = 0; n < 5; ++n) {
        auto t0 = Clock::now();
        volatile uint64_t x = 1;
        for (uint64_t i = 0; i < 16'000'000; ++i)
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        loops.push_back(ms_since(t0));
    }
    std::nth_element(loops.begin(), loops.begin() + 2, loops.end());
    return loops[2];
}

namespace {

// Busy and total jiffies of all CPUs (/proc/stat "cpu" line; idle and iowait are not busy).
bool cpu_jiffies(uint64_t& busy, uint64_t& total) {
    std::ifstream in("/proc/stat");
    std::string cpu;
    in >> cpu;
    if (cpu != "cpu") return false;
    busy = total = 0;
    uint64_t v;
    for (int i = 0; i < 8 && in >> v; ++i) {
        total += v;
        if (i != 3 && i != 4) busy += v;
    }
    return total > 0;
}

}  // namespace

double settle(double limit_s) {
    auto t0 = Clock::now();
    while (ms_since(t0) < limit_s * 1000) {
        uint64_t b0, t0j, b1, t1j;
        if (!cpu_jiffies(b0, t0j)) return 0;
        usleep(250'000);
        if (!cpu_jiffies(b1, t1j)) return 0;
        if (t1j > t0j && (b1 - b0) * 10 <= (t1j - t0j)) return ms_since(t0) / 1000;
    }
    return -1;
}

std::string ip4(int a, int b, int c, int d) {
    return std::to_string(a) + "." + std::to_string(b) + "." + std::to_string(c) + "." +
           std::to_string(d);
}

int run(const std::vector<std::string>& argv) {
    pid_t pid = fork();
    if (pid == 0) {
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execvp(args[0], args.data());
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

}  // namespace bench
