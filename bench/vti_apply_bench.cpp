// SPDX-License-Identifier: GPL-2.0-or-later
// bench/vti-apply: the VTI manager against iproute2 for the same kernel objects.
//
//   vti-apply [--host] [--tunnels N] [--per-process M]
//
// Runs in private network namespaces it creates (unshare), one per phase:
//   1. ours: Manager::apply of N tunnels with full state, then a no-op re-apply, then a change
//      of one tunnel among N (both from the event-maintained cache), and the same two on the
//      full path (ApplyOptions::full) for comparison;
//   2. iproute2: the same objects (the plan's own commands) through one `ip -batch`, one
//      `sysctl -w` and one `nft -f`; afterwards our plan must be empty (same objects);
//   3. one process per object for M tunnels.
// --host: the host kernel has no ip_vti, so tunnel interfaces are pre-created veths adopted by
// the manager (LinkMode::Adopt) and addresses are left out: links are marked, policies, routes,
// sysctls and the MSS table are the real thing.
// Last line: vti-apply: tunnels=N ours_ms=… iproute2_batch_ms=… ratio=… noop_pct=…
//            one_change_pct=… one_change_objects=…   (noop / one change: the cached path; the
//            lines before it give the full path's too)
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "vti/manager.h"

using namespace vti;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
    int tunnels = 1000;
    int per_process = 100;
    bool host = false;
};

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

[[noreturn]] void die(const std::string& what) {
    fprintf(stderr, "vti-apply: %s\n", what.c_str());
    exit(1);
}

std::string ip4(int a, int b, int c, int d) {
    return std::to_string(a) + "." + std::to_string(b) + "." + std::to_string(c) + "." +
           std::to_string(d);
}

DesiredState make_state(const Options& o, int n) {
    DesiredState d;
    for (int i = 0; i < n; ++i) {
        TunnelSpec t;
        t.name = "t" + std::to_string(i);
        t.ifname = (o.host ? "vb" : "vti") + std::to_string(i);
        t.kind = LinkKind::Vti;
        t.key = 1000 + i;
        t.reqid = 1000 + i;
        t.local = *IpAddress::parse("192.0.2.1");
        t.remote = *IpAddress::parse(ip4(172, 16 + i / 250 / 250, i / 250 % 250, i % 250 + 1));
        t.mtu = 1400;
        if (!o.host)
            t.addresses = {*Prefix::parse(ip4(169, 254, i * 4 / 256, i * 4 % 256 + 1) + "/30")};
        t.routes = {{*Prefix::parse(ip4(10, i / 256, i % 256, 0) + "/24"), 0, 254}};
        t.mss.mode = MssSpec::Mode::RouteMtu;
        d.tunnels.push_back(t);
    }
    return d;
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

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::stringstream in(s);
    std::string part;
    while (std::getline(in, part, sep))
        if (!part.empty()) out.push_back(part);
    return out;
}

// A fresh namespace for the whole (single-threaded) process; veth stand-ins in host mode.
void fresh_netns(const Options& o, int n) {
    if (unshare(CLONE_NEWNET) != 0) die(std::string("unshare: ") + strerror(errno));
    if (run({"ip", "link", "set", "lo", "up"}) != 0) die("lo up");
    if (!o.host) return;
    std::string file = "/tmp/vti-apply-veth-" + std::to_string(getpid());
    {
        std::ofstream f(file);
        for (int i = 0; i < n; ++i)
            f << "link add vb" << i << " type veth peer name vp" << i << "\n";
    }
    int rc = run({"ip", "-batch", file});
    unlink(file.c_str());
    if (rc != 0) die("creating veth stand-ins");
}

// The plan's commands, split by tool.
struct Commands {
    std::vector<std::string> ip;      // without the leading "ip "
    std::vector<std::string> sysctl;  // path=value
    std::vector<std::string> nft;     // nft scripts
};

Commands commands(const std::vector<Change>& plan) {
    Commands c;
    for (const auto& ch : plan) {
        if (ch.object == Change::Object::Nft) {
            size_t a = ch.command.find('\n') + 1, b = ch.command.rfind("EOF");
            c.nft.push_back(ch.command.substr(a, b - a));
        } else if (ch.object == Change::Object::Sysctl) {
            c.sysctl.push_back(ch.command.substr(std::string("sysctl -w ").size()));
        } else {
            for (const auto& line : split(ch.command, '\n')) c.ip.push_back(line.substr(3));
        }
    }
    return c;
}

