// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once
// Shared by the benchmarks: time per kernel object family, medians, and what the machine was
// doing meanwhile (load averages, a CPU speed probe, waiting for the CPUs to go idle).

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace bench {

using Clock = std::chrono::steady_clock;

/** Milliseconds since `t0`. */
double ms_since(Clock::time_point t0);

/** Wall time of one apply per object family, in ms; `other` is what no family accounts for
 *  (snapshot, diff, cache, process start-up). */
struct Families {
    double links = 0, addresses = 0, routes = 0, policies = 0, sysctls = 0, nft = 0, other = 0;
};

/** Median of `v` (0 for none). */
double median(std::vector<double> v);
/** Family by family median of `v`. */
Families median(const std::vector<Families>& v);

/** The three load averages of /proc/loadavg, or of a copy of another machine's. */
struct LoadAvg {
    double one = 0, five = 0, fifteen = 0;
    /** CPUs of that machine, when the file says (a line "cpus N" after the averages). */
    int cpus = 0;
    /** "1.02 0.80 0.55". */
    std::string str() const;
};
/** Reads `file` (/proc/loadavg format, optionally followed by "cpus N"); nullopt if unreadable. */
std::optional<LoadAvg> read_loadavg(const std::string& file = "/proc/loadavg");

/** Wall time of a fixed amount of CPU work (some 40 ms under TCG), the median of five: the
 *  same probe taking much longer later means the CPU was shared. */
double cpu_probe_ms();

/** Waits until this machine's CPUs are idle (>= 90 % over 250 ms), at most `limit_s` seconds,
 *  e.g. while the kernel tears down a namespace left behind. Returns the seconds waited, or -1
 *  when the CPUs never went idle. */
double settle(double limit_s = 120);

/** "a.b.c.d". */
std::string ip4(int a, int b, int c, int d);

/** Runs argv (PATH lookup) and waits: its exit status, 127 when it could not start, -1 when it
 *  was killed. */
int run(const std::vector<std::string>& argv);

}  // namespace bench
