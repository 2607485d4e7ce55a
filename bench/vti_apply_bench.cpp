// SPDX-License-Identifier: GPL-2.0-or-later
// bench/vti-apply: the VTI manager against iproute2 and against the floor, for the same objects.
//
//   vti-apply [--host] [--tunnels N] [--per-process M] [--runs R] [--host-load FILE] [--settle S]
//
// Runs in private network namespaces it creates (unshare), a fresh one per measured apply, and
// before each waits for the CPUs to go idle (the kernel tears the last one down in the
// background; at most S seconds, default 60, 0: no wait). Each of R runs (default 3) measures:
//   1. ours: Manager::apply of N tunnels with full state, then a no-op re-apply, then a change
//      of one tunnel among N (both from the event-maintained cache), and the same two on the
//      full path (ApplyOptions::full) for comparison;
//   2. iproute2: the same objects (the plan's own commands) with one `ip -batch` per object
//      family, one `sysctl -w` and one `nft -f`; afterwards our plan must be empty;
//   3. the floor (vti_apply_floor.h): the same objects, pre-built messages, one stream per
//      family without waiting for acks; afterwards our plan must be empty.
// Figures are medians of the R runs, per family too. Then, once, one process per object for M
// tunnels (0: skip).
// The machine: load average at start and end (this machine's, and with --host-load the host's,
// for a VM: a file the host keeps rewriting, /proc/loadavg format, "cpus N" after it; the
// host's also after each run), a CPU probe (median of five loops) at the same points, and how
// long the CPUs took to go idle. When the machine was busy (busy_reasons) a WARNING line says
// why and the last line says busy=yes.
// --host: the host kernel has no ip_vti, so tunnel interfaces are pre-created veths adopted by
// the manager (LinkMode::Adopt) and addresses are left out: links are marked, policies, routes,
// sysctls and the MSS table are the real thing. No floor in this mode.
// Last line: vti-apply: tunnels=N ours_ms=… iproute2_batch_ms=… ratio=… floor_ms=… over_floor=…
//            floor_ratio=… noop_pct=… one_change_pct=… one_change_objects=… runs=R busy=…
//            (noop / one change: the cached path; the lines before give the full path's too;
//            floor_ratio: the floor against iproute2, the lowest ratio there is)
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "bench_util.h"
#include "vti/manager.h"
#include "vti_apply_floor.h"

using namespace vti;
using namespace bench;