std::string write_file(const std::string& tag, const std::string& text) {
    std::string file = "/tmp/vti-apply-" + tag + "-" + std::to_string(getpid());
    std::ofstream(file) << text;
    return file;
}

std::unique_ptr<Manager> manager(const Options& o) {
    auto m = Manager::open({o.host ? LinkMode::Adopt : LinkMode::Manage});
    if (!m) die(m.message());
    return std::move(m.value());
}

std::vector<Change> plan_or_die(Manager& m, const DesiredState& d) {
    auto p = m.plan(d);
    if (!p) die(p.message());
    return std::move(p.value());
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--host")
            o.host = true;
        else if (a == "--tunnels" && i + 1 < argc)
            o.tunnels = atoi(argv[++i]);
        else if (a == "--per-process" && i + 1 < argc)
            o.per_process = atoi(argv[++i]);
        else
            die("usage: vti-apply [--host] [--tunnels N] [--per-process M]");
    }
    if (geteuid() != 0) die("needs root (network namespaces)");
    if (o.tunnels < 2 || o.per_process < 1 || o.per_process > o.tunnels) die("bad counts");
    DesiredState d = make_state(o, o.tunnels);
    char kernel[256] = {};
    std::ifstream("/proc/sys/kernel/osrelease") >> kernel;
    printf("kernel %s, %s mode, %d tunnels\n", kernel, o.host ? "host (adopted veths)" : "full",
           o.tunnels);

    // 1. ours
    fresh_netns(o, o.tunnels);
    auto mgr = manager(o);
    ApplyStats st;
    auto t0 = Clock::now();
    Result r = mgr->apply(d, &st);
    double ours = ms_since(t0);
    if (!r.ok()) die(r.message());
    printf("ours: %zu changes in %.1f ms, %llu round trips\n", st.changes, ours,
           static_cast<unsigned long long>(st.round_trips));
    t0 = Clock::now();
    r = mgr->apply(d, &st);
    double noop = ms_since(t0);
    if (!r.ok() || st.changes != 0) die("no-op re-apply changed " + std::to_string(st.changes));
    printf("no-op re-apply: %.1f ms, %llu round trips, cache %s, %llu events\n", noop,
           static_cast<unsigned long long>(st.round_trips),
           st.used_cache ? "used" : ("not used: " + st.cache_miss).c_str(),
           static_cast<unsigned long long>(st.events));
    t0 = Clock::now();
    r = mgr->apply(d, &st, {.full = true});
    double noop_full = ms_since(t0);
    if (!r.ok() || st.changes != 0)
        die("full no-op re-apply changed " + std::to_string(st.changes));
    printf("uncached no-op re-apply (full path): %.1f ms, %llu round trips\n", noop_full,
           static_cast<unsigned long long>(st.round_trips));
    t0 = Clock::now();
    auto snap = mgr->snapshot(d);
    double snap_ms = ms_since(t0);
    if (!snap) die(snap.message());
    t0 = Clock::now();
    auto steps = diff(*snap, d, {o.host ? LinkMode::Adopt : LinkMode::Manage});
    printf("  of which snapshot %.1f ms (%zu links, %zu routes, %zu policies), diff %.1f ms\n",
           snap_ms, snap->links.size(), snap->routes.size(), snap->policies.size(), ms_since(t0));
    DesiredState d2 = d;
    TunnelSpec& one = d2.tunnels[o.tunnels / 2];
    one.mtu = 1380;
    one.routes.push_back({*Prefix::parse("10.250.0.0/24"), 0, 254});
    auto one_plan = plan_or_die(*mgr, d2);
    for (const auto& c : one_plan)
        if (c.tunnel != one.name) die("one-tunnel change touches " + c.str());
    t0 = Clock::now();
    r = mgr->apply(d2, &st);
    double one_ms = ms_since(t0);
    if (!r.ok()) die(r.message());
    printf("one-tunnel change: %zu changes (%s) in %.1f ms, %llu round trips, cache %s\n",
           st.changes, one.name.c_str(), one_ms, static_cast<unsigned long long>(st.round_trips),
           st.used_cache ? "used" : ("not used: " + st.cache_miss).c_str());
    // The same kind of change to another tunnel, on the full path.
    DesiredState d3 = d2;
    TunnelSpec& other = d3.tunnels[o.tunnels / 4];
    other.mtu = 1380;
    other.routes.push_back({*Prefix::parse("10.251.0.0/24"), 0, 254});
    t0 = Clock::now();
    r = mgr->apply(d3, &st, {.full = true});
    double one_full = ms_since(t0);
    if (!r.ok()) die(r.message());
    printf("uncached one-tunnel change (full path): %zu changes (%s) in %.1f ms\n", st.changes,
           other.name.c_str(), one_full);
    printf("full path: noop_pct=%.1f one_change_pct=%.1f\n", 100.0 * noop_full / ours,
           100.0 * one_full / ours);
    mgr.reset();

    // 2. iproute2 batch for the same objects
    fresh_netns(o, o.tunnels);
    mgr = manager(o);
    auto plan = plan_or_die(*mgr, d);
    Commands c = commands(plan);
    std::string ipfile, nftfile;
    for (const auto& l : c.ip) ipfile += l + "\n";
    std::string ipf = write_file("ip", ipfile);
    std::vector<std::string> nftfiles;
    for (size_t i = 0; i < c.nft.size(); ++i)
        nftfiles.push_back(write_file("nft" + std::to_string(i), c.nft[i]));
    std::vector<std::string> sysctl_argv = {"sysctl", "-q", "-w"};
    sysctl_argv.insert(sysctl_argv.end(), c.sysctl.begin(), c.sysctl.end());
    t0 = Clock::now();
    int rc = run({"ip", "-batch", ipf});
    if (!c.sysctl.empty()) rc |= run(sysctl_argv);
    for (const auto& f : nftfiles) rc |= run({"nft", "-f", f});
    double batch = ms_since(t0);
    unlink(ipf.c_str());
    for (const auto& f : nftfiles) unlink(f.c_str());
    if (rc != 0) die("iproute2 batch failed");
    size_t left = plan_or_die(*mgr, d).size();
    printf("iproute2: %zu ip lines + %zu sysctls + %zu nft scripts in %.1f ms; left for us: %zu\n",
           c.ip.size(), c.sysctl.size(), c.nft.size(), batch, left);
    if (left != 0) die("iproute2 batch did not produce the same objects");
    mgr.reset();

    // 3. one process per object, for per_process tunnels
    fresh_netns(o, o.per_process);
    mgr = manager(o);
    DesiredState small = make_state(o, o.per_process);
    Commands pc = commands(plan_or_die(*mgr, small));
    size_t procs = 0;
    t0 = Clock::now();
    for (const auto& l : pc.ip) {
        std::vector<std::string> a = split("ip " + l, ' ');
        rc |= run(a);
        ++procs;
    }
    for (const auto& s : pc.sysctl) {
        rc |= run({"sysctl", "-q", "-w", s});
        ++procs;
    }
    for (size_t i = 0; i < pc.nft.size(); ++i) {
        std::string f = write_file("pnft", pc.nft[i]);
        rc |= run({"nft", "-f", f});
        unlink(f.c_str());
        ++procs;
    }
    double per_proc = ms_since(t0);
    if (rc != 0) die("per-process run failed");
    double ours_per_tunnel = ours / o.tunnels;
    double pp_per_tunnel = per_proc / o.per_process;
    printf(
        "one process per object: %zu processes for %d tunnels in %.1f ms (%.2f ms/tunnel vs "
        "ours %.3f ms/tunnel: %.0fx)\n",
        procs, o.per_process, per_proc, pp_per_tunnel, ours_per_tunnel,
        pp_per_tunnel / ours_per_tunnel);
    mgr.reset();

    printf(
        "vti-apply: tunnels=%d ours_ms=%.0f iproute2_batch_ms=%.0f ratio=%.2f noop_pct=%.1f "
        "one_change_pct=%.1f one_change_objects=%zu\n",
        o.tunnels, ours, batch, ours / batch, 100.0 * noop / ours, 100.0 * one_ms / ours,
        one_plan.size());
    return 0;
}