namespace {

struct Options {
    int tunnels = 1000;
    int per_process = 100;
    int runs = 3;
    bool host = false;
    std::string host_load;
    double settle_s = 60;
};

[[noreturn]] void die(const std::string& what) {
    fprintf(stderr, "vti-apply: %s\n", what.c_str());
    exit(1);
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

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::stringstream in(s);
    std::string part;
    while (std::getline(in, part, sep))
        if (!part.empty()) out.push_back(part);
    return out;
}

// What the machine did meanwhile.
struct Machine {
    double limit_s = 60;
    std::string host_load;                           // the host's load file (VM runs), empty: none
    std::vector<double> probes;                      // at start, after each run, at the end
    std::vector<std::optional<LoadAvg>> host_loads;  // the host's load at the same points
    void sample() {
        probes.push_back(cpu_probe_ms());
        if (!host_load.empty()) host_loads.push_back(read_loadavg(host_load));
    }
    double settle_max_s = 0;
    bool never_idle = false;
    void settle_now() {
        if (limit_s <= 0) return;
        double s = settle(limit_s);
        if (s < 0) never_idle = true;
        settle_max_s = std::max(settle_max_s, s);
    }
};

// A fresh namespace for the whole (single-threaded) process, once the CPUs are idle (the last
// one's teardown done); veth stand-ins in host mode.
void fresh_netns(const Options& o, int n, Machine& m) {
    if (unshare(CLONE_NEWNET) != 0) die(std::string("unshare: ") + strerror(errno));
    m.settle_now();
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
    m.settle_now();
}

// The plan's commands by tool and, for ip, by object family.
struct Commands {
    std::vector<std::string> links, addresses, routes, policies;  // ip lines without "ip "
    std::vector<std::string> sysctl;                              // path=value
    std::vector<std::string> nft;                                 // nft scripts
    size_t ip_lines() const {
        return links.size() + addresses.size() + routes.size() + policies.size();
    }
};

Commands commands(const std::vector<Change>& plan) {
    Commands c;
    for (const auto& ch : plan) {
        using O = Change::Object;
        if (ch.object == O::Nft) {
            size_t a = ch.command.find('\n') + 1, b = ch.command.rfind("EOF");
            c.nft.push_back(ch.command.substr(a, b - a));
        } else if (ch.object == O::Sysctl) {
            c.sysctl.push_back(ch.command.substr(std::string("sysctl -w ").size()));
        } else {
            auto& to = ch.object == O::Link      ? c.links
                       : ch.object == O::Address ? c.addresses
                       : ch.object == O::Route   ? c.routes
                                                 : c.policies;
            for (const auto& line : split(ch.command, '\n')) to.push_back(line.substr(3));
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

Families families_of(const ApplyTimes& t, double total) {
    Families f{t.links_ms, t.addresses_ms, t.routes_ms, t.policies_ms, t.sysctls_ms, t.nft_ms, 0};
    f.other = total - (f.links + f.addresses + f.routes + f.policies + f.sysctls + f.nft);
    return f;
}

// One run of ours: full apply, cached and full-path no-op and one-tunnel change.
struct OursRun {
    double apply = 0, noop = 0, noop_full = 0, one = 0, one_full = 0;
    double prepare = 0, cache = 0;  // of apply
    Families fam;
    size_t one_objects = 0;
};

OursRun run_ours(const Options& o, const DesiredState& d, Machine& machine, bool verbose) {
    OursRun out;
    fresh_netns(o, o.tunnels, machine);
    auto mgr = manager(o);
    ApplyStats st;
    auto t0 = Clock::now();
    Result r = mgr->apply(d, &st);
    out.apply = ms_since(t0);
    if (!r.ok()) die(r.message());
    out.fam = families_of(st.times, out.apply);
    out.prepare = st.times.prepare_ms;
    out.cache = st.times.cache_ms;
    if (verbose)
        printf(
            "ours: %zu changes in %.1f ms, %llu round trips, %zu sysctls on link messages, "
            "prepare %.1f ms, cache %.1f ms\n",
            st.changes, out.apply, static_cast<unsigned long long>(st.round_trips),
            st.sysctls_on_link, st.times.prepare_ms, st.times.cache_ms);
    t0 = Clock::now();
    r = mgr->apply(d, &st);
    out.noop = ms_since(t0);
    if (!r.ok() || st.changes != 0) die("no-op re-apply changed " + std::to_string(st.changes));
    if (verbose)
        printf("no-op re-apply: %.1f ms, %llu round trips, cache %s, %llu events\n", out.noop,
               static_cast<unsigned long long>(st.round_trips),
               st.used_cache ? "used" : ("not used: " + st.cache_miss).c_str(),
               static_cast<unsigned long long>(st.events));
    t0 = Clock::now();
    r = mgr->apply(d, &st, {.full = true});
    out.noop_full = ms_since(t0);
    if (!r.ok() || st.changes != 0)
        die("full no-op re-apply changed " + std::to_string(st.changes));
    if (verbose) {
        printf("uncached no-op re-apply (full path): %.1f ms, %llu round trips\n", out.noop_full,
               static_cast<unsigned long long>(st.round_trips));
        t0 = Clock::now();
        auto snap = mgr->snapshot(d);
        double snap_ms = ms_since(t0);
        if (!snap) die(snap.message());
        t0 = Clock::now();
        auto steps = diff(*snap, d, {o.host ? LinkMode::Adopt : LinkMode::Manage});
        printf("  of which snapshot %.1f ms (%zu links, %zu routes, %zu policies), diff %.1f ms\n",
               snap_ms, snap->links.size(), snap->routes.size(), snap->policies.size(),
               ms_since(t0));
    }
    DesiredState d2 = d;
    TunnelSpec& one = d2.tunnels[o.tunnels / 2];
    one.mtu = 1380;
    one.routes.push_back({*Prefix::parse("10.250.0.0/24"), 0, 254});
    auto one_plan = plan_or_die(*mgr, d2);
    for (const auto& c : one_plan)
        if (c.tunnel != one.name) die("one-tunnel change touches " + c.str());
    out.one_objects = one_plan.size();
    t0 = Clock::now();
    r = mgr->apply(d2, &st);
    out.one = ms_since(t0);
    if (!r.ok()) die(r.message());
    if (verbose)
        printf("one-tunnel change: %zu changes (%s) in %.1f ms, %llu round trips, cache %s\n",
               st.changes, one.name.c_str(), out.one,
               static_cast<unsigned long long>(st.round_trips),
               st.used_cache ? "used" : ("not used: " + st.cache_miss).c_str());
    // The same kind of change to another tunnel, on the full path.
    DesiredState d3 = d2;
    TunnelSpec& other = d3.tunnels[o.tunnels / 4];
    other.mtu = 1380;
    other.routes.push_back({*Prefix::parse("10.251.0.0/24"), 0, 254});
    t0 = Clock::now();
    r = mgr->apply(d3, &st, {.full = true});
    out.one_full = ms_since(t0);
    if (!r.ok()) die(r.message());
    if (verbose)
        printf("uncached one-tunnel change (full path): %zu changes (%s) in %.1f ms\n", st.changes,
               other.name.c_str(), out.one_full);
    return out;
}

// One run of iproute2, a process per family; the total includes their start-up.
struct BatchRun {
    double total = 0;
    Families fam;
};

BatchRun run_iproute2(const Options& o, const DesiredState& d, const Commands& c, Machine& m) {
    fresh_netns(o, o.tunnels, m);
    auto join = [](const std::vector<std::string>& lines) {
        std::string s;
        for (const auto& l : lines) s += l + "\n";
        return s;
    };
    std::string lf = write_file("links", join(c.links)),
                af = write_file("addrs", join(c.addresses)),
                rf = write_file("routes", join(c.routes)),
                pf = write_file("policies", join(c.policies));
    std::vector<std::string> nftfiles;
    for (size_t i = 0; i < c.nft.size(); ++i)
        nftfiles.push_back(write_file("nft" + std::to_string(i), c.nft[i]));
    std::vector<std::string> sysctl_argv = {"sysctl", "-q", "-w"};
    sysctl_argv.insert(sysctl_argv.end(), c.sysctl.begin(), c.sysctl.end());
    BatchRun out;
    int rc = 0;
    auto phase = [&](double& ms, bool any, auto&& f) {
        auto t = Clock::now();
        if (any) rc |= f();
        ms = ms_since(t);
    };
    auto t0 = Clock::now();
    phase(out.fam.links, !c.links.empty(), [&] { return run({"ip", "-batch", lf}); });
    phase(out.fam.addresses, !c.addresses.empty(), [&] { return run({"ip", "-batch", af}); });
    phase(out.fam.routes, !c.routes.empty(), [&] { return run({"ip", "-batch", rf}); });
    phase(out.fam.policies, !c.policies.empty(), [&] { return run({"ip", "-batch", pf}); });
    phase(out.fam.sysctls, !c.sysctl.empty(), [&] { return run(sysctl_argv); });
    phase(out.fam.nft, !nftfiles.empty(), [&] {
        int r = 0;
        for (const auto& f : nftfiles) r |= run({"nft", "-f", f});
        return r;
    });
    out.total = ms_since(t0);
    for (const auto& f : {lf, af, rf, pf}) unlink(f.c_str());
    for (const auto& f : nftfiles) unlink(f.c_str());
    if (rc != 0) die("iproute2 batch failed");
    auto mgr = manager(o);
    size_t left = plan_or_die(*mgr, d).size();
    if (left != 0)
        die("iproute2 batch did not produce the same objects: " + std::to_string(left) +
            " changes left");
    return out;
}

FloorRun run_floor_checked(const Options& o, const DesiredState& d, Machine& m) {
    fresh_netns(o, o.tunnels, m);
    FloorRun f = run_floor(d);
    if (!f.error.empty()) die("floor: " + f.error);
    auto mgr = manager(o);
    auto left = plan_or_die(*mgr, d);
    if (!left.empty())
        die("the floor did not produce the same objects: " + std::to_string(left.size()) +
            " changes left, first: " + left.front().str());
    return f;
}

std::string brief(const Families& f) {
    char b[160];
    snprintf(b, sizeof b, "%.0f/%.0f/%.0f/%.0f/%.0f/%.0f/%.0f", f.links, f.addresses, f.routes,
             f.policies, f.sysctls, f.nft, f.other);
    return b;
}

void print_families(const char* who, const Families& f, double total) {
    printf("  %-10s %8.0f %9.0f %7.0f %8.0f %7.0f %6.0f %6.0f %8.0f\n", who, f.links, f.addresses,
           f.routes, f.policies, f.sysctls, f.nft, f.other, total);
}

// One process per object, for per_process tunnels; ms per tunnel.
void run_per_process(const Options& o, double ours_per_tunnel, Machine& m) {
    fresh_netns(o, o.per_process, m);
    auto mgr = manager(o);
    DesiredState small = make_state(o, o.per_process);
    Commands pc = commands(plan_or_die(*mgr, small));
    size_t procs = 0;
    int rc = 0;
    auto t0 = Clock::now();
    for (const auto* fam : {&pc.links, &pc.addresses, &pc.routes, &pc.policies})
        for (const auto& l : *fam) {
            rc |= run(split("ip " + l, ' '));
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
    double pp_per_tunnel = per_proc / o.per_process;
    printf(
        "one process per object: %zu processes for %d tunnels in %.1f ms (%.2f ms/tunnel vs "
        "ours %.3f ms/tunnel: %.0fx)\n",
        procs, o.per_process, per_proc, pp_per_tunnel, ours_per_tunnel,
        pp_per_tunnel / ours_per_tunnel);
}

std::string load_line(const char* when, const Options& o) {
    std::string s = std::string("load average at ") + when + ": " +
                    (read_loadavg() ? read_loadavg()->str() : "?");
    if (!o.host_load.empty()) {
        auto h = read_loadavg(o.host_load);
        s += ", host " + (h ? h->str() + (h->cpus ? " (" + std::to_string(h->cpus) + " cpus)" : "")
                            : "unknown (" + o.host_load + " unreadable)");
    }
    return s;
}

// Why the figures cannot be taken as a quiet machine's; empty when they can. The host (a VM's)
// was busy when, at any sample, more threads wanted a CPU than it has beyond the VM's own two
// vCPUs' worth (one-minute load above cpus + 0.5); this machine's CPU was shared when the probe
// (median of five loops) took half as long again as its fastest, which a quiet TCG guest never
// did (its loops vary by a third, their median by much less).
std::string busy_reasons(const Options& o, const Machine& m) {
    std::string why;
    auto add = [&](const std::string& s) { why += (why.empty() ? "" : "; ") + s; };
    for (const auto& h : m.host_loads)
        if (h && h->cpus && h->one > h->cpus + 0.5) {
            add("host load " + h->str() + " on " + std::to_string(h->cpus) + " cpus");
            break;
        }
    if (!o.host_load.empty() && (m.host_loads.empty() || !m.host_loads.front()))
        add("host load unknown");
    double lo = *std::min_element(m.probes.begin(), m.probes.end());
    double hi = *std::max_element(m.probes.begin(), m.probes.end());
    if (hi > lo * 1.5) {
        char b[96];
        snprintf(b, sizeof b, "CPU probe varied %.0f..%.0f ms", lo, hi);
        add(b);
    }
    if (m.never_idle) add("the CPUs never went idle between phases");
    return why;
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
        else if (a == "--runs" && i + 1 < argc)
            o.runs = atoi(argv[++i]);
        else if (a == "--host-load" && i + 1 < argc)
            o.host_load = argv[++i];
        else if (a == "--settle" && i + 1 < argc)
            o.settle_s = atof(argv[++i]);
        else
            die("usage: vti-apply [--host] [--tunnels N] [--per-process M] [--runs R] "
                "[--host-load FILE] [--settle S]");
    }
    if (geteuid() != 0) die("needs root (network namespaces)");
    setvbuf(stdout, nullptr, _IOLBF, 0);
    if (o.tunnels < 2 || o.per_process < 0 || o.per_process > o.tunnels || o.runs < 1)
        die("bad counts");
    DesiredState d = make_state(o, o.tunnels);
    char kernel[256] = {};
    std::ifstream("/proc/sys/kernel/osrelease") >> kernel;
    printf("kernel %s, %s mode, %d tunnels, %d runs\n", kernel,
           o.host ? "host (adopted veths)" : "full", o.tunnels, o.runs);
    Machine machine;
    machine.limit_s = o.settle_s;
    machine.host_load = o.host_load;
    printf("%s\n", load_line("start", o).c_str());
    machine.sample();

    // The plan's commands, for iproute2 (the same in every fresh namespace).
    fresh_netns(o, o.tunnels, machine);
    Commands c = commands(plan_or_die(*manager(o), d));
    // Untimed warm-up: the first tunnel interface loads its kernel module, the first runs read
    // the programs and libraries (in a VM over 9p).
    {
        DesiredState few = make_state(o, 2);
        auto m = manager(o);
        if (Result r = m->apply(few); !r.ok()) die("warm-up: " + r.message());
        std::string f = write_file("warm", "link set lo up\n");
        if (run({"ip", "-batch", f}) != 0 ||
            run({"sysctl", "-q", "-w", "net.ipv4.conf.lo.rp_filter=0"}) != 0 ||
            run({"nft", "-c", "-f", "/dev/null"}) != 0)
            die("warm-up: ip, sysctl or nft failed");
        unlink(f.c_str());
    }

    std::vector<OursRun> ours;
    std::vector<BatchRun> batch;
    std::vector<FloorRun> floor;
    for (int run_no = 1; run_no <= o.runs; ++run_no) {
        ours.push_back(run_ours(o, d, machine, run_no == 1));
        batch.push_back(run_iproute2(o, d, c, machine));
        if (!o.host) floor.push_back(run_floor_checked(o, d, machine));
        machine.sample();
        printf(
            "run %d: ours %.0f ms, iproute2 %.0f ms, floor %.0f ms, noop %.1f ms, one change "
            "%.1f ms, probe %.0f ms%s\n",
            run_no, ours.back().apply, batch.back().total,
            floor.empty() ? 0.0 : floor.back().total_ms, ours.back().noop, ours.back().one,
            machine.probes.back(),
            machine.host_loads.empty() || !machine.host_loads.back()
                ? ""
                : (", host load " + machine.host_loads.back()->str()).c_str());
        printf(
            "  families (links/addresses/routes/policies/sysctls/nft/other): ours %s "
            "(prepare %.0f, cache %.0f), ip -batch %s, floor %s\n",
            brief(ours.back().fam).c_str(), ours.back().prepare, ours.back().cache,
            brief(batch.back().fam).c_str(), floor.empty() ? "-" : brief(floor.back().ms).c_str());
    }
    auto med = [](const auto& v, auto field) {
        std::vector<double> x;
        for (const auto& e : v) x.push_back(field(e));
        return median(x);
    };
    double ours_ms = med(ours, [](const OursRun& r) { return r.apply; });
    double noop = med(ours, [](const OursRun& r) { return r.noop; });
    double one = med(ours, [](const OursRun& r) { return r.one; });
    double noop_full = med(ours, [](const OursRun& r) { return r.noop_full; });
    double one_full = med(ours, [](const OursRun& r) { return r.one_full; });
    double batch_ms = med(batch, [](const BatchRun& r) { return r.total; });
    double floor_ms = med(floor, [](const FloorRun& r) { return r.total_ms; });
    printf(
        "iproute2: %zu ip lines in 4 batches (links, addresses, routes, policies) + %zu sysctls "
        "+ %zu nft scripts\n",
        c.ip_lines(), c.sysctl.size(), c.nft.size());
    if (!floor.empty())
        printf("floor: %zu netlink messages, %zu sysctl files (settings no link message carries)\n",
               floor.front().messages, floor.front().sysctl_writes);
    printf("full path: noop_pct=%.1f one_change_pct=%.1f\n", 100.0 * noop_full / ours_ms,
           100.0 * one_full / ours_ms);
    std::vector<Families> of, bf, ff;
    for (const auto& r : ours) of.push_back(r.fam);
    for (const auto& r : batch) bf.push_back(r.fam);
    for (const auto& r : floor) ff.push_back(r.ms);
    printf("per family, ms (median of %d; other: snapshot, diff, cache, process start-up):\n",
           o.runs);
    printf("  %-10s %8s %9s %7s %8s %7s %6s %6s %8s\n", "", "links", "addresses", "routes",
           "policies", "sysctls", "nft", "other", "total");
    print_families("ours", median(of), ours_ms);
    print_families("ip -batch", median(bf), batch_ms);
    if (!floor.empty()) print_families("floor", median(ff), floor_ms);

    if (o.per_process > 0) run_per_process(o, ours_ms / o.tunnels, machine);

    machine.sample();
    printf("%s\n", load_line("end", o).c_str());
    printf(
        "cpu probe %s ms; longest wait for idle CPUs %.1f s\n",
        [&] {
            std::string s;
            for (double p : machine.probes) s += (s.empty() ? "" : " ") + std::to_string(int(p));
            return s;
        }()
            .c_str(),
        machine.settle_max_s);
    std::string busy = busy_reasons(o, machine);
    if (!busy.empty())
        printf("WARNING: the machine was busy (%s): these figures are not a quiet machine's\n",
               busy.c_str());
    char fl[128] = "";
    if (!floor.empty())
        snprintf(fl, sizeof fl, " floor_ms=%.0f over_floor=%.2f floor_ratio=%.2f", floor_ms,
                 ours_ms / floor_ms, floor_ms / batch_ms);
    printf(
        "vti-apply: tunnels=%d ours_ms=%.0f iproute2_batch_ms=%.0f ratio=%.2f%s noop_pct=%.1f "
        "one_change_pct=%.1f one_change_objects=%zu runs=%d busy=%s\n",
        o.tunnels, ours_ms, batch_ms, ours_ms / batch_ms, fl, 100.0 * noop / ours_ms,
        100.0 * one / ours_ms, ours.front().one_objects, o.runs, busy.empty() ? "no" : "yes");
    return 0;
}
